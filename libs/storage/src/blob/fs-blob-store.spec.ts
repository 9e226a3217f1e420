import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from './fs-blob-store';

describe('FsBlobStore', () => {
  // Regression: the temp file is opened asynchronously, and an upload refused in its first chunk
  // used to discard the file before the open created it, leaving a `.part` behind (seen once in CI).
  it('leaves no temp file when an upload is refused before its temp file finished opening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elegans-fsblob-'));
    try {
      const store = new FsBlobStore(dir);
      const data = Buffer.alloc(20_000, 7);
      for (let i = 0; i < 200; i++) {
        await expect(store.write(Readable.from([data]), data.length - 1)).rejects.toMatchObject({
          code: 'payload_too_large',
        });
      }
      expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
