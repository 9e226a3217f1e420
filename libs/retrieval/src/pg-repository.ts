import { inTransaction, pgText, type PgClient, type PgMigrationSet, type PgPool } from '@elegans/storage';
import { PG_LEXICAL_MIGRATIONS, PgLexicalIndex, type Stemmer } from './pg-lexical';
import { quantizeInt8 } from './quantize';
import type { RetrievalRepository, VectorPrecision, VectorSink } from './repository';
import { scopeTokens } from './scope';
import { toPassage, toSentence, type PassageRow, type SentenceRow } from './unit-rows';
import { ftsSnippet } from './snippet';
import { MAX_DOCUMENT_FILTER } from './store';
import type { IndexDocumentInput, ScoredId, SearchFilter, StoredPassage, StoredSentence, UnitKind } from './types';

/**
 * Held from a retrieval write's change-log insert to its commit (transaction-level advisory lock),
 * so change-log sequence numbers are handed out in commit order: a reader that has seen change s
 * has seen every change below s. The value only has to be stable (it reads "elegans2").
 */
export const RETRIEVAL_CHANGE_LOCK_KEY = 7308327790006137650n;

/**
 * PostgreSQL mirror of RETRIEVAL_MIGRATIONS (same owner, versions, tables and columns; checked by
 * test/postgres-schema.test.ts). What FTS5 does in SQLite is done by the PostgreSQL-only sets:
 * PG_LEXICAL_MIGRATIONS (BM25 term statistics) and RETRIEVAL_CHANGES_PG_MIGRATIONS (the change log
 * the in-memory vector indexes follow, which replaces rt_state's generations).
 */
export const RETRIEVAL_PG_MIGRATIONS: PgMigrationSet = {
  name: 'retrieval',
  migrations: [
    {
      version: 1,
      name: 'units-vectors',
      sql: `
CREATE TABLE rt_passages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  collection TEXT,
  document_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  page_start INTEGER NOT NULL,
  page_end INTEGER NOT NULL,
  sentence_start INTEGER NOT NULL,
  sentence_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (document_id, idx)
);
CREATE INDEX rt_passages_tenant ON rt_passages (tenant_id, collection);
CREATE TABLE rt_sentences (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  collection TEXT,
  document_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  page INTEGER NOT NULL,
  section INTEGER NOT NULL DEFAULT -1,
  boundary TEXT NOT NULL DEFAULT 'sentence',
  text TEXT NOT NULL,
  UNIQUE (document_id, idx)
);
CREATE INDEX rt_sentences_tenant ON rt_sentences (tenant_id, collection);
CREATE TABLE rt_vectors (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('passage', 'sentence')),
  unit_id BIGINT NOT NULL,
  tenant_id TEXT NOT NULL,
  model_version TEXT NOT NULL,
  dim INTEGER NOT NULL,
  f32 BYTEA NOT NULL,
  i8 BYTEA NOT NULL,
  i8_scale DOUBLE PRECISION NOT NULL,
  UNIQUE (kind, unit_id, model_version)
);
CREATE INDEX rt_vectors_version ON rt_vectors (kind, model_version, id);
`,
    },
    {
      // SQLite's FTS5 scope tokens; stored here too (same rows on both sides), filters use columns.
      version: 2,
      name: 'fts-scope-column',
      sql: `
ALTER TABLE rt_passages ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE rt_sentences ADD COLUMN scope TEXT NOT NULL DEFAULT '';
`,
    },
    {
      version: 3,
      name: 'unit-roles',
      sql: `
ALTER TABLE rt_passages ADD COLUMN role TEXT;
ALTER TABLE rt_sentences ADD COLUMN role TEXT;
`,
    },
  ],
};

/**
 * PostgreSQL only: the change log and the one function that removes a document's retrieval rows.
 * - rt_changes: one row per write (index, vectors, delete) of a document, `seq` increasing in commit
 *   order (rt_log_change takes RETRIEVAL_CHANGE_LOCK_KEY first). An API process's vector index reads
 *   `max(seq)` per search (an index-only lookup) and, when it moved, reloads the documents named since.
 * - rt_delete_document(doc, log): units, vectors, BM25 postings and totals of a document; logs a delete
 *   when asked and something was removed, replacing the document's earlier log entries. Used by the repository and by the storage cascade trigger.
 * Lock order everywhere: the document's rows, rt_lex_totals ('passage' then 'sentence'), then the
 * change lock, so concurrent writers cannot deadlock.
 */
