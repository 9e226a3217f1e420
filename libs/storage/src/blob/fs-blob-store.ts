import { ElegansError } from '@elegans/common';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, BlobWriteResult, PendingBlob } from '../repositories';

const HEAD_BYTES = 64 * 1024; // what detectFormat wants to see (DETECT_HEAD_BYTES)
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Blobs on the local filesystem: `<root>/blobs/<aa>/<sha256>`, uploads staged in `<root>/tmp`
 * on the same filesystem so the final rename is atomic (a reader never sees half a blob).
 */
export class FsBlobStore implements BlobStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;
  private tmpReady = false;

  constructor(root: string) {
    this.blobDir = join(root, 'blobs');
    this.tmpDir = join(root, 'tmp');
  }

  path(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256.slice(0, 80)}`);
    return join(this.blobDir, sha256.slice(0, 2), sha256);
  }

  async localPath(sha256: string): Promise<string> {
    return this.path(sha256);
  }

  async write(source: Readable, maxBytes: number): Promise<{ pending: PendingBlob } & BlobWriteResult> {
    // Synchronous on purpose: no await may sit between receiving `source` and listening to it,
    // or an early 'error' from the source would go unheard.
    if (!this.tmpReady) {
      mkdirSync(this.tmpDir, { recursive: true });
      this.tmpReady = true;
    }
    const tempPath = join(this.tmpDir, `${randomUUID()}.part`);
    const out = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
    const hash = createHash('sha256');
    const headChunks: Buffer[] = [];
    let headLen = 0;
    let bytes = 0;
    const pending = this.pending(tempPath);
    try {
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        const fail = (err: unknown) => {
          if (failed) return;
          failed = true;
          source.unpipe(out);
          source.resume(); // drain the rest so the request can still be answered
          out.destroy();
          reject(err);
        };
        source.on('data', (chunk: Buffer) => {
          if (failed) return;
          bytes += chunk.length;
          if (bytes > maxBytes) {
            fail(new ElegansError('payload_too_large', `upload exceeds the limit of ${maxBytes} bytes`));
            return;
          }
          hash.update(chunk);
          if (headLen < HEAD_BYTES) {
            headChunks.push(chunk.subarray(0, HEAD_BYTES - headLen));
            headLen += Math.min(chunk.length, HEAD_BYTES - headLen);
          }
        });
        source.on('error', fail);
        out.on('error', fail);
        out.on('finish', () => {
          if (!failed) resolve();
        });
        source.pipe(out);
      });
    } catch (err) {
      // The temp file is opened asynchronously: an upload refused before the open finished would
      // otherwise see its file created after the discard below. Wait for the stream to close first.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await pending.discard();
      throw err;
    }
    return { pending, sha256: hash.digest('hex'), bytes, head: new Uint8Array(Buffer.concat(headChunks)) };
  }

  private pending(tempPath: string): PendingBlob {
    return {
      tempPath,
      commit: async (sha256: string) => {
        const target = this.path(sha256);
        await mkdir(join(this.blobDir, sha256.slice(0, 2)), { recursive: true });
        // Same content already stored (another tenant, or a racing upload): keep the existing file.
        if (await this.exists(sha256)) {
          await rm(tempPath, { force: true });
          return;
        }
        await rename(tempPath, target);
      },
      discard: async () => {
        await rm(tempPath, { force: true });
      },
    };
  }

  async read(sha256: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.path(sha256)));
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.path(sha256))).isFile();
    } catch {
      return false;
    }
  }

  async delete(sha256: string): Promise<void> {
    try {
      await unlink(this.path(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
