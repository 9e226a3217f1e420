import { inTransaction, type PgMigrationSet, type PgQueryable } from '@elegans/storage';
import type pg from 'pg';
import { queryTerms } from './fts-query';
import { scopeTokens } from './scope';
import type { ScoredId, SearchFilter, UnitKind } from './types';

/**
 * BM25 in PostgreSQL, scored in SQL from term statistics kept in tables (issue 16): the lexical half
 * of PgRetrievalRepository (which writes and deletes the statistics with the units, in the same
 * transaction). It reproduces FTS5's bm25() as RetrievalStore.lexical calls it:
 * - tokens: unicode61 remove_diacritics 2 (letters and digits, case and diacritics folded), then the
 *   stemmer FTS5's `porter` applies (injected, libs/analysis's porterStem: the 1980 algorithm);
 * - idf = ln((N − df + 0.5) / (df + 0.5)), floored at 1e-6, with N and df over every unit of the
 *   kind (FTS5 counts the whole table, not the tenant's rows);
 * - tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), k1 = 1.2, b = 0.75, where dl counts the row's text
 *   and scope tokens (FTS5's column sizes over all columns) and avgdl is their mean;
 * - one query phrase per distinct query word (queryTerms), so two words with one stem count twice.
 * Ties break by unit id, as `ORDER BY score DESC, rowid` does.
 */
export const PG_LEXICAL_MIGRATIONS: PgMigrationSet = {
  name: 'pg-lexical',
  migrations: [
    {
      version: 1,
      name: 'bm25-term-statistics',
      sql: `
CREATE TABLE rt_lex_units (
  kind TEXT NOT NULL CHECK (kind IN ('passage', 'sentence')),
  id BIGINT NOT NULL,
  tenant_id TEXT NOT NULL,
  collection TEXT,
  document_id TEXT NOT NULL,
  len INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX rt_lex_units_document ON rt_lex_units (document_id);
CREATE TABLE rt_lex_postings (
  kind TEXT NOT NULL,
  term TEXT NOT NULL,
  unit_id BIGINT NOT NULL,
  tf INTEGER NOT NULL,
  PRIMARY KEY (kind, term, unit_id)
);
CREATE TABLE rt_lex_totals (
  kind TEXT PRIMARY KEY,
  units BIGINT NOT NULL,
  tokens BIGINT NOT NULL
);
INSERT INTO rt_lex_totals (kind, units, tokens) VALUES ('passage', 0, 0), ('sentence', 0, 0);
`,
    },
    {
      // Deleting a document's units removes their postings by unit (PgRetrievalRepository).
      version: 2,
      name: 'postings-by-unit',
      sql: `CREATE INDEX rt_lex_postings_unit ON rt_lex_postings (kind, unit_id);`,
    },
  ],
};

export type Stemmer = (word: string) => string;

/** FTS5 unicode61 remove_diacritics 2, then the stemmer (FTS5 porter leaves tokens under 3 chars alone). */
export function analyze(text: string, stem: Stemmer): string[] {
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return (folded.match(/[\p{L}\p{N}]+/gu) ?? []).map((t) => (t.length < 3 || t.length > 64 ? t : stem(t)));
}

export interface LexicalUnit {
  id: number;
  tenantId: string;
  collection: string | null;
  documentId: string;
  text: string;
}

export class PgLexicalIndex {
  constructor(
    private readonly pool: pg.Pool,
    private readonly stem: Stemmer,
  ) {}

  /**
   * Adds units (ids chosen by the caller, unique per kind), postings via unnest: in one transaction
   * of its own, or inside the caller's when `client` (a connection in a transaction) is given.
   */
  async add(kind: UnitKind, units: LexicalUnit[], client?: PgQueryable): Promise<void> {
    const ids: number[] = [];
    const tenants: string[] = [];
    const collections: (string | null)[] = [];
    const documents: string[] = [];
    const lens: number[] = [];
    const pTerms: string[] = [];
    const pUnits: number[] = [];
    const pTf: number[] = [];
    let tokens = 0;
    for (const u of units) {
      const toks = analyze(u.text, this.stem);
      const tf = new Map<string, number>();
      for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
      // FTS5's dl counts the scope column's tokens too (tenant, document, collection).
      const len = toks.length + scopeTokens(u.tenantId, u.collection, u.documentId).split(' ').length;
      ids.push(u.id);
      tenants.push(u.tenantId);
      collections.push(u.collection);
      documents.push(u.documentId);
      lens.push(len);
      tokens += len;
      for (const [t, n] of tf) {
        pTerms.push(t);
        pUnits.push(u.id);
        pTf.push(n);
      }
    }
    if (units.length === 0) return;
    const write = async (c: PgQueryable) => {
      await c.query(
        `INSERT INTO rt_lex_units (kind, id, tenant_id, collection, document_id, len)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::int[])`,
        [kind, ids, tenants, collections, documents, lens],
      );
      await c.query(
        `INSERT INTO rt_lex_postings (kind, term, unit_id, tf)
         SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::int[])`,
        [kind, pTerms, pUnits, pTf],
      );
      await c.query('UPDATE rt_lex_totals SET units = units + $2, tokens = tokens + $3 WHERE kind = $1', [
        kind,
        units.length,
        tokens,
      ]);
    };
    if (client) await write(client);
    else await inTransaction(this.pool, write);
  }

  /** BM25 over one kind within the filter, best first (score > 0, as −bm25() in RetrievalStore). */
  async lexical(kind: UnitKind, query: string, filter: SearchFilter, limit: number): Promise<ScoredId[]> {
    if (!filter.tenantId) throw new Error('retrieval: tenantId is required');
    const terms = queryTerms(query).flatMap((w) => analyze(w, this.stem));
    if (terms.length === 0) return [];
    const params: unknown[] = [kind, terms, filter.tenantId, limit];
    let where = 'u.tenant_id = $3';
    if (filter.collection !== undefined && filter.collection !== null) {
      params.push(filter.collection);
      where += ` AND u.collection = $${params.length}`;
    }
    if (filter.documentIds) {
      params.push(filter.documentIds);
      where += ` AND u.document_id = ANY($${params.length}::text[])`;
    }
    const r = await this.pool.query<{ id: string; score: number }>(
      `WITH q AS (SELECT t AS term, count(*)::float8 AS qn FROM unnest($2::text[]) AS t GROUP BY t),
       tot AS (SELECT units::float8 AS n, tokens::float8 / GREATEST(units, 1) AS avgdl FROM rt_lex_totals WHERE kind = $1),
       idf AS (
         SELECT q.term, q.qn, GREATEST(ln((tot.n - d.df + 0.5) / (d.df + 0.5)), 1e-6) AS idf
         FROM q CROSS JOIN tot
         CROSS JOIN LATERAL (SELECT count(*)::float8 AS df FROM rt_lex_postings p WHERE p.kind = $1 AND p.term = q.term) d
       )
       SELECT p.unit_id AS id,
         sum(idf.qn * idf.idf * p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * u.len / tot.avgdl))) AS score
       FROM idf
       JOIN rt_lex_postings p ON p.kind = $1 AND p.term = idf.term
       JOIN rt_lex_units u ON u.kind = $1 AND u.id = p.unit_id
       CROSS JOIN tot
       WHERE ${where}
       GROUP BY p.unit_id
       ORDER BY score DESC, p.unit_id
       LIMIT $4`,
      params,
    );
    return r.rows.map((x) => ({ id: Number(x.id), score: x.score }));
  }
}
