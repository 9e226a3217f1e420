import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { retrievalBackends, type OpenedIndex } from '../../../test/support/retrieval-backends';
import { liquidEmbedder, loadLiquidEmbedder, type LiquidEmbedder } from './liquid';
import { reindexDocuments } from './reindex';
import type { RetrievalRepository } from './repository';
import { Retriever } from './retriever';
import type { IndexDocumentInput } from './types';

/** Real SQLite, a real PostgreSQL (when installed) and the real shipped ONNX model (models/liquid). */
let model: LiquidEmbedder;

beforeAll(async () => {
  model = await loadLiquidEmbedder();
});

afterAll(async () => {
  await model?.release();
});

/** One passage per text, one sentence per passage; vectors from the model when `version` is set. */
async function index(
  store: RetrievalRepository,
  tenantId: string,
  docs: Record<string, string>,
  version: string | null,
): Promise<void> {
  for (const [documentId, text] of Object.entries(docs)) {
    const input: IndexDocumentInput = {
      tenantId,
      documentId,
      passages: [
        { index: 0, start: 0, end: text.length, pageStart: 1, pageEnd: 1, text, sentenceStart: 0, sentenceEnd: 1 },
      ],
      sentences: [{ index: 0, start: 0, end: text.length, page: 1, text, boundary: 'page' }],
    };
    if (version) {
      const v = await model.embedDocumentUnits(
        [{ text, boundary: 'page' }],
        [{ sentenceStart: 0, sentenceEnd: 1, text }],
      );
      input.vectors = { modelVersion: version, passages: v.passages, sentences: v.sentences };
    }
    await store.indexDocument(input);
  }
}

const CORPUS = {
  wing: 'The wing stalled when the angle of attack grew too large for the airflow to stay attached.',
  bread: 'Knead the dough for ten minutes, then let the bread rise in a warm kitchen.',
  tax: 'Parliament raised the income tax rate for the highest earners last spring.',
  river: 'The river flooded the valley after a week of heavy autumn rain.',
};

describe.each(retrievalBackends(inject('postgresUrl')))(
  '$name: dense and hybrid retrieval with the liquid model',
  (backend) => {
    const opened: OpenedIndex[] = [];
    afterEach(async () => {
      for (const o of opened.splice(0)) await o.close();
    });
    async function open(): Promise<RetrievalRepository> {
      const o = await backend.open();
      opened.push(o);
      return o.repo;
    }

    it('stores L2-normalised vectors tagged with the model version', async () => {
      const store = await open();
      await index(store, 't1', CORPUS, model.modelVersion);
      expect(await store.vectorVersions('passage')).toEqual({ [model.modelVersion]: 4 });
      const r = new Retriever(store, model);
      const idx = (await r.denseIndex('passage'))!;
      expect(idx.size).toBe(4);
      const [{ documentId }] = await store.documents();
      const id = (await store.documentUnits(documentId!)).passages[0]!.id;
      const v = idx.vector(id)!;
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    });

    it('finds a document from its own wording densely, and keeps tenants apart', async () => {
      const store = await open();
      await index(store, 't1', CORPUS, model.modelVersion);
      await index(store, 't2', { other: CORPUS.wing }, model.modelVersion);
      const r = new Retriever(store, model);
      for (const [id, text] of Object.entries(CORPUS)) {
        const res = await r.search({ tenantId: 't1', query: text, mode: 'dense', k: 4 });
        expect(res.hits[0]!.documentId).toBe(id);
        expect(res.modelVersion).toBe(model.modelVersion);
        expect(res.hits.every((h) => h.documentId !== 'other')).toBe(true);
      }
      const hybrid = await r.search({ tenantId: 't2', query: CORPUS.wing, mode: 'hybrid', k: 10 });
      expect(hybrid.hits.map((h) => h.documentId)).toEqual(['other']);
    });

    it('finds paraphrases that share no word with their document (dense and hybrid), where BM25 finds nothing', async () => {
      const store = await open();
      await index(
        store,
        't1',
        {
          ...CORPUS,
          git: 'Use git rebase to replay your local commits on top of the updated upstream branch.',
          python: 'A Python list comprehension builds a new list by applying an expression to each item.',
        },
        model.modelVersion,
      );
      const r = new Retriever(store, model);
      // Checked against the shipped model (cfc-20261129-e771cabe: every pair top-1, cosine margin ≥ 0.13).
      const paraphrases: [string, string][] = [
        ['aircraft lose lift when the nose pitches up', 'wing'],
        ['government increases levies on wealthy people', 'tax'],
        ['stream overflowed its banks following storms', 'river'],
        ['move my changes onto the newest remote code', 'git'],
        ['create a sequence by transforming every element', 'python'],
      ];
      for (const [query, want] of paraphrases) {
        expect((await r.search({ tenantId: 't1', query, mode: 'lexical' })).hits).toEqual([]);
        expect((await r.search({ tenantId: 't1', query, mode: 'dense', k: 1 })).hits[0]!.documentId).toBe(want);
        // No lexical candidate at all: hybrid falls back to the dense ranking.
        expect((await r.search({ tenantId: 't1', query, mode: 'hybrid', k: 1 })).hits[0]!.documentId).toBe(want);
      }
    });

    it('reindex replaces vectors of an older model version, after which dense search uses them', async () => {
      const store = await open();
      // Vectors written by a previous model version (same texts; only the version tag differs).
      await index(store, 't1', CORPUS, 'cfc-previous');
      await index(store, 't1', { late: 'A document indexed before any model was loaded.' }, null);
      const r = new Retriever(store, model);
      expect((await r.search({ tenantId: 't1', query: CORPUS.tax, mode: 'dense' })).hits).toEqual([]);
      expect(await store.documents({ staleFor: model.modelVersion })).toHaveLength(5);

      const res = await reindexDocuments(store, model);
      expect(res).toMatchObject({ documents: 5, passages: 5, sentences: 5, upToDate: 0 });
      expect(await store.vectorVersions('passage')).toEqual({ [model.modelVersion]: 5 });
      expect(await store.vectorVersions('sentence')).toEqual({ [model.modelVersion]: 5 });
      const hits = (await r.search({ tenantId: 't1', query: CORPUS.tax, mode: 'dense' })).hits;
      expect(hits[0]!.documentId).toBe('tax');
      // A second run has nothing left to do.
      expect(await reindexDocuments(store, model)).toMatchObject({ documents: 0, upToDate: 5 });
      // Same model under a new version tag: everything is stale again and gets re-embedded.
      const next = { ...liquidEmbedder(model.model), modelVersion: `${model.modelVersion}-next` };
      expect(await reindexDocuments(store, next)).toMatchObject({ documents: 5, upToDate: 0 });
      expect(await store.vectorVersions('passage')).toEqual({ [next.modelVersion]: 5 });
    });
  },
);
