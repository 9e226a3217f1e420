/**
 * SQLite against PostgreSQL through the whole service, side by side in one run (issue 16): two
 * deployments on loopback (each a private redis, the compiled API and one worker; `npm run build`
 * first), one on the embedded SQLite file, one with DATABASE_URL on a private PostgreSQL 15 initdb'd
 * here. Both get the same documents and the same queries, alternating which backend goes first
 * (document by document, query by query), so a busy neighbour on a shared machine hits both alike.
 *
 *   1. upload to ready: after one unmeasured warm-up document each (the worker loads its model),
 *      each document is uploaded to one deployment and followed over its SSE stream to `ready`,
 *      then to the other (one document in flight at a time);
 *   2. queries: POST /v1/search (hybrid, k 10) and POST /v1/ask, --rounds times over every query,
 *      after --warmup unmeasured queries per deployment (the API loads its model on the first one).
 *
 * Prints p50/p95 per backend and the PostgreSQL/SQLite ratios of each, plus how often both backends
 * returned the same top result / the same answer (they index the same text: they should agree), as
 * one JSON object on stdout; progress on stderr.
 *
 *   npx tsx bench/backends.ts [--squad ../shared/data/qa/squad2/dev-part-a.json]
 *     [--papers ../shared/data/pdfs/papers] [--queries 40] [--rounds 3] [--warmup 3] [--pg-fsync on|off]
 *
 * --squad: its articles become text documents and its answerable questions the queries; --papers:
 * every PDF in that folder is uploaded too. With neither, 12 generated 10-page PDFs and queries cut
 * from their lines. PostgreSQL runs with fsync on and synchronous_commit off by default: crash-safe,
 * the last commits lost on power loss, as SQLite's WAL with synchronous=NORMAL (what the service
 * uses); `--pg-fsync off` gives the tests' throwaway server. Before retrieval moves to PostgreSQL,
 * the PostgreSQL deployment's retrieval index is the SQLite file in its DATA_DIR (one machine here).
 */
import { createPgDatabase } from '@elegans/storage';
import { makePdf } from '@elegans/ingest/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPrivatePostgres } from '../apps/server/src/postgres-server';
import { median, startStack, type Stack } from './lib/stack';

const { values } = parseArgs({
  options: {
    squad: { type: 'string' },
    papers: { type: 'string' },
    queries: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    'pg-fsync': { type: 'string', default: 'on' },
  },
});
const QUERIES = Number(values.queries);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const log = (m: string) => process.stderr.write(`backends: ${m}\n`);

