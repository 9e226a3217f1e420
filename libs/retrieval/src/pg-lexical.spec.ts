import { porterStem } from '@elegans/analysis';
import { createPgDatabase, runMigrations, runPgMigrations } from '@elegans/storage';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toFtsQuery } from './fts-query';
import { analyze, PG_LEXICAL_MIGRATIONS, PgLexicalIndex } from './pg-lexical';
import { RETRIEVAL_MIGRATIONS } from './schema';
import { RetrievalStore } from './store';
import type { SearchFilter } from './types';

const postgresUrl = inject('postgresUrl');

const WORDS = (
  'flow flows flowing boundary layer layers pressure gradient heat transfer wing wings supersonic ' +
  'shock wave waves laminar turbulent viscous plate plates cylinder théorie naïve café mach number'
).split(' ');

/** Deterministic varied passages: different lengths and term frequencies, so BM25 has work to do. */
function passage(i: number): string {
  let seed = (i + 1) * 2654435761;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return seed >>> 8;
  };
  return Array.from({ length: 5 + (next() % 40) }, () => WORDS[next() % WORDS.length]).join(' ') + '.';
}

describe.skipIf(!postgresUrl)('BM25 in PostgreSQL SQL against SQLite FTS5 bm25()', () => {
  const lite = new Database(':memory:');
  const store = (() => {
    runMigrations(lite, [RETRIEVAL_MIGRATIONS]);
    return new RetrievalStore(lite);
  })();
  let pool: pg.Pool;
  let lex: PgLexicalIndex;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createPgDatabase(postgresUrl!, `lexical_${process.pid}`), max: 2 });
    await runPgMigrations(pool, [PG_LEXICAL_MIGRATIONS]);
    lex = new PgLexicalIndex(pool, porterStem);
    // Two tenants, two collections, 60 documents of one passage each, indexed in both stores.
    for (let i = 0; i < 60; i++) {
      const tenantId = i % 3 === 0 ? 'globex' : 'acme';
      const collection = i % 2 ? 'reports' : null;
      const text = passage(i);
      const documentId = `doc${i}`;
      const { passageIds } = store.indexDocument({
        tenantId,
        documentId,
        collection,
        passages: [
          { index: 0, start: 0, end: text.length, pageStart: 1, pageEnd: 1, text, sentenceStart: 0, sentenceEnd: 0 },
        ],
        sentences: [],
      });
      await lex.add('passage', [{ id: passageIds[0]!, tenantId, collection, documentId, text }]);
    }
  });

  afterAll(async () => {
    await pool?.end();
    lite.close();
  });

  it('folds case and diacritics and stems as FTS5 porter unicode61 does', () => {
    expect(analyze('Théorie of NAÏVE flows, Flowing at Mach 2', porterStem)).toEqual([
      'theori',
      'of',
      'naiv',
      'flow',
      'flow',
      'at',
      'mach',
      '2',
    ]);
  });

  it.each([
    ['flow', { tenantId: 'acme' }],
    ['turbulent boundary layer flows', { tenantId: 'acme' }],
    ['supersonic shock waves on wings', { tenantId: 'globex' }],
    ['heat transfer cylinder', { tenantId: 'acme', collection: 'reports' }],
    ['naive café theorie', { tenantId: 'acme', documentIds: ['doc1', 'doc2', 'doc4', 'doc5', 'doc7'] }],
  ] as [string, SearchFilter][])('ranks %j exactly as FTS5: same units, order and scores', async (q, filter) => {
    const want = store.lexical('passage', toFtsQuery(q)!, filter, 100);
    const got = await lex.lexical('passage', q, filter, 100);
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
    got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 9));
  });

  it('never returns another tenant’s units, and nothing for a query without words', async () => {
    const globex = new Set(store.lexical('passage', '"flow"', { tenantId: 'globex' }, 100).map((h) => h.id));
    const acme = await lex.lexical('passage', 'flow', { tenantId: 'acme' }, 100);
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.filter((h) => globex.has(h.id))).toEqual([]);
    expect(await lex.lexical('passage', '?! …', { tenantId: 'acme' }, 10)).toEqual([]);
  });
});
