/**
 * Retrieval on both backends, side by side in one run, on a BEIR collection (Cranfield), through the
 * service's code path: the same Retriever over a SqliteRetrievalRepository (FTS5 bm25(), exactly what
 * `elegans eval retrieval` runs) and over a PgRetrievalRepository in a private PostgreSQL 15 (BM25 in
 * SQL from term statistics, written by indexDocument as the worker writes). Lexical always; with
 * `--dense` the shipped model embeds every document once and dense and hybrid run on both too (the
 * PostgreSQL side's vectors go through rt_vectors and the change log into its in-memory index).
 * Prints nDCG@10 / Recall@100 / MRR@10 per backend and mode, the differences, how often the top 10
 * agree, and per-query latency medians, as one JSON object.
 *
 *   npx tsx bench/pg-lexical-cranfield.ts ../shared/data/retrieval/cranfield [--dense]
 */
import { porterStem } from '@elegans/analysis';
import {
  buildBeirIndex,
  docText,
  evaluateRuns,
  indexBeirInto,
  loadBeir,
  loadLiquidEmbedder,
  PgRetrievalRepository,
  RETRIEVAL_PG_SETS,
  Retriever,
  type BeirCollection,
  type LiquidEmbedder,
  type RankingMetrics,
  type SearchMode,
} from '@elegans/retrieval';
import { createPgDatabase, runPgMigrations } from '@elegans/storage';
import pg from 'pg';
import { startPrivatePostgres } from '../apps/server/src/postgres-server';

const dir = process.argv[2];
if (!dir) throw new Error('usage: bench/pg-lexical-cranfield.ts BEIR_DIR [--dense]');
const withDense = process.argv.includes('--dense');
const TENANT = 'beir';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

interface ModeRun {
  runs: Map<string, string[]>;
  ms: number[];
}

async function runMode(retriever: Retriever, ids: Map<number, string>, col: BeirCollection, mode: SearchMode) {
  const out: ModeRun = { runs: new Map(), ms: [] };
  for (const [qid, q] of col.queries) {
    const t = performance.now();
    const ranked = await retriever.rank(q, mode, 'passage', { tenantId: TENANT }, 100);
    out.ms.push(performance.now() - t);
    out.runs.set(
      qid,
      ranked.slice(0, 100).map((h) => ids.get(h.id)!),
    );
  }
  return out;
}

function agreement(a: Map<string, string[]>, b: Map<string, string[]>) {
  let same = 0;
  let overlap = 0;
  for (const [qid, x] of a) {
    const y = b.get(qid)!;
    if (x.slice(0, 10).join() === y.slice(0, 10).join()) same++;
    const sx = new Set(x.slice(0, 10));
    overlap += y.slice(0, 10).filter((d) => sx.has(d)).length / Math.max(1, Math.min(10, x.length));
  }
  return { identical: same, meanOverlap: round(overlap / a.size, 3) };
}

async function main() {
  const col = await loadBeir(dir!);
  const texts = col.corpus.map(docText);
  let embedder: LiquidEmbedder | null = null;
  let vectors: Float32Array[] | null = null;
  if (withDense) {
    embedder = await loadLiquidEmbedder();
    vectors = [];
    for (let i = 0; i < texts.length; i += 32) vectors.push(...(await embedder.embedTexts(texts.slice(i, i + 32))));
  }
  const modes: SearchMode[] = withDense ? ['lexical', 'dense', 'hybrid'] : ['lexical'];

  const lite = buildBeirIndex(col, texts, vectors, embedder?.modelVersion ?? null);
  const liteRetriever = new Retriever(lite.repo, embedder);
  const liteRuns: Partial<Record<SearchMode, ModeRun>> = {};
  for (const m of modes) liteRuns[m] = await runMode(liteRetriever, lite.ids, col, m);
  lite.close();

  const server = await startPrivatePostgres();
  const pool = new pg.Pool({ connectionString: await createPgDatabase(server.url, 'cranfield'), max: 4 });
  try {
    await runPgMigrations(pool, RETRIEVAL_PG_SETS);
    const repo = new PgRetrievalRepository(pool, { stem: porterStem });
    const t0 = performance.now();
    const ids = await indexBeirInto(repo, col, texts, vectors, embedder?.modelVersion ?? null);
    const indexMs = performance.now() - t0;
    const pgRetriever = new Retriever(repo, embedder);
    const pgRuns: Partial<Record<SearchMode, ModeRun>> = {};
    for (const m of modes) pgRuns[m] = await runMode(pgRetriever, ids, col, m);

    const result: Record<string, unknown> = {
      dataset: col.name,
      documents: col.corpus.length,
      queries: col.queries.size,
      modelVersion: embedder?.modelVersion ?? null,
      postgresIndexMs: Math.round(indexMs),
    };
    for (const m of modes) {
      const a: RankingMetrics = evaluateRuns(liteRuns[m]!.runs, col.qrels);
      const b: RankingMetrics = evaluateRuns(pgRuns[m]!.runs, col.qrels);
      result[m] = {
        sqlite: a,
        postgres: b,
        ndcg10Difference: round(b.ndcg10 - a.ndcg10),
        top10: agreement(liteRuns[m]!.runs, pgRuns[m]!.runs),
        msPerQuery: {
          sqliteMedian: round(median(liteRuns[m]!.ms), 2),
          postgresMedian: round(median(pgRuns[m]!.ms), 2),
        },
      };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await embedder?.release();
    await pool.end();
    await server.stop();
  }
}

void main();
