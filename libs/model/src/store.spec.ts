import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgDatabase, openPgStorage, openStorage, type Storage } from '@elegans/storage';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { embedDocumentResumable } from './document-embedder';
import { LiquidModel } from './liquid-model';
import { ModelStateStore } from './store';
import type { SentenceInput } from './timesteps';

let model: LiquidModel;
let storage: Storage;
let store: ModelStateStore;
let dir: string;

beforeAll(async () => {
  model = await LiquidModel.load({ intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model.release();
});

/** The same checkpoint suite on SQLite and on the run's private PostgreSQL (when installed). */
const postgresUrl = inject('postgresUrl');
const BACKENDS = ['sqlite', ...(postgresUrl ? ['postgres'] : [])] as const;

describe.each(BACKENDS)('on %s', (backend) => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elegans-model-store-'));
    storage =
      backend === 'sqlite'
        ? openStorage({ databasePath: join(dir, 'db.sqlite'), dataDir: dir })
        : await openPgStorage({
            databaseUrl: await createPgDatabase(postgresUrl!, `model_store_${process.pid}`),
            dataDir: dir,
          });
    store = new ModelStateStore(storage.modelStates);
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  defineSuite();
});

let tenantId = '';
async function newDocument(): Promise<string> {
  const tenant = await storage.tenants.ensure('model-test');
  tenantId = tenant.id;
  const doc = await storage.documents.create({
    tenantId: tenant.id,
    collection: 'c',
    contentHash: `h${Math.random()}`,
    filename: null,
    mimeType: null,
    format: 'text',
    bytes: 1,
    metadata: {},
    jobId: null,
  });
  return doc!.id;
}

const WORDS = 'state liquid stream token passage sentence vector model context page time query'.split(' ');
const SENTENCES: SentenceInput[] = Array.from({ length: 40 }, (_, i) => ({
  text: Array.from({ length: 6 + (i % 7) }, (_, j) => WORDS[(i * 5 + j * 3) % WORDS.length]).join(' ') + '.',
  boundary: i % 12 === 0 ? 'page' : i % 4 === 0 ? 'paragraph' : 'sentence',
}));
const PASSAGES = Array.from({ length: 10 }, (_, i) => ({ sentenceStart: i * 4, sentenceEnd: i * 4 + 4 }));

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function defineSuite() {
  describe('resumable document streaming with database checkpoints', () => {
    it('a run killed midway resumes from its checkpoint and ends identical to an uninterrupted run', async () => {
      const clean = await newDocument();
      const full = await embedDocumentResumable(model, store, clean, SENTENCES, PASSAGES, {
        checkpointEveryTokens: 64,
      });
      expect(full.resumedAt).toBe(0);
      expect(full.tokensStreamed).toBe(full.tokens);

      const crashy = await newDocument();
      // The first attempt dies (like a killed worker) once about 60% of the tokens went through.
      await expect(
        embedDocumentResumable(model, store, crashy, SENTENCES, PASSAGES, {
          checkpointEveryTokens: 64,
          onProgress: (p) => {
            if (p.tokens > full.tokens * 0.6) throw new Error('worker killed');
          },
        }),
      ).rejects.toThrow('worker killed');
      expect(await store.getDocumentState(crashy)).toBeNull();
      const second = await embedDocumentResumable(model, store, crashy, SENTENCES, PASSAGES, {
        checkpointEveryTokens: 64,
      });
      expect(second.resumedAt).toBeGreaterThan(0);
      expect(second.tokensStreamed).toBeLessThan(full.tokens);
      expect(second.tokens).toBe(full.tokens);
      for (let i = 0; i < SENTENCES.length; i++)
        expect(maxAbs(second.sentences[i]!, full.sentences[i]!)).toBeLessThan(1e-5);
      for (let i = 0; i < PASSAGES.length; i++)
        expect(maxAbs(second.passages[i]!, full.passages[i]!)).toBeLessThan(1e-5);
      expect(maxAbs(second.document, full.document)).toBeLessThan(1e-5);

      const a = (await store.getDocumentState(clean))!;
      const b = (await store.getDocumentState(crashy))!;
      expect(a.modelVersion).toBe(model.version);
      expect(a.tokens).toBe(full.tokens);
      expect(maxAbs(a.state.data, b.state.data)).toBeLessThan(1e-5);
      expect(maxAbs(b.documentVector, full.document)).toBeLessThan(1e-5);
      // Done: no checkpoint left behind.
      expect(await store.loadCheckpoint(crashy, model.version, SENTENCES.length)).toBeNull();
    });

    it('ignores a checkpoint from another parse (sentence count) and deletes states with the document', async () => {
      const id = await newDocument();
      await expect(
        embedDocumentResumable(model, store, id, SENTENCES, PASSAGES, {
          checkpointEveryTokens: 32,
          onProgress: (p) => {
            if (p.tokens > 100) throw new Error('stop');
          },
        }),
      ).rejects.toThrow('stop');
      expect(await store.loadCheckpoint(id, model.version, SENTENCES.length + 1)).toBeNull();
      expect(await store.loadCheckpoint(id, model.version, SENTENCES.length)).toBeNull(); // cleared as stale
      await embedDocumentResumable(model, store, id, SENTENCES, PASSAGES);
      expect(await store.getDocumentState(id)).not.toBeNull();
      expect(await storage.documents.delete(tenantId, id)).toBe(true);
      expect(await store.getDocumentState(id)).toBeNull();
    });
  });
}
