/**
 * Lexical ranking on both backends, side by side in one run, on a BEIR collection (Cranfield):
 * SQLite FTS5 bm25() through the service's Retriever (lexical mode), and BM25 scored in SQL from
 * term-statistics tables in a private PostgreSQL 15 (libs/retrieval/src/pg-lexical.ts). Prints
 * nDCG@10 / recall@100 of both, their difference, how often the top 10 agree, and per-query latency
 * medians, as one JSON object.
 *
 *   npx tsx bench/pg-lexical-cranfield.ts ../shared/data/retrieval/cranfield
 */
import { porterStem } from '@elegans/analysis';
import {
  buildBeirIndex,
  docText,
  evaluateRuns,
  loadBeir,
  PG_LEXICAL_MIGRATIONS,
  PgLexicalIndex,
  Retriever,
} from '@elegans/retrieval';
import { createPgDatabase, runPgMigrations } from '@elegans/storage';
import pg from 'pg';
import { startPrivatePostgres } from '../apps/server/src/postgres-server';

const dir = process.argv[2];
if (!dir) throw new Error('usage: bench/pg-lexical-cranfield.ts BEIR_DIR');
const TENANT = 'beir';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

async function main() {
  const col = await loadBeir(dir!);
  const texts = col.corpus.map(docText);

  // SQLite: exactly what `elegans eval retrieval` runs for bm25.
  const index = buildBeirIndex(col, texts, null, null);
  const retriever = new Retriever(index.repo, null);
  const liteRuns = new Map<string, string[]>();
  const liteMs: number[] = [];
  for (const [qid, q] of col.queries) {
    const t = performance.now();
    const ranked = await retriever.rank(q, 'lexical', 'passage', { tenantId: TENANT }, 100);
    liteMs.push(performance.now() - t);
    liteRuns.set(
      qid,
      ranked.map((h) => index.ids.get(h.id)!),
    );
  }
  index.close();

  const server = await startPrivatePostgres();
  const pool = new pg.Pool({ connectionString: await createPgDatabase(server.url, 'lexical'), max: 2 });
  try {
    await runPgMigrations(pool, [PG_LEXICAL_MIGRATIONS]);
    const lex = new PgLexicalIndex(pool, porterStem);
    const t0 = performance.now();
    await lex.add(
      'passage',
      col.corpus.map((d, i) => ({ id: i + 1, tenantId: TENANT, collection: null, documentId: d.id, text: texts[i]! })),
    );
    const indexMs = performance.now() - t0;
    const pgRuns = new Map<string, string[]>();
    const pgMs: number[] = [];
    for (const [qid, q] of col.queries) {
      const t = performance.now();
      const ranked = await lex.lexical('passage', q, { tenantId: TENANT }, 100);
      pgMs.push(performance.now() - t);
      pgRuns.set(
        qid,
        ranked.map((h) => col.corpus[h.id - 1]!.id),
      );
    }
    const lite = evaluateRuns(liteRuns, col.qrels);
    const post = evaluateRuns(pgRuns, col.qrels);
    let sameTop10 = 0;
    let overlap = 0;
    for (const [qid, a] of liteRuns) {
      const b = pgRuns.get(qid)!;
      if (a.slice(0, 10).join() === b.slice(0, 10).join()) sameTop10++;
      const sa = new Set(a.slice(0, 10));
      overlap += b.slice(0, 10).filter((x) => sa.has(x)).length / Math.max(1, Math.min(10, a.length));
    }
    process.stdout.write(
      `${JSON.stringify({
        dataset: col.name,
        documents: col.corpus.length,
        queries: col.queries.size,
        sqliteFts5: lite,
        postgresSql: post,
        ndcg10Difference: round(post.ndcg10 - lite.ndcg10),
        top10: { identical: sameTop10, meanOverlap: round(overlap / liteRuns.size, 3) },
        msPerQuery: { sqliteMedian: round(median(liteMs), 2), postgresMedian: round(median(pgMs), 2) },
        postgresIndexMs: Math.round(indexMs),
      })}\n`,
    );
  } finally {
    await pool.end();
    await server.stop();
  }
}

void main();
