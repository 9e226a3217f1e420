import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * Removes upload staging files (`DATA_DIR/tmp/*.part`) left by an API process that died mid-upload
 * (SIGKILL, OOM, power loss): they were never blobs and no document points at them, but they hold
 * disk. Only files untouched for `maxAgeMs` go, so an upload still streaming in another replica
 * (which keeps writing, so keeps its mtime fresh) is never cut. Runs at start and then every
 * `maxAgeMs` (at most every 10 minutes).
 */
@Injectable()
export class StagingSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly maxAgeMs: number,
    private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), Math.min(this.maxAgeMs, 600_000));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    const dir = join(this.dataDir, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0; // no staging folder yet
    }
    const cutoff = Date.now() - this.maxAgeMs;
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const path = join(dir, name);
      try {
        if ((await stat(path)).mtimeMs < cutoff) {
          await unlink(path);
          removed++;
        }
      } catch {
        // raced with its own upload finishing or another replica's sweep
      }
    }
    if (removed > 0) this.logger.info({ removed }, 'removed stale upload staging files');
    return removed;
  }
}
