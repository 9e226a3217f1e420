import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMigrations, storageMigrations } from '@elegans/storage';
import { DenseIndex } from './dense-index';
import { normalize } from './quantize';
import { Retriever } from './retriever';
import { RETRIEVAL_CASCADE_MIGRATIONS, RETRIEVAL_MIGRATIONS } from './schema';
import { RetrievalStore } from './store';
import type { IndexDocumentInput } from './types';

/** A document of one passage per paragraph and one sentence per line. */
function doc(tenantId: string, documentId: string, paragraphs: string[][], collection?: string): IndexDocumentInput {
  const sentences: IndexDocumentInput['sentences'] = [];
  const passages: IndexDocumentInput['passages'] = [];
  let off = 0;
  paragraphs.forEach((para, pi) => {
    const first = sentences.length;
    const pStart = off;
    for (const s of para) {
      sentences.push({ index: sentences.length, start: off, end: off + s.length, page: pi + 1, text: s });
      off += s.length + 1;
    }
    passages.push({
      index: pi,
      start: pStart,
      end: off - 1,
      pageStart: pi + 1,
      pageEnd: pi + 1,
      text: para.join(' '),
      sentenceStart: first,
      sentenceEnd: sentences.length,
    });
  });
  return { tenantId, documentId, collection, passages, sentences };
}

function open(): RetrievalStore {
  const db = new Database(':memory:');
  runMigrations(db, [RETRIEVAL_MIGRATIONS]);
  return new RetrievalStore(db);
}

const AERO = [
  ['The boundary layer separates near the trailing edge.', 'Transition happens early at high Reynolds numbers.'],
  ['Heat transfer in hypersonic flow was measured.', 'The wall temperature ratio controls the heating.'],
];
const COOK = [['Knead the dough for ten minutes.', 'Let the bread rise in a warm place.']];

