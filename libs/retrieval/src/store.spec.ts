import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runMigrations, storageMigrations } from '@elegans/storage';
import { retrievalBackends, type OpenedIndex } from '../../../test/support/retrieval-backends';
import { DenseIndex } from './dense-index';
import type { PgRetrievalRepository } from './pg-repository';
import { normalize } from './quantize';
import type { RetrievalRepository } from './repository';
import { Retriever } from './retriever';
import { RETRIEVAL_CASCADE_MIGRATIONS, RETRIEVAL_MIGRATIONS } from './schema';
import { RetrievalStore, SqliteRetrievalRepository } from './store';
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

const AERO = [
  ['The boundary layer separates near the trailing edge.', 'Transition happens early at high Reynolds numbers.'],
  ['Heat transfer in hypersonic flow was measured.', 'The wall temperature ratio controls the heating.'],
];
const COOK = [['Knead the dough for ten minutes.', 'Let the bread rise in a warm place.']];

const BACKENDS = retrievalBackends(inject('postgresUrl'));

describe.each(BACKENDS)('$name retrieval repository + Retriever (lexical)', (backend) => {
  const opened: OpenedIndex[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
  });
  let last: OpenedIndex;
  async function open(opts?: { service?: boolean; requireDocument?: boolean }): Promise<RetrievalRepository> {
    last = await backend.open(opts);
    opened.push(last);
    return last.repo;
  }
  const count = async (table: string) => Number((await last.sql(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  it('ranks the passage holding the exact phrase first and returns offsets, pages and a highlight', async () => {
    const store = await open();
    await store.indexDocument(doc('t1', 'aero', AERO));
    await store.indexDocument(doc('t1', 'cook', COOK));
    await store.indexDocument(
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

  it('a passage over two pages links to the page of its sentence that holds the query words', async () => {
    const store = await open();
    const input = doc('t1', 'span', [
      ['The reservoir was built in 1961.', 'Brown trout and perch live in the lake.', 'Fishing opens in May.'],
    ]);
    // The passage runs from page 3 onto page 4; its second and third sentences are on page 4.
    input.passages[0]!.pageStart = 3;
    input.passages[0]!.pageEnd = 4;
    input.sentences.forEach((x, i) => (x.page = i === 0 ? 3 : 4));
    await store.indexDocument(input);
    const r = new Retriever(store, null);
    const trout = (await r.search({ tenantId: 't1', query: 'trout perch', k: 1 })).hits[0]!;
    expect([trout.pageStart, trout.pageEnd, trout.matchPage]).toEqual([3, 4, 4]);
    // Prefix matching stands in for stems: "built" is on page 3.
    expect((await r.search({ tenantId: 't1', query: 'reservoir built', k: 1 })).hits[0]!.matchPage).toBe(3);
    // A single-page unit links to its own page.
    const sentence = (await r.search({ tenantId: 't1', query: 'fishing', unit: 'sentence', k: 1 })).hits[0]!;
    expect(sentence.matchPage).toBe(4);
  });

  it('searches sentences and expands neighbours', async () => {
    const store = await open();
    await store.indexDocument(doc('t1', 'aero', AERO));
    const r = new Retriever(store, null);
    const res = await r.search({ tenantId: 't1', query: 'wall temperature ratio', unit: 'sentence', neighbours: 1 });
    const top = res.hits[0]!;
    expect(top.text).toBe('The wall temperature ratio controls the heating.');
    expect(top.index).toBe(3);
    expect(top.context!.before.map((s) => s.index)).toEqual([2]);
    expect(top.context!.after).toEqual([]);
  });

  it('never leaks across tenants, and honours collection and document filters', async () => {
    const store = await open();
    await store.indexDocument(doc('t1', 'a1', AERO, 'physics'));
    await store.indexDocument(doc('t2', 'a2', AERO, 'physics'));
    await store.indexDocument(doc('t2', 'c2', COOK, 'kitchen'));
    const r = new Retriever(store, null);
    for (const tenantId of ['t1', 't2']) {
      const res = await r.search({ tenantId, query: 'boundary layer heat dough bread', k: 50 });
      expect(res.hits.length).toBeGreaterThan(0);
      const rows = await store.passages(res.hits.map((h) => h.id));
      expect(res.hits.every((h) => rows.get(h.id)!.tenantId === tenantId)).toBe(true);
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
    const store = await open();
    for (let i = 0; i < 7; i++)
      await store.indexDocument(doc('t1', `d${i}`, [[`Shock wave number ${i} in the nozzle.`]]));
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
    const store = await open();
    const v = (x: number) => normalize(Float32Array.from([x, 1, 0, 0]));
    const input = doc('t1', 'aero', AERO);
    input.vectors = { modelVersion: 'm1', passages: [v(1), v(2)], sentences: [v(1), v(2), v(3), v(4)] };
    await store.indexDocument(input);
    await store.indexDocument(doc('t1', 'cook', COOK));
    const dense = new DenseIndex(store, 'passage', 'm1');
    await dense.refresh();
    expect(dense.size).toBe(2);
    const r = new Retriever(store, null);
    expect((await r.search({ tenantId: 't1', query: 'boundary' })).hits).toHaveLength(1);
    expect(await store.deleteDocument('aero')).toBe(2);
    expect((await r.search({ tenantId: 't1', query: 'boundary' })).hits).toHaveLength(0);
    expect((await r.search({ tenantId: 't1', query: 'wall', unit: 'sentence' })).hits).toHaveLength(0);
    expect(await count('rt_vectors')).toBe(0);
    await dense.refresh();
    expect(dense.size).toBe(0);
    expect((await r.search({ tenantId: 't1', query: 'dough' })).hits).toHaveLength(1);
  });

  it('re-indexing a document replaces it instead of duplicating', async () => {
    const store = await open();
    await store.indexDocument(doc('t1', 'aero', AERO));
    await store.indexDocument(doc('t1', 'aero', AERO));
    const r = new Retriever(store, null);
    expect((await r.search({ tenantId: 't1', query: 'boundary', k: 10 })).hits).toHaveLength(1);
  });

  it('any user string and any ids are safe in the MATCH (scope tokens + quoted words)', async () => {
    const store = await open();
    await store.indexDocument(doc('t"1 OR *', 'd:1 NEAR(', AERO, 'c) AND ('));
    await store.indexDocument(doc('t2', 'x', AERO));
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

  it('stores structure roles on passages and sentences and returns them; none stored reads as body', async () => {
    const store = await open();
    const input = doc('t1', 'book', [
      ['Jack Valenti was the head of the film studios lobby.'],
      ['21. Hearing record, 485 (testimony of Jack Valenti).'],
    ]);
    input.sentences[1]!.role = 'notes';
    input.passages[1]!.role = 'notes';
    const { passageIds, sentenceIds } = await store.indexDocument(input);
    const s = await store.sentences(sentenceIds);
    expect(s.get(sentenceIds[1]!)?.role).toBe('notes');
    expect(s.get(sentenceIds[0]!)).not.toHaveProperty('role');
    expect((await store.sentenceRange('book', 0, 2)).map((x) => x.role)).toEqual([undefined, 'notes']);
    expect((await store.passages(passageIds)).get(passageIds[1]!)?.role).toBe('notes');
    expect((await store.documentUnits('book')).sentences.map((x) => x.role ?? 'body')).toEqual(['body', 'notes']);
  });

  it('rejects bad requests with clear messages', async () => {
    const r = new Retriever(await open(), null);
    await expect(r.search({ tenantId: 't1', query: '   ' })).rejects.toThrow(/empty/);
    await expect(r.search({ tenantId: 't1', query: 'x', k: 0 })).rejects.toThrow(/k must be/);
    await expect(r.search({ tenantId: 't1', query: 'x', mode: 'dense' })).rejects.toThrow(/needs the model/);
    await expect(r.search({ tenantId: 't1', query: 'x'.repeat(5000) })).rejects.toThrow(/longer/);
  });

  it('cascades from the storage documents table when wired into the service', async () => {
    const store = await open({ service: true });
    await last.sql("INSERT INTO tenants (id, name, created_at) VALUES ('t1', 't1', '2026-01-01')");
    await last.sql(
      `INSERT INTO documents (id, tenant_id, collection, content_hash, format, bytes, status, created_at, updated_at)
       VALUES ('aero', 't1', 'c', 'h', 'text', 1, 'ready', '2026-01-01', '2026-01-01')`,
    );
    const v = (x: number) => normalize(Float32Array.from([x, 1, 0, 0]));
    const input = doc('t1', 'aero', AERO);
    input.vectors = { modelVersion: 'm1', passages: [v(1), v(2)], sentences: [v(1), v(2), v(3), v(4)] };
    await store.indexDocument(input);
    const dense = new DenseIndex(store, 'passage', 'm1');
    await dense.refresh();
    expect(dense.size).toBe(2);
    await last.sql("DELETE FROM documents WHERE id = 'aero'");
    for (const t of ['rt_passages', 'rt_sentences', 'rt_vectors']) expect(await count(t), t).toBe(0);
    expect(await store.lexical('passage', 'boundary', { tenantId: 't1' }, 10)).toEqual([]);
    await dense.refresh();
    expect(dense.size).toBe(0);
    if (backend.name === 'postgres') {
      // The BM25 statistics went with the units.
      for (const t of ['rt_lex_units', 'rt_lex_postings']) expect(await count(t), t).toBe(0);
      expect(
        await last.sql('SELECT units::int AS units, tokens::int AS tokens FROM rt_lex_totals ORDER BY kind'),
      ).toEqual([
        { units: 0, tokens: 0 },
        { units: 0, tokens: 0 },
      ]);
    }
  });

  it('in service mode, indexes nothing for a document storage no longer has', async () => {
    const store = await open({ service: true, requireDocument: true });
    expect(await store.indexDocument(doc('t1', 'gone', AERO))).toEqual({ passageIds: [], sentenceIds: [] });
    expect(await count('rt_passages')).toBe(0);
  });

  it('another process’s index follows writes and deletes through the database, never a shared disk', async () => {
    const worker = await open();
    const api = last.another();
    const dim = 8;
    const unit = (i: number) => normalize(Float32Array.from({ length: dim }, (_, j) => (j === i % dim ? 1 : 0.1)));
    const dense = new DenseIndex(api, 'passage', 'm1');
    await dense.refresh();
    expect(dense.size).toBe(0);
    const input = doc('t1', 'aero', AERO);
    input.vectors = { modelVersion: 'm1', passages: [unit(0), unit(1)], sentences: [0, 1, 2, 3].map(unit) };
    const { passageIds } = await worker.indexDocument(input);
    await dense.refresh();
    expect(dense.size).toBe(2);
    expect(dense.search(unit(1), { tenantId: 't1' }, 1)[0]!.id).toBe(passageIds[1]);
    // Nothing changed: the cursor stays, the matrix too.
    await dense.refresh();
    expect(dense.size).toBe(2);
    const other = doc('t1', 'cook', COOK);
    other.vectors = { modelVersion: 'm1', passages: [unit(2)], sentences: [unit(2), unit(3)] };
    await worker.indexDocument(other);
    await worker.deleteDocument('aero');
    await dense.refresh();
    expect(dense.size).toBe(1);
    expect(dense.search(unit(1), { tenantId: 't1' }, 5).map((h) => h.id)).not.toContain(passageIds[1]);
    // Re-indexing replaces the document's rows in the other index too, without duplicates.
    await worker.indexDocument(other);
    await dense.refresh();
    expect(dense.size).toBe(1);
    // A reindex to a new model version: an index of that version loads it.
    await worker.replaceVectors('cook', 'passage', 'm2', [unit(5)]);
    const next = new DenseIndex(api, 'passage', 'm2');
    await next.refresh();
    expect(next.size).toBe(1);
    await dense.refresh();
    expect(dense.size).toBe(0);
  });

  it.runIf(backend.name === 'postgres')('a pruned change log makes a lagging index reload in full', async () => {
    const repo = (await open()) as PgRetrievalRepository;
    const v = normalize(Float32Array.from([1, 0, 0, 0]));
    const put = async (id: string) => {
      const input = doc('t1', id, [[`Nozzle flow ${id}.`]]);
      input.vectors = { modelVersion: 'm1', passages: [v], sentences: [v] };
      await repo.indexDocument(input);
    };
    await put('a');
    const lagging = new DenseIndex(last.another(), 'passage', 'm1');
    await lagging.refresh();
    await put('b');
    await put('c');
    await repo.deleteDocument('a');
    // a's delete replaced a's own entry; pruning then takes everything but that newest entry, so the
    // lagging index cannot replay b and c and reloads.
    expect(await repo.pruneChanges(-60_000)).toBe(2);
    expect(await count('rt_changes')).toBe(1);
    await lagging.refresh();
    expect(lagging.size).toBe(2);
    await put('d');
    await lagging.refresh();
    expect(lagging.size).toBe(3);
  });

  it('concurrent writers from several connections: every vector reaches an index that refreshes meanwhile', async () => {
    const first = await open();
    const writers = [first, last.another(), last.another()];
    const reader = new DenseIndex(last.another(), 'passage', 'm1');
    const v = normalize(Float32Array.from([1, 0, 0, 0]));
    let done = false;
    const polling = (async () => {
      while (!done) await reader.refresh();
    })();
    await Promise.all(
      writers.map(async (w, k) => {
        for (let i = 0; i < 8; i++) {
          const input = doc('t1', `w${k}-${i}`, [[`Nozzle flow number ${k} ${i}.`]]);
          input.vectors = { modelVersion: 'm1', passages: [v], sentences: [v] };
          await w.indexDocument(input);
          if (i % 3 === 2) await w.deleteDocument(`w${k}-${i - 1}`);
        }
      }),
    );
    done = true;
    await polling;
    await reader.refresh();
    // 24 indexed, 6 deleted (i = 1 and 4 of each writer): the index holds exactly the table's rows.
    expect(reader.size).toBe(await count("rt_vectors WHERE kind = 'passage'"));
    expect(reader.size).toBe(24 - 3 * 2);
  });

  it('snippets highlight like FTS5 snippet() on long passages too', async () => {
    const store = await open();
    const long = [
      'Supersonic flow over a wedge produces an oblique shock wave attached to the leading edge.',
      'Downstream the boundary layer thickens and the pressure rises.',
      'Heat transfer to the surface was measured at several Mach numbers in the tunnel.',
      'At the highest Mach number the boundary layer separated ahead of the flap.',
    ];
    const { passageIds } = await store.indexDocument(doc('t1', 'long', [long, ['Short note on heat.']]));
    const snippets = await store.snippets('passage', 'boundary layer Mach', passageIds);
    // FTS5's window: 32 tokens from a sentence start, every query word in it highlighted.
    expect(snippets.get(passageIds[0]!)).toBe(
      '…Downstream the <mark>boundary</mark> <mark>layer</mark> thickens and the pressure rises. Heat transfer to ' +
        'the surface was measured at several <mark>Mach</mark> numbers in the tunnel. At the highest ' +
        '<mark>Mach</mark> number the <mark>boundary</mark> <mark>layer</mark> separated…',
    );
    expect(snippets.has(passageIds[1]!)).toBe(false);
    expect((await store.snippets('passage', 'heat', passageIds)).get(passageIds[1]!)).toBe(
      'Short note on <mark>heat</mark>.',
    );
  });
});

describe('SQLite-only: migrations of rows written by older schemas', () => {
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
    const r = new Retriever(new SqliteRetrievalRepository(db), null);
    expect((await r.search({ tenantId: 't1', query: 'boundary' })).hits.map((h) => h.documentId)).toEqual(['old']);
    expect((await r.search({ tenantId: 't2', query: 'boundary' })).hits).toEqual([]);
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
});
