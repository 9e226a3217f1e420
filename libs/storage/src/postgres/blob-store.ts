import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { FsBlobStore } from '../blob/fs-blob-store';
import type { BlobStore, BlobWriteResult, PendingBlob } from '../repositories';
import { inTransaction, type PgPool } from './database';

/** Chunk size of pg_blob_chunks rows: small enough to stream, large enough to keep row counts low. */
export const PG_BLOB_CHUNK_BYTES = 1024 * 1024;

/**
 * Blobs in PostgreSQL (tables pg_blobs + pg_blob_chunks), so API replicas and workers on other
 * machines read the same bytes with no shared disk. Uploads stage in `<dataDir>/tmp` exactly as with
 * FsBlobStore (streamed, hashed, max-bytes enforced, swept when abandoned); commit copies the staged
 * file into chunks in one transaction. `localPath` materializes a blob into `<dataDir>/cache/blobs`
 * for the file-based readers (parser thread, ranged downloads): DATA_DIR holds only caches and
 * temporary files. The cache is content-addressed, so a stale copy is never wrong; it is not evicted.
 */
export class PgBlobStore implements BlobStore {
  private readonly staging: FsBlobStore;
  private readonly cache: FsBlobStore;
  private readonly tmpDir: string;

  constructor(
    private readonly pool: PgPool,
    dataDir: string,
  ) {
    this.staging = new FsBlobStore(dataDir);
    this.cache = new FsBlobStore(join(dataDir, 'cache'));
    this.tmpDir = join(dataDir, 'tmp');
  }

  async write(source: Readable, maxBytes: number): Promise<{ pending: PendingBlob } & BlobWriteResult> {
    const w = await this.staging.write(source, maxBytes);
    const tempPath = w.pending.tempPath;
    return {
      ...w,
      pending: {
        tempPath,
        commit: async (sha256: string) => {
          try {
            await this.upload(tempPath, sha256);
          } finally {
            await rm(tempPath, { force: true });
          }
        },
        discard: () => w.pending.discard(),
      },
    };
  }

  private async upload(file: string, sha256: string): Promise<void> {
    this.cache.path(sha256); // validates the digest before it reaches SQL
    const size = (await stat(file)).size;
    await inTransaction(this.pool, async (c) => {
      // Two uploads of the same content may commit at once: the lock makes the second see the first's blob.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [sha256]);
      const have = await c.query('SELECT 1 FROM pg_blobs WHERE sha256 = $1', [sha256]);
      if (have.rowCount) return;
      let seq = 0;
      const stream = createReadStream(file, { highWaterMark: PG_BLOB_CHUNK_BYTES });
      let buffered: Buffer[] = [];
      let len = 0;
      const flush = async () => {
        await c.query('INSERT INTO pg_blob_chunks (sha256, seq, data) VALUES ($1, $2, $3)', [
          sha256,
          seq++,
          Buffer.concat(buffered, len),
        ]);
        buffered = [];
        len = 0;
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        buffered.push(chunk);
        len += chunk.length;
        if (len >= PG_BLOB_CHUNK_BYTES) await flush();
      }
      if (len > 0 || seq === 0) await flush();
      await c.query('INSERT INTO pg_blobs (sha256, bytes, chunks, created_at) VALUES ($1, $2, $3, $4)', [
        sha256,
        size,
        seq,
        new Date().toISOString(),
      ]);
    });
  }

  async read(sha256: string): Promise<Uint8Array> {
    this.cache.path(sha256);
    const r = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM pg_blob_chunks WHERE sha256 = $1 AND EXISTS (SELECT 1 FROM pg_blobs WHERE sha256 = $1) ORDER BY seq',
      [sha256],
    );
    if (r.rowCount === 0) throw Object.assign(new Error(`blob ${sha256} not found`), { code: 'ENOENT' });
    return new Uint8Array(Buffer.concat(r.rows.map((x) => x.data)));
  }

  async exists(sha256: string): Promise<boolean> {
    this.cache.path(sha256);
    const r = await this.pool.query('SELECT 1 FROM pg_blobs WHERE sha256 = $1', [sha256]);
    return (r.rowCount ?? 0) > 0;
  }

  async delete(sha256: string): Promise<void> {
    this.cache.path(sha256);
    await inTransaction(this.pool, async (c) => {
      await c.query('DELETE FROM pg_blobs WHERE sha256 = $1', [sha256]);
      await c.query('DELETE FROM pg_blob_chunks WHERE sha256 = $1', [sha256]);
    });
    await this.cache.delete(sha256);
  }

  /** A local file with the blob's bytes (this machine's cache), fetched chunk by chunk on first use. */
  async localPath(sha256: string): Promise<string> {
    const target = this.cache.path(sha256);
    if (await this.cache.exists(sha256)) return target;
    const meta = await this.pool.query<{ chunks: number }>('SELECT chunks FROM pg_blobs WHERE sha256 = $1', [sha256]);
    if (!meta.rows[0]) throw Object.assign(new Error(`blob ${sha256} not found`), { code: 'ENOENT' });
    await mkdir(this.tmpDir, { recursive: true });
    const part = join(this.tmpDir, `${randomUUID()}.cache.part`);
    const out = await open(part, 'wx', 0o600);
    try {
      for (let seq = 0; seq < meta.rows[0].chunks; seq++) {
        const r = await this.pool.query<{ data: Buffer }>(
          'SELECT data FROM pg_blob_chunks WHERE sha256 = $1 AND seq = $2',
          [sha256, seq],
        );
        if (!r.rows[0]) throw new Error(`blob ${sha256} lost chunk ${seq}`);
        await out.write(r.rows[0].data);
      }
      await out.close();
      await mkdir(join(target, '..'), { recursive: true });
      await rename(part, target); // atomic: a concurrent reader sees the whole file or none
      return target;
    } catch (err) {
      await out.close().catch(() => undefined);
      await rm(part, { force: true });
      throw err;
    }
  }
}
