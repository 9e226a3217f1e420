import { afterEach, describe, expect, inject, it } from 'vitest';
import { retrievalBackends, type OpenedIndex } from '../../../../test/support/retrieval-backends';
import { DenseIndex } from '../dense-index';
import type { RetrievalRepository } from '../repository';
import type { ScoredId, SearchFilter } from '../types';
import { DEFAULT_ANN_CONFIG } from './config';
import { recallVsExact } from './exact';
import { clusteredSet, rowOf } from './testing';
import type { AnnConfig } from './types';

/**
 * DenseIndex's hook into the approximate index, on both repository backends (real SQLite; the
 * run's real PostgreSQL when installed): the same searches through the ANN path and through the
 * exact scan (a second DenseIndex with the ANN disabled). The two backends feed the index
 * differently after a delete or a re-index: SQLite resets and reloads (the ANN reconciles by
 * fingerprint), PostgreSQL removes the changed documents and adds their current rows (the ANN
 * takes the removed units out and adds the new ones). Neither rebuilds a graph.
 */
const DIM = 256;
const PER_DOC = 100;
const ANN: AnnConfig = { ...DEFAULT_ANN_CONFIG, minVectors: 1000, buildThreads: 1, buildChunk: 0 };
const { matrix, queries } = clusteredSet(2000, 30, DIM, 11, 20, 20);
const vec = (i: number): Float32Array => rowOf(matrix, DIM, i).slice();

/** One document of PER_DOC passages whose vectors are rows [first, first + PER_DOC). */
async function addDoc(
  store: RetrievalRepository,
  tenantId: string,
  documentId: string,
  first: number,
  collection?: string,
): Promise<number[]> {
  const passages = Array.from({ length: PER_DOC }, (_, i) => ({
    index: i,
    start: i * 10,
    end: i * 10 + 9,
    pageStart: 1,
    pageEnd: 1,
    text: `passage ${first + i}`,
    sentenceStart: 0,
    sentenceEnd: 0,
  }));
  const { passageIds } = await store.indexDocument({
    tenantId,
    documentId,
    collection: collection ?? null,
    passages,
    sentences: [],
    vectors: { modelVersion: 'm1', passages: passages.map((_, i) => vec(first + i)) },
  });
  return passageIds;
}

type Owner = Map<number, { tenant: string; doc: string; collection: string | null }>;

/** Tenant "big": 12 documents (1200 vectors, collections a/b alternating); tenant "small": 3 (300). */
async function fill(store: RetrievalRepository): Promise<Owner> {
  const owner: Owner = new Map();
  for (let d = 0; d < 12; d++) {
    const collection = d % 2 === 0 ? 'a' : 'b';
    for (const id of await addDoc(store, 'big', `big-${d}`, d * PER_DOC, collection))
      owner.set(id, { tenant: 'big', doc: `big-${d}`, collection });
  }
  for (let d = 0; d < 3; d++) {
    for (const id of await addDoc(store, 'small', `small-${d}`, 1200 + d * PER_DOC))
      owner.set(id, { tenant: 'small', doc: `small-${d}`, collection: null });
  }
  return owner;
}

async function both(store: RetrievalRepository): Promise<{ ann: DenseIndex; exact: DenseIndex }> {
  const ann = new DenseIndex(store, 'passage', 'm1', 'f32', ANN);
  const exact = new DenseIndex(store, 'passage', 'm1', 'f32', null);
  await ann.refresh();
  await exact.refresh();
  return { ann, exact };
}

const meanRecall = (a: DenseIndex, e: DenseIndex, filter: SearchFilter, qs = queries): number =>
  qs.reduce((s, q) => s + recallVsExact(a.search(q, filter, 10), e.search(q, filter, 10), 10), 0) / qs.length;

