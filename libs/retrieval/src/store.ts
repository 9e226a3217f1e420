import type { Database, Statement } from 'better-sqlite3';
import { toFtsQuery } from './fts-query';
import { quantizeInt8 } from './quantize';
import type { RetrievalRepository, VectorPrecision, VectorSink } from './repository';
import { scopeQuery, scopeTokens } from './scope';
import { toPassage, toSentence, type PassageRow, type SentenceRow } from './unit-rows';
import type { IndexDocumentInput, ScoredId, SearchFilter, StoredPassage, StoredSentence, UnitKind } from './types';

const TABLE: Record<UnitKind, { units: string; fts: string }> = {
  passage: { units: 'rt_passages', fts: 'rt_passages_fts' },
  sentence: { units: 'rt_sentences', fts: 'rt_sentences_fts' },
};

/** SQLite caps bound parameters; document-id filters longer than this are refused upstream. */
export const MAX_DOCUMENT_FILTER = 500;

/**
 * All SQLite side effects of retrieval: writing units and vectors, BM25 search through FTS5,
 * reading units back (for results, neighbour expansion and reindexing).
 */
export class RetrievalStore {
  private readonly stmt: {
    insPassage: Statement;
    insSentence: Statement;
    insVector: Statement;
    bump: Statement;
    gen: Statement;
  };

  private readonly requireDocument: boolean;

  /**
   * `requireDocument` (service databases, which hold storage's `documents`): index a document only
   * while its storage row exists, checked inside the write transaction, so a delete racing an
   * indexing job never leaves rows behind.
   */
  constructor(
    readonly db: Database,
    options: { requireDocument?: boolean } = {},
  ) {
    this.requireDocument = options.requireDocument ?? false;
    this.stmt = {
      insPassage: db.prepare(
        `INSERT INTO rt_passages (tenant_id, collection, document_id, idx, start, end, page_start, page_end,
           sentence_start, sentence_end, text, scope, role) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      ),
      insSentence: db.prepare(
        `INSERT INTO rt_sentences (tenant_id, collection, document_id, idx, start, end, page, section, boundary, text,
           scope, role) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
      ),
      insVector: db.prepare(
        `INSERT OR REPLACE INTO rt_vectors (kind, unit_id, tenant_id, model_version, dim, f32, i8, i8_scale)
         VALUES (?,?,?,?,?,?,?,?)`,
      ),
      bump: db.prepare('UPDATE rt_state SET value = value + 1 WHERE key = ?'),
      gen: db.prepare("SELECT key, value FROM rt_state WHERE key IN ('insert_gen','delete_gen')"),
    };
    if (!db.readonly) this.backfillScopes();
  }

  /** Write generations: a change tells in-memory vector indexes to reload. */
  generations(): { insert: number; delete: number } {
    const rows = this.stmt.gen.all() as { key: string; value: number }[];
    const get = (k: string) => rows.find((r) => r.key === k)?.value ?? 0;
    return { insert: get('insert_gen'), delete: get('delete_gen') };
  }

  /**
   * Indexes one document's passages and sentences (and vectors when given), replacing whatever
   * was indexed for that document before. One transaction: readers see all of it or none.
   */
  indexDocument(input: IndexDocumentInput): { passageIds: number[]; sentenceIds: number[] } {
    if (!input.tenantId) throw new Error('retrieval: tenantId is required');
    const v = input.vectors;
    if (v?.passages && v.passages.length !== input.passages.length) {
      throw new Error('retrieval: one passage vector per passage');
    }
    if (v?.sentences && v.sentences.length !== input.sentences.length) {
      throw new Error('retrieval: one sentence vector per sentence');
    }
    const collection = input.collection ?? null;
    const scope = scopeTokens(input.tenantId, collection, input.documentId);
    return this.db.transaction(() => {
      this.removeDocument(input.documentId);
      // After the first write: the transaction holds the write lock, so this read is the latest state.
      if (this.requireDocument && !this.db.prepare('SELECT 1 FROM documents WHERE id = ?').get(input.documentId)) {
        return { passageIds: [], sentenceIds: [] };
      }
      const passageIds = input.passages.map((p) =>
        Number(
          this.stmt.insPassage.run(
            input.tenantId,
            collection,
            input.documentId,
            p.index,
            p.start,
            p.end,
            p.pageStart,
            p.pageEnd,
            p.sentenceStart,
            p.sentenceEnd,
            p.text,
            scope,
            p.role ?? null,
          ).lastInsertRowid,
        ),
      );
      const sentenceIds = input.sentences.map((s) =>
        Number(
          this.stmt.insSentence.run(
            input.tenantId,
            collection,
            input.documentId,
            s.index,
            s.start,
            s.end,
            s.page,
            s.section ?? -1,
            s.boundary ?? 'sentence',
            s.text,
            scope,
            s.role ?? null,
          ).lastInsertRowid,
        ),
      );
      if (v?.passages) this.insertVectors('passage', input.tenantId, passageIds, v.passages, v.modelVersion);
      if (v?.sentences) this.insertVectors('sentence', input.tenantId, sentenceIds, v.sentences, v.modelVersion);
      this.stmt.bump.run('insert_gen');
      return { passageIds, sentenceIds };
    })();
  }