export const RETRIEVAL_CHANGES_PG_MIGRATIONS: PgMigrationSet = {
  name: 'retrieval-changes',
  migrations: [
    {
      version: 1,
      name: 'change-log-delete-function',
      sql: `
CREATE TABLE rt_changes (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('index', 'vectors', 'delete')),
  kind TEXT,
  model_version TEXT,
  at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE FUNCTION rt_log_change(doc TEXT, change TEXT, unit_kind TEXT, version TEXT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE s BIGINT;
BEGIN
  PERFORM pg_advisory_xact_lock(${RETRIEVAL_CHANGE_LOCK_KEY});
  INSERT INTO rt_changes (document_id, op, kind, model_version) VALUES (doc, change, unit_kind, version)
    RETURNING seq INTO s;
  RETURN s;
END $$;
CREATE FUNCTION rt_delete_document(doc TEXT, log_delete BOOLEAN) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE n INTEGER; m INTEGER; pu BIGINT; pt BIGINT; su BIGINT; st BIGINT;
BEGIN
  DELETE FROM rt_vectors v USING rt_passages u WHERE v.kind = 'passage' AND v.unit_id = u.id AND u.document_id = doc;
  DELETE FROM rt_vectors v USING rt_sentences u WHERE v.kind = 'sentence' AND v.unit_id = u.id AND u.document_id = doc;
  DELETE FROM rt_passages WHERE document_id = doc;
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM rt_sentences WHERE document_id = doc;
  GET DIAGNOSTICS m = ROW_COUNT;
  DELETE FROM rt_lex_postings p USING rt_lex_units l
    WHERE p.kind = l.kind AND p.unit_id = l.id AND l.document_id = doc;
  WITH gone AS (DELETE FROM rt_lex_units WHERE document_id = doc RETURNING kind, len)
  SELECT count(*) FILTER (WHERE kind = 'passage'), coalesce(sum(len) FILTER (WHERE kind = 'passage'), 0),
         count(*) FILTER (WHERE kind = 'sentence'), coalesce(sum(len) FILTER (WHERE kind = 'sentence'), 0)
    INTO pu, pt, su, st FROM gone;
  IF pu > 0 THEN
    UPDATE rt_lex_totals SET units = units - pu, tokens = tokens - pt WHERE kind = 'passage';
  END IF;
  IF su > 0 THEN
    UPDATE rt_lex_totals SET units = units - su, tokens = tokens - st WHERE kind = 'sentence';
  END IF;
  IF log_delete AND n + m > 0 THEN
    -- The document's earlier entries go too (a deleted document leaves no row naming it but the
    -- delete marker, pruned with the log): a reader behind them reads the marker and drops it all.
    DELETE FROM rt_changes WHERE document_id = doc;
    PERFORM rt_log_change(doc, 'delete', NULL, NULL);
  END IF;
  RETURN n;
END $$;
`,
    },
  ],
};

/**
 * Service only (after storage's sets): deleting a row of storage's `documents` (directly or through a
 * tenant's cascade) removes its retrieval rows in the same transaction and logs the delete, as
 * RETRIEVAL_CASCADE_MIGRATIONS' trigger does in SQLite.
 */
export const RETRIEVAL_CASCADE_PG_MIGRATIONS: PgMigrationSet = {
  name: 'retrieval-cascade',
  migrations: [
    {
      version: 1,
      name: 'documents-delete-cascade',
      sql: `
CREATE FUNCTION rt_documents_ad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rt_delete_document(OLD.id, true);
  RETURN OLD;
END $$;
CREATE TRIGGER rt_documents_ad AFTER DELETE ON documents FOR EACH ROW EXECUTE FUNCTION rt_documents_ad();
`,
    },
    {
      version: 2,
      name: 'unit-roles-from-content',
      sql: `
UPDATE rt_sentences r SET role = s.role FROM sentences s
  WHERE r.role IS NULL AND s.document_id = r.document_id AND s.idx = r.idx;
UPDATE rt_passages r SET role = p.role FROM passages p
  WHERE r.role IS NULL AND p.document_id = r.document_id AND p.idx = r.idx;
`,
    },
  ],
};