describe('RetrievalStore + Retriever (lexical)', () => {
  it('ranks the passage holding the exact phrase first and returns offsets, pages and a highlight', async () => {
    const store = open();
    store.indexDocument(doc('t1', 'aero', AERO));
    store.indexDocument(doc('t1', 'cook', COOK));
    store.indexDocument(
      doc('t1', 'noise', [['A layer of boundary paint was applied.', 'Heat the oven before baking.']]),
    );
    const r = new Retriever(store, null);
    const res = await r.search({ tenantId: 't1', query: 'boundary layer separates', k: 5 });
    expect(res.mode).toBe('lexical');
    const top = res.hits[0]!;
    expect(top.documentId).toBe('aero');
    expect(top.index).toBe(0);
    expect(top.pageStart).toBe(1);
    expect(top.start).toBe(0);
    expect(top.snippet).toContain('<mark>boundary</mark> <mark>layer</mark> <mark>separates</mark>');
    // Porter stemming: "heating" finds "heat"/"heated".
    const stem = await r.search({ tenantId: 't1', query: 'heating', k: 5 });
    expect(stem.hits.map((h) => h.documentId)).toEqual(expect.arrayContaining(['aero', 'noise']));
  });

  it('searches sentences and expands neighbours', async () => {
    const store = open();
    store.indexDocument(doc('t1', 'aero', AERO));
    const r = new Retriever(store, null);
    const res = await r.search({ tenantId: 't1', query: 'wall temperature ratio', unit: 'sentence', neighbours: 1 });
    const top = res.hits[0]!;
    expect(top.text).toBe('The wall temperature ratio controls the heating.');
    expect(top.index).toBe(3);
    expect(top.context!.before.map((s) => s.index)).toEqual([2]);
    expect(top.context!.after).toEqual([]);
  });

  it('never leaks across tenants, and honours collection and document filters', async () => {
    const store = open();
    store.indexDocument(doc('t1', 'a1', AERO, 'physics'));
    store.indexDocument(doc('t2', 'a2', AERO, 'physics'));
    store.indexDocument(doc('t2', 'c2', COOK, 'kitchen'));
    const r = new Retriever(store, null);
    for (const tenantId of ['t1', 't2']) {
      const res = await r.search({ tenantId, query: 'boundary layer heat dough bread', k: 50 });
      expect(res.hits.length).toBeGreaterThan(0);
      expect(res.hits.every((h) => store.passages([h.id]).get(h.id)!.tenantId === tenantId)).toBe(true);
    }
    expect((await r.search({ tenantId: 't3', query: 'boundary layer', k: 50 })).hits).toEqual([]);
    const kitchen = await r.search({ tenantId: 't2', query: 'boundary dough', collection: 'kitchen' });
    expect(kitchen.hits.map((h) => h.documentId)).toEqual(['c2']);
    const onlyA2 = await r.search({ tenantId: 't2', query: 'boundary dough', documentIds: ['a2'] });
    expect(new Set(onlyA2.hits.map((h) => h.documentId))).toEqual(new Set(['a2']));
    // A document id of another tenant yields nothing, not that tenant's rows.
    expect((await r.search({ tenantId: 't1', query: 'dough', documentIds: ['c2'] })).hits).toEqual([]);
    await expect(r.search({ tenantId: '', query: 'x' })).rejects.toThrow(/tenantId/);
  });

  it('pages through results without overlap', async () => {
    const store = open();
    for (let i = 0; i < 7; i++) store.indexDocument(doc('t1', `d${i}`, [[`Shock wave number ${i} in the nozzle.`]]));
    const r = new Retriever(store, null);
    const p1 = await r.search({ tenantId: 't1', query: 'shock nozzle', k: 3 });
    const p2 = await r.search({ tenantId: 't1', query: 'shock nozzle', k: 3, offset: p1.nextOffset! });
    const p3 = await r.search({ tenantId: 't1', query: 'shock nozzle', k: 3, offset: p2.nextOffset! });
    const all = [...p1.hits, ...p2.hits, ...p3.hits].map((h) => h.documentId);
    expect(all).toHaveLength(7);
    expect(new Set(all).size).toBe(7);
    expect(p3.nextOffset).toBeNull();
  });

  it('deleting a document removes its passages, sentences, FTS entries and vectors', async () => {
    const store = open();
    const v = (x: number) => normalize(Float32Array.from([x, 1, 0, 0]));
    const input = doc('t1', 'aero', AERO);
    input.vectors = { modelVersion: 'm1', passages: [v(1), v(2)], sentences: [v(1), v(2), v(3), v(4)] };
    store.indexDocument(input);
    store.indexDocument(doc('t1', 'cook', COOK));
    const dense = new DenseIndex(store, 'passage', 'm1');
    dense.refresh();
    expect(dense.size).toBe(2);
    const r = new Retriever(store, null);
    expect((await r.search({ tenantId: 't1', query: 'boundary' })).hits).toHaveLength(1);
    expect(store.deleteDocument('aero')).toBe(2);
    expect((await r.search({ tenantId: 't1', query: 'boundary' })).hits).toHaveLength(0);
    expect((await r.search({ tenantId: 't1', query: 'wall', unit: 'sentence' })).hits).toHaveLength(0);
    expect(store.db.prepare('SELECT count(*) AS n FROM rt_vectors').get()).toEqual({ n: 0 });
    dense.refresh();
    expect(dense.size).toBe(0);
    expect((await r.search({ tenantId: 't1', query: 'dough' })).hits).toHaveLength(1);
  });

  it('re-indexing a document replaces it instead of duplicating', async () => {
    const store = open();
    store.indexDocument(doc('t1', 'aero', AERO));
    store.indexDocument(doc('t1', 'aero', AERO));
    const r = new Retriever(store, null);
    expect((await r.search({ tenantId: 't1', query: 'boundary', k: 10 })).hits).toHaveLength(1);
  });

  it('cascades from the storage documents table when wired into the service', () => {
    const db = new Database(':memory:');
    runMigrations(db, [storageMigrations, RETRIEVAL_MIGRATIONS, RETRIEVAL_CASCADE_MIGRATIONS]);
    const store = new RetrievalStore(db);
    db.prepare("INSERT INTO tenants (id, name, created_at) VALUES ('t1', 't1', '2026-01-01')").run();
    db.prepare(
      `INSERT INTO documents (id, tenant_id, collection, content_hash, format, bytes, status, created_at, updated_at)
       VALUES ('aero', 't1', 'c', 'h', 'text', 1, 'ready', '2026-01-01', '2026-01-01')`,
    ).run();
    store.indexDocument(doc('t1', 'aero', AERO));
    db.prepare('DELETE FROM documents WHERE id = ?').run('aero');
    expect(db.prepare('SELECT count(*) AS n FROM rt_passages').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM rt_sentences').get()).toEqual({ n: 0 });
    expect(
      db.prepare("SELECT count(*) AS n FROM rt_passages_fts WHERE rt_passages_fts MATCH 'boundary'").get(),
    ).toEqual({
      n: 0,
    });
  });

  it('any user string and any ids are safe in the MATCH (scope tokens + quoted words)', async () => {
    const store = open();
    store.indexDocument(doc('t"1 OR *', 'd:1 NEAR(', AERO, 'c) AND ('));
    store.indexDocument(doc('t2', 'x', AERO));
    const r = new Retriever(store, null);
    const hits = await r.search({
      tenantId: 't"1 OR *',
      query: 'boundary',
      collection: 'c) AND (',
      documentIds: ['d:1 NEAR('],
    });
    expect(hits.hits.map((h) => h.documentId)).toEqual(['d:1 NEAR(']);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ minLength: 1, maxLength: 20 }), async (q, tenant) => {
        if (!q.trim()) return;
        const res = await r.search({ tenantId: tenant, query: q, documentIds: [tenant, q || 'x'] });
        expect(res.hits).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('migration 2 backfills scope tokens for rows written under migration 1', async () => {
    const db = new Database(':memory:');
    runMigrations(db, [
      { name: 'retrieval', migrations: RETRIEVAL_MIGRATIONS.migrations.filter((m) => m.version === 1) },
    ]);
    db.prepare(
      `INSERT INTO rt_passages (tenant_id, collection, document_id, idx, start, end, page_start, page_end,
         sentence_start, sentence_end, text) VALUES ('t1', NULL, 'old', 0, 0, 20, 1, 1, 0, 0, 'boundary layer flow')`,
    ).run();
    runMigrations(db, [RETRIEVAL_MIGRATIONS]);
    const store = new RetrievalStore(db);
    const r = new Retriever(store, null);
    expect((await r.search({ tenantId: 't1', query: 'boundary' })).hits.map((h) => h.documentId)).toEqual(['old']);
    expect((await r.search({ tenantId: 't2', query: 'boundary' })).hits).toEqual([]);
  });

  it('stores structure roles on passages and sentences and returns them; none stored reads as body', () => {
    const store = open();
    const input = doc('t1', 'book', [
      ['Jack Valenti was the head of the film studios lobby.'],
      ['21. Hearing record, 485 (testimony of Jack Valenti).'],
    ]);
    input.sentences[1]!.role = 'notes';
    input.passages[1]!.role = 'notes';
    const { passageIds, sentenceIds } = store.indexDocument(input);
    const s = store.sentences(sentenceIds);
    expect(s.get(sentenceIds[1]!)?.role).toBe('notes');
    expect(s.get(sentenceIds[0]!)).not.toHaveProperty('role');
    expect(store.sentenceRange('book', 0, 2).map((x) => x.role)).toEqual([undefined, 'notes']);
    expect(store.passages(passageIds).get(passageIds[1]!)?.role).toBe('notes');
    expect(store.documentUnits('book').sentences.map((x) => x.role ?? 'body')).toEqual(['body', 'notes']);
  });

  it('copies roles from storage content once for documents indexed before retrieval stored them', () => {
    const db = new Database(':memory:');
    const before = (set: typeof RETRIEVAL_MIGRATIONS, below: number) => ({
      ...set,
      migrations: set.migrations.filter((m) => m.version < below),
    });
    runMigrations(db, [storageMigrations, before(RETRIEVAL_MIGRATIONS, 3), before(RETRIEVAL_CASCADE_MIGRATIONS, 2)]);
    db.exec(`INSERT INTO tenants (id, name, created_at) VALUES ('t1', 't1', '2026-01-01');
      INSERT INTO documents (id, tenant_id, collection, content_hash, format, bytes, status, created_at, updated_at)
        VALUES ('old', 't1', 'c', 'h', 'text', 1, 'ready', '2026-01-01', '2026-01-01');
      INSERT INTO sentences (document_id, idx, char_start, char_end, page, section, text, role)
        VALUES ('old', 0, 0, 5, 1, 0, 'Body.', 'body'), ('old', 1, 6, 12, 1, 1, 'Note.', 'notes');
      INSERT INTO passages (document_id, idx, char_start, char_end, page_start, page_end, sentence_start, sentence_end, text, role)
        VALUES ('old', 0, 0, 5, 1, 1, 0, 1, 'Body.', 'body'), ('old', 1, 6, 12, 1, 1, 1, 2, 'Note.', 'notes');`);
    // Written under retrieval v2: no role column yet.
    db.exec(`INSERT INTO rt_sentences (tenant_id, collection, document_id, idx, start, end, page, text)
        VALUES ('t1', 'c', 'old', 0, 0, 5, 1, 'Body.'), ('t1', 'c', 'old', 1, 6, 12, 1, 'Note.');
      INSERT INTO rt_passages (tenant_id, collection, document_id, idx, start, end, page_start, page_end,
        sentence_start, sentence_end, text) VALUES ('t1', 'c', 'old', 0, 0, 5, 1, 1, 0, 1, 'Body.'),
        ('t1', 'c', 'old', 1, 6, 12, 1, 1, 1, 2, 'Note.');`);
    runMigrations(db, [storageMigrations, RETRIEVAL_MIGRATIONS, RETRIEVAL_CASCADE_MIGRATIONS]);
    const units = new RetrievalStore(db).documentUnits('old');
    expect(units.sentences.map((x) => x.role)).toEqual(['body', 'notes']);
    expect(units.passages.map((x) => x.role)).toEqual(['body', 'notes']);
  });

  it('rejects bad requests with clear messages', async () => {
    const r = new Retriever(open(), null);
    await expect(r.search({ tenantId: 't1', query: '   ' })).rejects.toThrow(/empty/);
    await expect(r.search({ tenantId: 't1', query: 'x', k: 0 })).rejects.toThrow(/k must be/);
    await expect(r.search({ tenantId: 't1', query: 'x', mode: 'dense' })).rejects.toThrow(/needs the model/);
    await expect(r.search({ tenantId: 't1', query: 'x'.repeat(5000) })).rejects.toThrow(/longer/);
  });
});