  private insertVectors(kind: UnitKind, tenantId: string, ids: number[], vecs: Float32Array[], version: string) {
    for (let i = 0; i < ids.length; i++) {
      const f = vecs[i]!;
      const q = quantizeInt8(f);
      this.stmt.insVector.run(
        kind,
        ids[i],
        tenantId,
        version,
        f.length,
        Buffer.from(f.buffer, f.byteOffset, f.byteLength),
        Buffer.from(q.data.buffer, q.data.byteOffset, q.data.byteLength),
        q.scale,
      );
    }
  }

  /**
   * Replaces one document's vectors of one kind with those of a new model version (reindex).
   * Vectors are in unit-index order. Older versions of that document's vectors are removed.
   */
  replaceVectors(documentId: string, kind: UnitKind, modelVersion: string, vectors: Float32Array[]): number {
    const { units } = TABLE[kind];
    const rows = this.db
      .prepare(`SELECT id, tenant_id FROM ${units} WHERE document_id = ? ORDER BY idx`)
      .all(documentId) as { id: number; tenant_id: string }[];
    if (rows.length !== vectors.length) {
      throw new Error(`retrieval: ${documentId} has ${rows.length} ${kind}s but ${vectors.length} vectors`);
    }
    this.db.transaction(() => {
      this.db
        .prepare(`DELETE FROM rt_vectors WHERE kind = ? AND unit_id IN (SELECT id FROM ${units} WHERE document_id = ?)`)
        .run(kind, documentId);
      for (let i = 0; i < rows.length; i++) {
        this.insertVectors(kind, rows[i]!.tenant_id, [rows[i]!.id], [vectors[i]!], modelVersion);
      }
      this.stmt.bump.run('delete_gen');
    })();
    return rows.length;
  }

  /** Removes every passage, sentence and vector of a document. Returns the passages removed. */
  deleteDocument(documentId: string): number {
    return this.db.transaction(() => this.removeDocument(documentId))();
  }

  private removeDocument(documentId: string): number {
    // The delete triggers keep FTS and rt_vectors in step.
    const n = this.db.prepare('DELETE FROM rt_passages WHERE document_id = ?').run(documentId).changes;
    const m = this.db.prepare('DELETE FROM rt_sentences WHERE document_id = ?').run(documentId).changes;
    if (n + m > 0) this.stmt.bump.run('delete_gen');
    return n;
  }

  /**
   * BM25 over one unit kind, best first. Score = -bm25() so that higher is better. The filter is
   * part of the MATCH (scope tokens), so FTS5 ranks only the tenant's rows and no join runs per
   * matching row; the scope column has bm25 weight 0.
   */
  lexical(kind: UnitKind, ftsQuery: string, filter: SearchFilter, limit: number): ScoredId[] {
    const { fts } = TABLE[kind];
    if (filter.documentIds && filter.documentIds.length === 0) return [];
    if (filter.documentIds && filter.documentIds.length > MAX_DOCUMENT_FILTER) {
      throw new Error(`retrieval: at most ${MAX_DOCUMENT_FILTER} document ids per filter`);
    }
    const match = `${scopeQuery(filter)} AND text : (${ftsQuery})`;
    const sql = `SELECT rowid AS id, -bm25(${fts}, 1.0, 0.0) AS score FROM ${fts}
      WHERE ${fts} MATCH ? ORDER BY score DESC, rowid LIMIT ?`;
    return this.db.prepare(sql).all(match, limit) as ScoredId[];
  }