/** The sets a bare PostgreSQL database needs for PgRetrievalRepository (tests, eval, bench). */
export const RETRIEVAL_PG_SETS: PgMigrationSet[] = [
  RETRIEVAL_PG_MIGRATIONS,
  PG_LEXICAL_MIGRATIONS,
  RETRIEVAL_CHANGES_PG_MIGRATIONS,
];

const UNITS: Record<UnitKind, string> = { passage: 'rt_passages', sentence: 'rt_sentences' };
/** Rows per page when loading vectors, so a large index never sits in one result set. */
const VECTOR_PAGE = 5000;
/** Past this many changed documents, one full reload is cheaper than reloading each. */
const MAX_INCREMENTAL_DOCUMENTS = 2000;
/** Every this many change numbers, a write prunes the change log of entries older than the retention. */
const PRUNE_EVERY = 1000;

const bytesOf = (a: Float32Array | Int8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export interface PgRetrievalRepositoryOptions {
  /** The stemmer FTS5's `porter` stands for (libs/analysis's porterStem in the service). */
  stem: Stemmer;
  /**
   * Service mode: index only documents that still exist in storage's `documents` (row key-share-locked for
   * the transaction), so a delete racing an indexing job can never leave rows behind.
   */
  requireDocument?: boolean;
  /**
   * How long change-log entries are kept (default 24 h; the newest is always kept). A process whose
   * cursor is older than the oldest entry left reloads its vectors in full, so pruning never loses a change.
   */
  changeRetentionMs?: number;
}

/**
 * RetrievalRepository over PostgreSQL, so API replicas and workers on several machines share one index:
 * units and vectors (float32 and int8 as BYTEA, keyed by model version) in rt_* tables, BM25 in SQL
 * from term statistics (pg-lexical.ts, same figures as FTS5), FTS5-equivalent snippets (snippet.ts),
 * and the change log (rt_changes) that every process's in-memory vector index follows.
 * Every write is one transaction; ids are BIGINT identities (returned as numbers).
 */
export class PgRetrievalRepository implements RetrievalRepository {
  readonly backend = 'postgres' as const;
  private readonly lex: PgLexicalIndex;
  private readonly stem: Stemmer;
  private readonly requireDocument: boolean;
  private readonly retentionMs: number;

  constructor(
    readonly pool: PgPool,
    options: PgRetrievalRepositoryOptions,
  ) {
    this.stem = options.stem;
    this.lex = new PgLexicalIndex(pool, options.stem);
    this.requireDocument = options.requireDocument ?? false;
    this.retentionMs = options.changeRetentionMs ?? 24 * 3600_000;
  }

  /** Logs a change (numbered in commit order, see rt_log_change); returns its number. */
  private async logChange(
    c: PgClient,
    documentId: string,
    op: 'index' | 'vectors',
    kind: UnitKind | null,
    version: string | null,
  ): Promise<number> {
    const r = await c.query<{ seq: string }>('SELECT rt_log_change($1, $2, $3, $4)::text AS seq', [
      documentId,
      op,
      kind,
      version,
    ]);
    return Number(r.rows[0]!.seq);
  }

  /** After a commit whose change number is a multiple of PRUNE_EVERY: drop old entries (best effort). */
  private async maybePrune(seq: number): Promise<void> {
    if (seq % PRUNE_EVERY !== 0) return;
    await this.pruneChanges(this.retentionMs).catch(() => undefined);
  }

  /** Removes change-log entries older than `olderThanMs`, always keeping the newest. Returns how many. */
  async pruneChanges(olderThanMs: number): Promise<number> {
    const r = await this.pool.query(
      // A prefix by number (a long transaction may number later than a younger one): readers detect
      // a pruned gap from min(seq).
      `DELETE FROM rt_changes WHERE seq < (SELECT max(seq) FROM rt_changes)
         AND seq <= (SELECT max(seq) FROM rt_changes WHERE at < now() - make_interval(secs => $1::float8 / 1000))`,
      [olderThanMs],
    );
    return r.rowCount ?? 0;
  }

  async indexDocument(input: IndexDocumentInput): Promise<{ passageIds: number[]; sentenceIds: number[] }> {
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
    let seq = 0;
    const out = await inTransaction(this.pool, async (c) => {
      if (this.requireDocument) {
        const doc = await c.query('SELECT 1 FROM documents WHERE id = $1 FOR KEY SHARE', [input.documentId]);
        if (doc.rowCount === 0) return { passageIds: [], sentenceIds: [] };
      }
      await c.query('SELECT rt_delete_document($1, false)', [input.documentId]);
      const p = input.passages;
      const pr = await c.query<{ id: string; idx: number }>(
        `INSERT INTO rt_passages (tenant_id, collection, document_id, idx, start, "end", page_start, page_end,
           sentence_start, sentence_end, text, scope, role)
         SELECT $1, $2, $3, * FROM unnest($4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[],
           $11::text[], $12::text[], $13::text[])
         RETURNING id, idx`,
        [
          input.tenantId,
          collection,
          input.documentId,
          p.map((x) => x.index),
          p.map((x) => x.start),
          p.map((x) => x.end),
          p.map((x) => x.pageStart),
          p.map((x) => x.pageEnd),
          p.map((x) => x.sentenceStart),
          p.map((x) => x.sentenceEnd),
          p.map((x) => pgText(x.text)),
          p.map(() => scope),
          p.map((x) => x.role ?? null),
        ],
      );
      const s = input.sentences;
      const sr = await c.query<{ id: string; idx: number }>(
        `INSERT INTO rt_sentences (tenant_id, collection, document_id, idx, start, "end", page, section, boundary, text,
           scope, role)
         SELECT $1, $2, $3, * FROM unnest($4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[],
           $11::text[], $12::text[])
         RETURNING id, idx`,
        [
          input.tenantId,
          collection,
          input.documentId,
          s.map((x) => x.index),
          s.map((x) => x.start),
          s.map((x) => x.end),
          s.map((x) => x.page),
          s.map((x) => x.section ?? -1),
          s.map((x) => x.boundary ?? 'sentence'),
          s.map((x) => pgText(x.text)),
          s.map(() => scope),
          s.map((x) => x.role ?? null),
        ],
      );
      const byIdx = (rows: { id: string; idx: number }[]) => new Map(rows.map((r) => [r.idx, Number(r.id)]));
      const pIdx = byIdx(pr.rows);
      const sIdx = byIdx(sr.rows);
      const passageIds = p.map((x) => pIdx.get(x.index)!);
      const sentenceIds = s.map((x) => sIdx.get(x.index)!);
      if (v?.passages) await this.insertVectors(c, 'passage', input.tenantId, passageIds, v.passages, v.modelVersion);
      if (v?.sentences) {
        await this.insertVectors(c, 'sentence', input.tenantId, sentenceIds, v.sentences, v.modelVersion);
      }
      const unit = (ids: number[], texts: { text: string }[]) =>
        ids.map((id, i) => ({
          id,
          tenantId: input.tenantId,
          collection,
          documentId: input.documentId,
          text: texts[i]!.text,
        }));
      await this.lex.add('passage', unit(passageIds, p), c);
      await this.lex.add('sentence', unit(sentenceIds, s), c);
      seq = await this.logChange(c, input.documentId, 'index', null, v?.modelVersion ?? null);
      return { passageIds, sentenceIds };
    });
    await this.maybePrune(seq);
    return out;
  }

  private async insertVectors(
    c: PgClient,
    kind: UnitKind,
    tenantId: string,
    ids: number[],
    vecs: Float32Array[],
    version: string,
  ): Promise<void> {
    if (ids.length === 0) return;
    const q = vecs.map((f) => quantizeInt8(f));
    await c.query(
      `INSERT INTO rt_vectors (kind, unit_id, tenant_id, model_version, dim, f32, i8, i8_scale)
       SELECT $1, u, $2, $3, d, f, i, s FROM unnest($4::bigint[], $5::int[], $6::bytea[], $7::bytea[], $8::float8[])
         AS t(u, d, f, i, s)
       ON CONFLICT (kind, unit_id, model_version) DO UPDATE
         SET dim = excluded.dim, f32 = excluded.f32, i8 = excluded.i8, i8_scale = excluded.i8_scale`,
      [
        kind,
        tenantId,
        version,
        ids,
        vecs.map((f) => f.length),
        vecs.map(bytesOf),
        q.map((x) => bytesOf(x.data)),
        q.map((x) => x.scale),
      ],
    );
  }

  async replaceVectors(documentId: string, kind: UnitKind, modelVersion: string, vectors: Float32Array[]) {
    let seq = 0;
    const n = await inTransaction(this.pool, async (c) => {
      const rows = (
        await c.query<{ id: string; tenant_id: string }>(
          `SELECT id, tenant_id FROM ${UNITS[kind]} WHERE document_id = $1 ORDER BY idx FOR UPDATE`,
          [documentId],
        )
      ).rows;
      if (rows.length !== vectors.length) {
        throw new Error(`retrieval: ${documentId} has ${rows.length} ${kind}s but ${vectors.length} vectors`);
      }
      await c.query(
        `DELETE FROM rt_vectors WHERE kind = $1 AND unit_id IN (SELECT id FROM ${UNITS[kind]} WHERE document_id = $2)`,
        [kind, documentId],
      );
      if (rows.length > 0) {
        await this.insertVectors(
          c,
          kind,
          rows[0]!.tenant_id,
          rows.map((r) => Number(r.id)),
          vectors,
          modelVersion,
        );
      }
      seq = await this.logChange(c, documentId, 'vectors', kind, modelVersion);
      return rows.length;
    });
    await this.maybePrune(seq);
    return n;
  }

  async deleteDocument(documentId: string): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query<{ n: number }>('SELECT rt_delete_document($1, true) AS n', [documentId]);
      return r.rows[0]!.n;
    });
  }

  async lexical(kind: UnitKind, query: string, filter: SearchFilter, limit: number): Promise<ScoredId[]> {
    if (!filter.tenantId) throw new Error('retrieval: tenantId is required');
    if (filter.documentIds && filter.documentIds.length === 0) return [];
    if (filter.documentIds && filter.documentIds.length > MAX_DOCUMENT_FILTER) {
      throw new Error(`retrieval: at most ${MAX_DOCUMENT_FILTER} document ids per filter`);
    }
    return this.lex.lexical(kind, query, filter, limit);
  }

  async snippets(kind: UnitKind, query: string, ids: number[], tokens = 32): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const r = await this.pool.query<{ id: string; text: string }>(
      `SELECT id, text FROM ${UNITS[kind]} WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    for (const row of r.rows) {
      const s = ftsSnippet(row.text, query, this.stem, tokens);
      if (s !== null) out.set(Number(row.id), s);
    }
    return out;
  }

  async passages(ids: number[]): Promise<Map<number, StoredPassage>> {
    const out = new Map<number, StoredPassage>();
    if (ids.length === 0) return out;
    const r = await this.pool.query<PassageRow>('SELECT * FROM rt_passages WHERE id = ANY($1::bigint[])', [ids]);
    for (const row of r.rows) out.set(Number(row.id), toPassage(row));
    return out;
  }

  async sentences(ids: number[]): Promise<Map<number, StoredSentence>> {
    const out = new Map<number, StoredSentence>();
    if (ids.length === 0) return out;
    const r = await this.pool.query<SentenceRow>('SELECT * FROM rt_sentences WHERE id = ANY($1::bigint[])', [ids]);
    for (const row of r.rows) out.set(Number(row.id), toSentence(row));
    return out;
  }

  async sentenceRange(documentId: string, from: number, to: number): Promise<StoredSentence[]> {
    const r = await this.pool.query<SentenceRow>(
      'SELECT * FROM rt_sentences WHERE document_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
      [documentId, from, to],
    );
    return r.rows.map(toSentence);
  }

  async documentUnits(documentId: string) {
    const [p, s] = await Promise.all([
      this.pool.query<PassageRow>('SELECT * FROM rt_passages WHERE document_id = $1 ORDER BY idx', [documentId]),
      this.pool.query<SentenceRow>('SELECT * FROM rt_sentences WHERE document_id = $1 ORDER BY idx', [documentId]),
    ]);
    return { passages: p.rows.map(toPassage), sentences: s.rows.map(toSentence) };
  }

  async documents(opts: { tenantId?: string; staleFor?: string } = {}) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.tenantId) {
      params.push(opts.tenantId);
      where.push(`u.tenant_id = $${params.length}`);
    }
    if (opts.staleFor) {
      params.push(opts.staleFor);
      where.push(`NOT EXISTS (SELECT 1 FROM rt_vectors v WHERE v.kind = 'passage' AND v.unit_id = u.id
        AND v.model_version = $${params.length})`);
    }
    // COLLATE "C": the byte order SQLite's ORDER BY gives, whatever the database's collation.
    const r = await this.pool.query<{ tenantId: string; documentId: string }>(
      `SELECT u.tenant_id AS "tenantId", u.document_id AS "documentId" FROM rt_passages u
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY u.tenant_id, u.document_id
       ORDER BY u.tenant_id COLLATE "C", u.document_id COLLATE "C"`,
      params,
    );
    return r.rows;
  }

  async vectorVersions(kind: UnitKind = 'passage') {
    const r = await this.pool.query<{ v: string; n: number }>(
      'SELECT model_version AS v, count(*)::int AS n FROM rt_vectors WHERE kind = $1 GROUP BY model_version',
      [kind],
    );
    return Object.fromEntries(r.rows.map((x) => [x.v, x.n]));
  }

  async changeToken(): Promise<string> {
    const r = await this.pool.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM rt_changes');
    return r.rows[0]!.seq;
  }

  /**
   * The cursor is a change-log position. Unchanged `max(seq)` answers null (one index lookup); else,
   * in one REPEATABLE READ snapshot: the head position, the documents changed since the cursor (their
   * rows removed from the sink, then their current rows added), or everything when there is no cursor,
   * too many changed documents, or entries after the cursor may have been pruned (cursor + 1 < min).
   */
  async readVectors(
    kind: UnitKind,
    modelVersion: string,
    precision: VectorPrecision,
    cursor: string | null,
    sink: VectorSink,
  ): Promise<string | null> {
    if (cursor !== null && (await this.changeToken()) === cursor) return null;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const ends = (
        await client.query<{ head: string; low: string }>(
          'SELECT coalesce(max(seq), 0)::text AS head, coalesce(min(seq), 0)::text AS low FROM rt_changes',
        )
      ).rows[0]!;
      const head = ends.head;
      let docs: string[] | null = null;
      if (cursor !== null && BigInt(cursor) + 1n >= BigInt(ends.low)) {
        const changed = await client.query<{ d: string }>(
          'SELECT DISTINCT document_id AS d FROM rt_changes WHERE seq > $1 AND seq <= $2',
          [cursor, head],
        );
        docs = changed.rows.map((r) => r.d);
        if (docs.length > MAX_INCREMENTAL_DOCUMENTS) docs = null;
      }
      if (docs === null) sink.reset();
      else sink.remove(docs);
      if (docs === null || docs.length > 0) {
        const col = precision === 'f32' ? 'v.f32' : 'v.i8';
        const params: unknown[] = [kind, modelVersion];
        if (docs) params.push(docs);
        const docFilter = docs ? 'AND u.document_id = ANY($3::text[])' : '';
        let after = '0';
        for (;;) {
          const page = await client.query<{
            vid: string;
            uid: string;
            dim: number;
            blob: Buffer;
            scale: number;
            t: string;
            c: string | null;
            d: string;
          }>(
            `SELECT v.id AS vid, v.unit_id AS uid, v.dim, ${col} AS blob, v.i8_scale AS scale,
               u.tenant_id AS t, u.collection AS c, u.document_id AS d
             FROM rt_vectors v JOIN ${UNITS[kind]} u ON u.id = v.unit_id
             WHERE v.kind = $1 AND v.model_version = $2 ${docFilter} AND v.id > $${params.length + 1}
             ORDER BY v.id LIMIT ${VECTOR_PAGE}`,
            [...params, after],
          );
          for (const r of page.rows) {
            sink.add({
              unitId: Number(r.uid),
              tenantId: r.t,
              collection: r.c,
              documentId: r.d,
              dim: r.dim,
              bytes: r.blob,
              scale: r.scale,
            });
          }
          if (page.rows.length < VECTOR_PAGE) break;
          after = page.rows[page.rows.length - 1]!.vid;
        }
      }
      await client.query('COMMIT');
      return head;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