describe.each(retrievalBackends(inject('postgresUrl')))('$name: DenseIndex with the approximate index', (backend) => {
  const opened: OpenedIndex[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
  });
  async function open(): Promise<RetrievalRepository> {
    const o = await backend.open();
    opened.push(o);
    return o.repo;
  }

  it('indexes only the tenant past the threshold; the small tenant keeps the exact scan', async () => {
    const store = await open();
    await fill(store);
    const { ann, exact } = await both(store);
    expect(ann.approximate).toEqual({
      vectors: 1200,
      bytes: expect.any(Number),
      tenants: 1,
      building: 0,
      answered: 0,
      declined: 0,
      added: 1200,
      removed: 0,
    });
    expect(exact.approximate).toBeNull();
    // Small tenant: identical answers (it is the exact scan).
    for (const q of queries.slice(0, 5))
      expect(ann.search(q, { tenantId: 'small' }, 10)).toEqual(exact.search(q, { tenantId: 'small' }, 10));
    expect(ann.approximate).toMatchObject({ answered: 0, declined: 0 });
    ann.search(queries[0]!, { tenantId: 'big' }, 10);
    expect(ann.approximate).toMatchObject({ answered: 1, declined: 0 });
    // Nothing changed: a refresh reads nothing and touches no graph.
    await ann.refresh();
    expect(ann.approximate).toMatchObject({ vectors: 1200, added: 1200, removed: 0 });
  });

  it('big tenant: recall@10 against the exact scan, with the exact scores of the units it returns', async () => {
    const store = await open();
    await fill(store);
    const { ann, exact } = await both(store);
    expect(meanRecall(ann, exact, { tenantId: 'big' })).toBeGreaterThanOrEqual(0.95);
    for (const q of queries.slice(0, 5)) {
      const hits = ann.search(q, { tenantId: 'big' }, 10);
      const scores = exact.scores(
        q,
        hits.map((h) => h.id),
      );
      hits.forEach((h, i) => expect(h.score).toBeCloseTo(scores[i]!, 6));
    }
  });

  it('never returns another tenant’s unit, even for that unit’s own vector', async () => {
    const store = await open();
    const owner = await fill(store);
    const { ann } = await both(store);
    for (const row of [1200, 1250, 1499]) {
      const hits = ann.search(vec(row), { tenantId: 'big' }, 50);
      expect(hits).toHaveLength(50);
      for (const h of hits) expect(owner.get(h.id)!.tenant).toBe('big');
      const own = ann.search(vec(row), { tenantId: 'small' }, 5);
      expect(owner.get(own[0]!.id)!.tenant).toBe('small');
    }
    for (const row of [0, 599, 1199]) {
      for (const h of ann.search(vec(row), { tenantId: 'small' }, 50)) expect(owner.get(h.id)!.tenant).toBe('small');
    }
    expect(ann.search(vec(0), { tenantId: 'nobody' }, 10)).toEqual([]);
  });

  it('collection and document filters: only allowed units; selective ones answered by the exact scan', async () => {
    const store = await open();
    const owner = await fill(store);
    const { ann, exact } = await both(store);
    // Collection a holds 600 of big's 1200 vectors: below the threshold (1000), so exact.
    for (const q of queries.slice(0, 5)) {
      const f = { tenantId: 'big', collection: 'a' };
      const hits = ann.search(q, f, 10);
      expect(hits).toEqual(exact.search(q, f, 10));
      for (const h of hits) expect(owner.get(h.id)!.collection).toBe('a');
    }
    const docs = { tenantId: 'big', documentIds: ['big-3', 'small-0'] };
    for (const q of queries.slice(0, 5)) {
      const hits = ann.search(q, docs, 10);
      expect(hits).toEqual(exact.search(q, docs, 10));
      for (const h of hits) expect(owner.get(h.id)!.doc).toBe('big-3');
    }
    expect(ann.approximate).toMatchObject({ answered: 0, declined: 10 });
    // With a lower threshold the collection filter goes through the over-fetch + post-filter path.
    const low = new DenseIndex(store, 'passage', 'm1', 'f32', { ...ANN, minVectors: 500 });
    await low.refresh();
    expect(low.approximate!.tenants).toBe(1);
    const f = { tenantId: 'big', collection: 'b' };
    for (const q of queries) for (const h of low.search(q, f, 10)) expect(owner.get(h.id)!.collection).toBe('b');
    expect(low.approximate).toMatchObject({ answered: queries.length, declined: 0 });
    expect(meanRecall(low, exact, f)).toBeGreaterThanOrEqual(0.9);
  });

  it('deleted and replaced vectors are never returned; the graph is updated, not rebuilt', async () => {
    const store = await open();
    const owner = await fill(store);
    const { ann, exact } = await both(store);
    const idsOf = (doc: string): number[] => [...owner].filter(([, o]) => o.doc === doc).map(([id]) => id);
    const gone = new Set(idsOf('big-4'));
    await store.deleteDocument('big-4');
    await ann.refresh();
    await exact.refresh();
    // SQLite: reset + reload, reconciled (unchanged units kept); PostgreSQL: the document's units removed.
    expect(ann.approximate).toMatchObject({ vectors: 1100, added: 1200, removed: 100 });
    for (let row = 400; row < 500; row += 7) {
      for (const h of ann.search(vec(row), { tenantId: 'big' }, 20)) expect(gone.has(h.id)).toBe(false);
    }
    // Re-index big-5 with other vectors (rows 1500..1599): its old vectors no longer find it.
    const old = new Set(idsOf('big-5'));
    const fresh = new Set(await addDoc(store, 'big', 'big-5', 1500, 'b'));
    await ann.refresh();
    await exact.refresh();
    expect(ann.approximate).toMatchObject({ vectors: 1100, added: 1300, removed: 200 });
    expect(ann.size).toBe(exact.size);
    for (let row = 500; row < 600; row += 9) {
      const hits: ScoredId[] = ann.search(vec(row), { tenantId: 'big' }, 20);
      for (const h of hits) {
        expect(old.has(h.id)).toBe(false);
        expect(fresh.has(h.id) ? h.score : 0).toBeLessThan(0.999);
      }
    }
    expect(fresh.has(ann.search(vec(1555), { tenantId: 'big' }, 1)[0]!.id)).toBe(true);
    expect(meanRecall(ann, exact, { tenantId: 'big' })).toBeGreaterThanOrEqual(0.95);
    // Scores are still the exact ones, from the rows as they are now.
    for (const q of queries.slice(0, 3)) {
      const hits = ann.search(q, { tenantId: 'big' }, 10);
      const scores = exact.scores(
        q,
        hits.map((h) => h.id),
      );
      hits.forEach((h, i) => expect(h.score).toBeCloseTo(scores[i]!, 6));
    }
  });

  it('a tenant whose documents are all deleted loses its graph; the other tenant is unaffected', async () => {
    const store = await open();
    const owner = await fill(store);
    const low = new DenseIndex(store, 'passage', 'm1', 'f32', { ...ANN, minVectors: 300 });
    await low.refresh();
    expect(low.approximate).toMatchObject({ tenants: 2, vectors: 1500 });
    for (let d = 0; d < 3; d++) await store.deleteDocument(`small-${d}`);
    await low.refresh();
    expect(low.approximate).toMatchObject({ tenants: 1, vectors: 1200 });
    expect(low.search(vec(1250), { tenantId: 'small' }, 10)).toEqual([]);
    for (const h of low.search(vec(1250), { tenantId: 'big' }, 10)) expect(owner.get(h.id)!.tenant).toBe('big');
  });

  it('by default builds in the background: exact answers until the index is ready', async () => {
    const store = await open();
    await fill(store);
    const bg = new DenseIndex(store, 'passage', 'm1', 'f32', { ...ANN, buildChunk: 256 });
    const exact = new DenseIndex(store, 'passage', 'm1', 'f32', null);
    await exact.refresh();
    await bg.refresh(); // no I/O between this and the checks below, so no build step either
    expect(bg.approximate).toMatchObject({ tenants: 0, building: 1 });
    expect(bg.search(queries[0]!, { tenantId: 'big' }, 10)).toEqual(exact.search(queries[0]!, { tenantId: 'big' }, 10));
    await bg.approximateReady();
    expect(bg.approximate).toMatchObject({ vectors: 1200, tenants: 1, building: 0 });
    expect(meanRecall(bg, exact, { tenantId: 'big' })).toBeGreaterThanOrEqual(0.95);
    expect(bg.approximate!.answered).toBe(queries.length);
  });

  it('a delete and an append during (or, on PostgreSQL, maybe after) the background build: the graph holds exactly the live units', async () => {
    const store = await open();
    const owner = await fill(store);
    const bg = new DenseIndex(store, 'passage', 'm1', 'f32', { ...ANN, buildChunk: 128 });
    const exact = new DenseIndex(store, 'passage', 'm1', 'f32', null);
    await bg.refresh();
    expect(bg.approximate).toMatchObject({ tenants: 0, building: 1 });
    const gone = new Set([...owner].filter(([, o]) => o.doc === 'big-0').map(([id]) => id));
    await store.deleteDocument('big-0');
    const added = new Set(await addDoc(store, 'big', 'big-new', 1500, 'a'));
    await bg.refresh();
    await exact.refresh();
    await bg.approximateReady();
    expect(bg.approximate).toMatchObject({ vectors: 1200, tenants: 1, building: 0 });
    for (let row = 0; row < 100; row += 11)
      for (const h of bg.search(vec(row), { tenantId: 'big' }, 20)) expect(gone.has(h.id)).toBe(false);
    expect(added.has(bg.search(vec(1520), { tenantId: 'big' }, 1)[0]!.id)).toBe(true);
    expect(meanRecall(bg, exact, { tenantId: 'big' })).toBeGreaterThanOrEqual(0.95);
  });

  it('switches a tenant to the approximate index when new documents take it past the threshold', async () => {
    const store = await open();
    await fill(store);
    const { ann, exact } = await both(store);
    expect(ann.approximate!.tenants).toBe(1);
    for (let d = 0; d < 7; d++) await addDoc(store, 'small', `small-more-${d}`, 1300 + d * PER_DOC);
    await ann.refresh();
    await exact.refresh();
    expect(ann.approximate).toMatchObject({ vectors: 2200, tenants: 2 });
    expect(meanRecall(ann, exact, { tenantId: 'small' })).toBeGreaterThanOrEqual(0.95);
    // Appends go into the existing graph: big grows by one document.
    await addDoc(store, 'big', 'big-new', 1700, 'a');
    await ann.refresh();
    expect(ann.approximate).toMatchObject({ vectors: 2300, added: 2300, removed: 0 });
    expect(ann.search(vec(1750), { tenantId: 'big' }, 1)[0]!.score).toBeCloseTo(1, 5);
  });
});