  /** Fills the scope of rows written before the scope column existed (migration 2), once. */
  private backfillScopes(): void {
    for (const kind of ['passage', 'sentence'] as const) {
      const { units, fts } = TABLE[kind];
      const rows = this.db
        .prepare(`SELECT id, tenant_id AS t, collection AS c, document_id AS d FROM ${units} WHERE scope = ''`)
        .all() as { id: number; t: string; c: string | null; d: string }[];
      if (rows.length === 0) continue;
      this.db.transaction(() => {
        const upd = this.db.prepare(`UPDATE ${units} SET scope = ? WHERE id = ?`);
        for (const r of rows) upd.run(scopeTokens(r.t, r.c, r.d), r.id);
        this.db.prepare(`INSERT INTO ${fts} (${fts}) VALUES ('rebuild')`).run();
      })();
    }
  }

  /** FTS5 highlighted snippets for the given units that match the query (others are absent). */
  snippets(kind: UnitKind, ftsQuery: string, ids: number[], tokens = 32): Map<number, string> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const { fts } = TABLE[kind];
    const rows = this.db
      .prepare(
        `SELECT rowid AS id, snippet(${fts}, 0, '<mark>', '</mark>', '…', ?) AS s FROM ${fts}
         WHERE ${fts} MATCH ? AND rowid IN (${ids.map(() => '?').join(',')})`,
      )
      .all(tokens, `text : (${ftsQuery})`, ...ids) as { id: number; s: string }[];
    for (const r of rows) out.set(r.id, r.s);
    return out;
  }

  passages(ids: number[]): Map<number, StoredPassage> {
    return this.rowsById('rt_passages', ids, toPassage);
  }

  sentences(ids: number[]): Map<number, StoredSentence> {
    return this.rowsById('rt_sentences', ids, toSentence);
  }

  /** Rows by id, in chunks of 500 ids (SQLite's bound-parameter limit). */
  private rowsById<R extends { id: number | string }, T>(
    table: 'rt_passages' | 'rt_sentences',
    ids: number[],
    map: (row: R) => T,
  ): Map<number, T> {
    const out = new Map<number, T>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT * FROM ${table} WHERE id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as R[];
      for (const r of rows) out.set(Number(r.id), map(r));
    }
    return out;
  }

  /** Sentences `[from, to)` of a document, in order (neighbour expansion). */
  sentenceRange(documentId: string, from: number, to: number): StoredSentence[] {
    const rows = this.db
      .prepare('SELECT * FROM rt_sentences WHERE document_id = ? AND idx >= ? AND idx < ? ORDER BY idx')
      .all(documentId, from, to) as SentenceRow[];
    return rows.map(toSentence);
  }

  /** Every unit of a document, in order: what reindexing feeds back to the model. */
  documentUnits(documentId: string): { passages: StoredPassage[]; sentences: StoredSentence[] } {
    const p = this.db
      .prepare('SELECT * FROM rt_passages WHERE document_id = ? ORDER BY idx')
      .all(documentId) as PassageRow[];
    const s = this.db
      .prepare('SELECT * FROM rt_sentences WHERE document_id = ? ORDER BY idx')
      .all(documentId) as SentenceRow[];
    return { passages: p.map(toPassage), sentences: s.map(toSentence) };
  }

  /** Documents, optionally only those with a unit lacking a vector of `modelVersion`. */
  documents(opts: { tenantId?: string; staleFor?: string } = {}): { tenantId: string; documentId: string }[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.tenantId) {
      where.push('u.tenant_id = ?');
      params.push(opts.tenantId);
    }
    if (opts.staleFor) {
      where.push(`NOT EXISTS (SELECT 1 FROM rt_vectors v WHERE v.kind = 'passage' AND v.unit_id = u.id
        AND v.model_version = ?)`);
      params.push(opts.staleFor);
    }
    const sql = `SELECT DISTINCT u.tenant_id AS tenantId, u.document_id AS documentId FROM rt_passages u
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.tenant_id, u.document_id`;
    return this.db.prepare(sql).all(...params) as { tenantId: string; documentId: string }[];
  }

  /** Vector counts per model version for one kind. */
  vectorVersions(kind: UnitKind = 'passage'): Record<string, number> {
    const rows = this.db
      .prepare('SELECT model_version AS v, count(*) AS n FROM rt_vectors WHERE kind = ? GROUP BY model_version')
      .all(kind) as { v: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.v, r.n]));
  }

  /**
   * The in-memory index's catch-up read (see RetrievalRepository.readVectors). The cursor is
   * `insert:delete:lastVectorRowId`: unchanged generations answer null; a new delete generation
   * (a delete or a vector replacement) reloads everything; new inserts append the vectors after
   * the last row id read (SQLite has one writer at a time, so row ids grow in commit order).
   */
  readVectors(
    kind: UnitKind,
    modelVersion: string,
    precision: VectorPrecision,
    cursor: string | null,
    sink: VectorSink,
  ): string | null {
    const gen = this.generations();
    let after = 0;
    if (cursor !== null) {
      const [ins, del, last] = cursor.split(':').map(Number);
      if (ins === gen.insert && del === gen.delete) return null;
      if (del === gen.delete) after = last!;
    }
    if (after === 0) sink.reset();
    const units = TABLE[kind].units;
    const col = precision === 'f32' ? 'v.f32' : 'v.i8';
    const rows = this.db
      .prepare(
        `SELECT v.id AS vid, v.unit_id AS uid, v.dim AS dim, ${col} AS blob, v.i8_scale AS scale,
           u.tenant_id AS t, u.collection AS c, u.document_id AS d
         FROM rt_vectors v JOIN ${units} u ON u.id = v.unit_id
         WHERE v.kind = ? AND v.model_version = ? AND v.id > ? ORDER BY v.id`,
      )
      .iterate(kind, modelVersion, after) as IterableIterator<{
      vid: number;
      uid: number;
      dim: number;
      blob: Buffer;
      scale: number;
      t: string;
      c: string | null;
      d: string;
    }>;
    let last = after;
    for (const r of rows) {
      sink.add({
        unitId: r.uid,
        tenantId: r.t,
        collection: r.c,
        documentId: r.d,
        dim: r.dim,
        bytes: r.blob,
        scale: r.scale,
      });
      last = r.vid;
    }
    return `${gen.insert}:${gen.delete}:${last}`;
  }
}