interface Doc {
  name: string;
  bytes: Uint8Array;
  type: string;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

const WORDS = 'harbor lantern orchard meadow copper violet canyon glacier falcon willow river mountain'.split(' ');

async function corpus(): Promise<{ docs: Doc[]; queries: string[]; source: string }> {
  const docs: Doc[] = [];
  const queries: string[] = [];
  const sources: string[] = [];
  if (values.squad) {
    const squad = JSON.parse(readFileSync(values.squad, 'utf8')) as {
      data: { title: string; paragraphs: { context: string; qas: { question: string; is_impossible: boolean }[] }[] }[];
    };
    const questions: string[] = [];
    for (const a of squad.data) {
      const text = `${a.title.replace(/_/g, ' ')}\n\n${a.paragraphs.map((p) => p.context).join('\n\n')}\n`;
      docs.push({ name: `${a.title}.txt`, bytes: new TextEncoder().encode(text), type: 'text/plain' });
      for (const p of a.paragraphs) for (const q of p.qas) if (!q.is_impossible) questions.push(q.question);
    }
    // Evenly spread over the articles, the same ones every run.
    const step = questions.length / QUERIES;
    for (let i = 0; i < QUERIES; i++) queries.push(questions[Math.floor(i * step)]!);
    sources.push(`${basename(values.squad)} (${squad.data.length} articles, ${questions.length} answerable questions)`);
  }
  if (values.papers) {
    const pdfs = readdirSync(values.papers)
      .filter((f) => f.endsWith('.pdf'))
      .sort();
    for (const f of pdfs)
      docs.push({ name: f, bytes: new Uint8Array(readFileSync(join(values.papers, f))), type: 'application/pdf' });
    sources.push(`${pdfs.length} PDFs from ${values.papers}`);
  }
  if (docs.length === 0) {
    for (let i = 0; i < 12; i++) {
      const page = (p: number) => ({
        heading: `Log ${i} part ${p + 1}`,
        lines: Array.from(
          { length: 12 },
          (_, l) =>
            `Station ${i}-${p}-${l} logged the ${WORDS[(i + l) % 12]} and the ${WORDS[(p * 5 + l) % 12]} at dawn.`,
        ),
      });
      const pdf = await makePdf({ pages: Array.from({ length: 10 }, (_, p) => page(p)) });
      docs.push({ name: `generated-${i}.pdf`, bytes: pdf, type: 'application/pdf' });
    }
    for (let q = 0; q < QUERIES; q++) queries.push(`What did station ${q % 12}-${q % 10}-${q % 12} log at dawn?`);
    sources.push('12 generated 10-page PDFs');
  }
  return { docs, queries, source: sources.join(' + ') };
}

interface Backend {
  name: 'sqlite' | 'postgres';
  stack: Stack;
  readyMs: number[];
  searchMs: number[];
  askMs: number[];
  tops: Map<string, string>;
  answers: Map<string, string | null>;
}

async function uploadToReady(b: Backend, doc: Doc): Promise<number> {
  const auth = { Authorization: `Bearer ${b.stack.key}` };
  const form = new FormData();
  form.append('file', new Blob([doc.bytes], { type: doc.type }), doc.name);
  const t0 = performance.now();
  const up = await fetch(`${b.stack.url}/v1/documents`, { method: 'POST', headers: auth, body: form });
  if (up.status !== 202) throw new Error(`${b.name} upload ${doc.name}: ${up.status} ${await up.text()}`);
  const { id } = (await up.json()) as { id: string };
  // The SSE stream closes at a final state: no polling load on the machine while it works.
  const events = await (await fetch(`${b.stack.url}/v1/documents/${id}/events`, { headers: auth })).text();
  const ms = performance.now() - t0;
  const status = (await (await fetch(`${b.stack.url}/v1/documents/${id}`, { headers: auth })).json()) as {
    status: string;
    error?: unknown;
  };
  if (status.status !== 'ready')
    throw new Error(`${b.name} ${doc.name}: ${status.status} ${JSON.stringify(status.error)} ${events.slice(-300)}`);
  return ms;
}

async function post(b: Backend, path: string, body: unknown): Promise<{ ms: number; json: Record<string, unknown> }> {
  const t0 = performance.now();
  const res = await fetch(`${b.stack.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${b.stack.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${b.name} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return { ms, json };
}

async function query(b: Backend, q: string, measure: boolean): Promise<void> {
  const s = await post(b, '/v1/search', { query: q, k: 10 });
  const a = await post(b, '/v1/ask', { question: q });
  if (!measure) return;
  b.searchMs.push(s.ms);
  b.askMs.push(a.ms);
  const top = (s.json.results as { documentId: string; index: number; text: string }[])[0];
  b.tops.set(q, top ? top.text : '');
  b.answers.set(q, a.json.answer as string | null);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({ p50: round1(median(xs)), p95: round1(p95(xs)), n: xs.length });

async function main() {
  const { docs, queries, source } = await corpus();
  log(`corpus: ${source}; ${queries.length} queries × ${ROUNDS} rounds`);
  const pgSettings: Record<string, string> =
    values['pg-fsync'] === 'off' ? {} : { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off' };
  const server = await startPrivatePostgres(pgSettings);
  const backends: Backend[] = [];
  try {
    const databaseUrl = await createPgDatabase(server.url, 'bench_backends');
    const common = { MAX_UPLOAD_MB: '200', SSE_POLL_MS: '50' };
    const fresh = (name: Backend['name'], stack: Stack): Backend => ({
      name,
      stack,
      readyMs: [],
      searchMs: [],
      askMs: [],
      tops: new Map(),
      answers: new Map(),
    });
    backends.push(fresh('sqlite', await startStack({ workers: 1, env: common })));
    backends.push(fresh('postgres', await startStack({ workers: 1, env: { ...common, DATABASE_URL: databaseUrl } })));
    const order = (i: number) => (i % 2 === 0 ? backends : [...backends].reverse());

    // One unmeasured document each first: the worker loads its model on its first job.
    const warm = await makePdf({ pages: [{ heading: 'Warm-up', lines: ['A first document loads the model.'] }] });
    for (const b of backends) await uploadToReady(b, { name: 'warmup.pdf', bytes: warm, type: 'application/pdf' });
    for (const [i, doc] of docs.entries()) {
      for (const b of order(i)) b.readyMs.push(await uploadToReady(b, doc));
      log(
        `ready ${i + 1}/${docs.length} ${doc.name}: ${backends.map((b) => `${b.name} ${Math.round(b.readyMs.at(-1)!)} ms`).join(', ')}`,
      );
    }
    for (const b of backends) for (const q of queries.slice(0, WARMUP)) await query(b, q, false);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, q] of queries.entries()) for (const b of order(r + i)) await query(b, q, true);
      log(`query round ${r + 1}/${ROUNDS} done`);
    }

    const [s, p] = backends as [Backend, Backend];
    const agree = (m: (b: Backend) => Map<string, unknown>) =>
      round1((100 * queries.filter((q) => m(s).get(q) === m(p).get(q)).length) / queries.length);
    const out: Record<string, unknown> = {
      corpus: source,
      documents: docs.length,
      queries: queries.length,
      rounds: ROUNDS,
      machine: { cpus: (await import('node:os')).cpus().length },
      pgServer: { settings: pgSettings },
    };
    for (const b of backends)
      out[b.name] = {
        uploadToReadyMs: stats(b.readyMs),
        searchMs: stats(b.searchMs),
        askMs: stats(b.askMs),
        answered: b.answers.size ? [...b.answers.values()].filter((a) => a !== null).length : 0,
      };
    const ratio = (f: (b: Backend) => number[], pick: (xs: number[]) => number) =>
      Math.round((pick(f(p)) / pick(f(s))) * 100) / 100;
    out.ratioPgOverSqlite = {
      uploadToReady: { p50: ratio((b) => b.readyMs, median), p95: ratio((b) => b.readyMs, p95) },
      search: { p50: ratio((b) => b.searchMs, median), p95: ratio((b) => b.searchMs, p95) },
      ask: { p50: ratio((b) => b.askMs, median), p95: ratio((b) => b.askMs, p95) },
    };
    // Same document / same query and round on both: the median of those pairs' ratios is the
    // least sensitive to a neighbour's load (both halves of a pair ran back to back).
    const paired = (f: (b: Backend) => number[]) => Math.round(median(f(p).map((x, i) => x / f(s)[i]!)) * 100) / 100;
    out.pairedRatioMedian = {
      uploadToReady: paired((b) => b.readyMs),
      search: paired((b) => b.searchMs),
      ask: paired((b) => b.askMs),
    };
    out.agreementPct = { searchTop: agree((b) => b.tops), askAnswer: agree((b) => b.answers) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await Promise.all(backends.map((b) => b.stack.stop()));
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
