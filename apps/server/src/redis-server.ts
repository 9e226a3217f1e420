import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import IORedis from 'ioredis';

export const REDIS_INSTALL_HINT =
  'redis-server not found on PATH: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL';

export function hasRedisServer(): boolean {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PrivateRedis {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free loopback port with noeviction, as BullMQ requires. For the embedded
 * mode (`persist`, the default) its append-only file lives under DATA_DIR/redis so queued jobs survive a
 * restart; the test suites and benchmarks start a throwaway one (`persist: false`) in a temporary dir.
 * Resolves once it answers PING; a missing binary rejects with REDIS_INSTALL_HINT.
 */
export async function startPrivateRedis(dataDir: string, opts: { persist?: boolean } = {}): Promise<PrivateRedis> {
  const persist = opts.persist ?? true;
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--dir',
      dir,
      '--appendonly',
      persist ? 'yes' : 'no',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let spawnError: Error | null = null;
  proc.once('error', (err) => (spawnError = new Error(`${REDIS_INSTALL_HINT} (${err.message})`)));
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (spawnError) throw spawnError;
    if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}`);
    const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') {
        client.disconnect();
        break;
      }
    } catch {
      client.disconnect();
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error('redis-server did not answer PING within 15 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    proc,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