/**
 * RetrievalRepository over SQLite: today's RetrievalStore (FTS5 bm25(), FTS5 snippet(), the rt_state
 * generations), each call answered synchronously inside a resolved promise. Behaviour and figures are
 * exactly RetrievalStore's; `store` stays available to the eval and the benchmarks.
 */
export class SqliteRetrievalRepository implements RetrievalRepository {
  readonly backend = 'sqlite' as const;
  readonly store: RetrievalStore;

  constructor(store: RetrievalStore | Database, options: { requireDocument?: boolean } = {}) {
    this.store = store instanceof RetrievalStore ? store : new RetrievalStore(store, options);
  }

  get db(): Database {
    return this.store.db;
  }

  async indexDocument(input: IndexDocumentInput) {
    return this.store.indexDocument(input);
  }

  async replaceVectors(documentId: string, kind: UnitKind, modelVersion: string, vectors: Float32Array[]) {
    return this.store.replaceVectors(documentId, kind, modelVersion, vectors);
  }

  async deleteDocument(documentId: string) {
    return this.store.deleteDocument(documentId);
  }

  async lexical(kind: UnitKind, query: string, filter: SearchFilter, limit: number) {
    const fts = toFtsQuery(query);
    if (!filter.tenantId) throw new Error('retrieval: tenantId is required');
    return fts ? this.store.lexical(kind, fts, filter, limit) : [];
  }

  async snippets(kind: UnitKind, query: string, ids: number[], tokens?: number) {
    const fts = toFtsQuery(query);
    return fts ? this.store.snippets(kind, fts, ids, tokens) : new Map<number, string>();
  }

  async passages(ids: number[]) {
    return this.store.passages(ids);
  }

  async sentences(ids: number[]) {
    return this.store.sentences(ids);
  }

  async sentenceRange(documentId: string, from: number, to: number) {
    return this.store.sentenceRange(documentId, from, to);
  }

  async documentUnits(documentId: string) {
    return this.store.documentUnits(documentId);
  }

  async documents(opts: { tenantId?: string; staleFor?: string } = {}) {
    return this.store.documents(opts);
  }

  async vectorVersions(kind: UnitKind = 'passage') {
    return this.store.vectorVersions(kind);
  }

  async changeToken() {
    const g = this.store.generations();
    return `${g.insert}:${g.delete}`;
  }

  async readVectors(
    kind: UnitKind,
    modelVersion: string,
    precision: VectorPrecision,
    cursor: string | null,
    sink: VectorSink,
  ) {
    return this.store.readVectors(kind, modelVersion, precision, cursor, sink);
  }
}
