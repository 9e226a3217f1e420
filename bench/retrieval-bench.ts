/**
 * Retrieval benchmark, one run, JSON on stdout:
 *   npx tsx bench/retrieval-bench.ts [--corpus DIR]… [--sizes 10000,100000] [--queries 200]
 *                                     [--embed-sample 400] [--model DIR]
 *
 * 1. Builds a passage corpus (~100 words each) from documentation text on this machine
 *    (default: the training corpora unpacked under training/.cache/root/usr/share/doc).
 * 2. Measures the real embedding rate of the liquid model on `--embed-sample` passages. The
 *    other passages get perturbed copies of those real vectors (v = normalise(v_src + noise)),
 *    because embedding 100k passages on 2 shared cores takes longer than a benchmark run; the
 *    extrapolated full embedding time is printed next to it. Dense scan latency does not depend
 *    on the vector values, only on their count and dimension.
 * 3. For each size: builds a fresh on-disk SQLite (WAL) index, timing the build (passages/s,
 *    store + FTS5 + vectors, without embedding), then times `Retriever.search` per mode over
 *    generated queries (3–6 consecutive words of random passages, so lexical matches exist),
 *    end to end: query embedding, ranking, fusion, row fetch and snippets.
 * 4. Vector backends side by side on the same vectors and queries: exact scan in JS over a
 *    Float32Array, over an Int8Array (per-vector scale), and sqlite-vec's vec0 (exact, cosine).
 *    Reports p50/p95, the ratio to the JS float32 scan, and the int8 top-10 overlap with float32.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as sqliteVec from 'sqlite-vec';
import { mulberry32 } from '@elegans/common';
import { runMigrations } from '@elegans/storage';
import {
  DenseIndex,
  normalize,
  RETRIEVAL_MIGRATIONS,
  RetrievalStore,
  SqliteRetrievalRepository,
  Retriever,
  type QueryEmbedder,
  type SearchMode,
} from '@elegans/retrieval';
import { buildCorpus, type BenchPassage } from './retrieval-corpus';
import { loadBenchEmbedder, type BenchEmbedder } from './retrieval-embedder';

const log = (m: string) => process.stderr.write(`[retrieval-bench] ${m}\n`);

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return Math.round(s[i]! * 100) / 100;
}

function stats(xs: number[]) {
  return {
    p50: pct(xs, 50),
    p95: pct(xs, 95),
    mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100,
  };
}

function makeQueries(corpus: BenchPassage[], n: number, r: () => number): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const words = corpus[Math.floor(r() * corpus.length)]!.text.split(/\s+/).filter((w) => /^[\p{L}]{3,}$/u.test(w));
    if (words.length < 8) continue;
    const len = 3 + Math.floor(r() * 4);
    const at = Math.floor(r() * (words.length - len));
    out.push(words.slice(at, at + len).join(' '));
  }
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', multiple: true },
      sizes: { type: 'string', default: '10000,100000' },
      queries: { type: 'string', default: '200' },
      'embed-sample': { type: 'string', default: '400' },
      model: { type: 'string' },
      json: { type: 'boolean', default: true },
    },
  });
  const sizes = values
    .sizes!.split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const maxN = sizes[sizes.length - 1]!;
  const nQueries = Number(values.queries);
  const sample = Number(values['embed-sample']);
  const dirs = values.corpus ?? ['training/.cache/root/usr/share/doc'];
  const r = mulberry32(1234); // seeded: every run uses the same queries and noise
  // Shared machine: the load average is printed with the figures so they can be read in context.
  const loadStart = Math.round(loadavg()[0]! * 100) / 100;

  let t = performance.now();
  const corpus = buildCorpus(dirs, maxN);
  log(`corpus: ${corpus.length} passages from ${dirs.join(', ')} in ${Math.round(performance.now() - t)} ms`);
  if (corpus.length < maxN) throw new Error(`corpus has only ${corpus.length} passages, need ${maxN}`);

  const embedder: BenchEmbedder = await loadBenchEmbedder(values.model);
  log(`model: ${embedder.modelVersion} (${embedder.real ? 'real ONNX model' : 'NO MODEL: random vectors'})`);

  // Real embedding rate on a sample, then perturbed copies for the rest.
  t = performance.now();
  const sampleVecs = await embedder.embedPassages(corpus.slice(0, sample).map((p) => p.text));
  const embedMs = performance.now() - t;
  const dim = sampleVecs[0]!.length;
  const embedRate = sample / (embedMs / 1000);
  log(`embedded ${sample} passages in ${Math.round(embedMs)} ms (${embedRate.toFixed(1)} passages/s), dim ${dim}`);
  const noise = 0.5 / Math.sqrt(dim);
  const vectors: Float32Array[] = corpus.map((_, i) => {
    if (i < sample) return sampleVecs[i]!;
    const v = Float32Array.from(sampleVecs[i % sample]!);
    for (let j = 0; j < dim; j++) v[j]! += noise * gauss(r);
    return normalize(v);
  });

  const queries = makeQueries(corpus, nQueries, r);
  const tmp = mkdtempSync(join(tmpdir(), 'elegans-rbench-'));
  const results: Record<string, unknown> = {};
  try {
    for (const n of sizes) {
      log(`size ${n}: building`);
      const db = new Database(join(tmp, `idx-${n}.sqlite`));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      runMigrations(db, [RETRIEVAL_MIGRATIONS]);
      const store = new RetrievalStore(db);
      t = performance.now();
      // One indexDocument per source document (its passages together), as the worker does.
      let i = 0;
      while (i < n) {
        const doc = corpus[i]!.doc;
        let j = i;
        while (j < n && corpus[j]!.doc === doc) j++;
        let off = 0;
        store.indexDocument({
          tenantId: 'bench',
          documentId: `d${doc}`,
          passages: corpus.slice(i, j).map((p, k) => {
            const start = off;
            off += p.text.length + 1;
            return {
              index: k,
              start,
              end: start + p.text.length,
              pageStart: 1,
              pageEnd: 1,
              text: p.text,
              sentenceStart: 0,
              sentenceEnd: 0,
            };
          }),
          sentences: [],
          vectors: { modelVersion: embedder.modelVersion, passages: vectors.slice(i, j) },
        });
        i = j;
      }
      const buildMs = performance.now() - t;
      // A second tenant's data must not slow the first one's queries much; add a small one.
      store.indexDocument({
        tenantId: 'other',
        documentId: 'other-1',
        passages: [
          { index: 0, start: 0, end: 5, pageStart: 1, pageEnd: 1, text: queries[0]!, sentenceStart: 0, sentenceEnd: 0 },
        ],
        sentences: [],
        vectors: { modelVersion: embedder.modelVersion, passages: [vectors[0]!] },
      });
      const repo = new SqliteRetrievalRepository(store);
      const retriever = new Retriever(repo, embedder as QueryEmbedder);
      t = performance.now();
      await retriever.denseIndex('passage');
      const loadMs = performance.now() - t;

      const modes: Record<string, unknown> = {};
      for (const mode of ['lexical', 'dense', 'hybrid'] as SearchMode[]) {
        for (const q of queries.slice(0, 10)) await retriever.search({ tenantId: 'bench', query: q, mode, k: 10 });
        const lat: number[] = [];
        const cpu: number[] = [];
        for (const q of queries) {
          const s = performance.now();
          const c = process.cpuUsage();
          await retriever.search({ tenantId: 'bench', query: q, mode, k: 10 });
          lat.push(performance.now() - s);
          const d = process.cpuUsage(c);
          cpu.push((d.user + d.system) / 1000);
        }
        // Wall time suffers from other processes on a shared machine; the process's CPU time
        // (all its threads, ONNX Runtime's included) is what one query costs when it runs alone.
        modes[mode] = { ...stats(lat), cpuMs: stats(cpu) };
        log(`size ${n} ${mode}: ${JSON.stringify(modes[mode])}`);
      }
      // Query embedding alone, to separate model time from index time.
      const embLat: number[] = [];
      for (const q of queries) {
        const s = performance.now();
        await embedder.embedQuery(q);
        embLat.push(performance.now() - s);
      }

      // Vector backends over the same vectors and query vectors.
      const qv = await Promise.all(queries.map((q) => embedder.embedQuery(q)));
      const backends: Record<string, unknown> = {};
      const top: Record<string, number[][]> = {};
      for (const precision of ['f32', 'i8'] as const) {
        const idx = new DenseIndex(repo, 'passage', embedder.modelVersion, precision);
        await idx.refresh();
        const lat: number[] = [];
        top[precision] = [];
        for (const q of qv) {
          const s = performance.now();
          const hits = idx.search(q, { tenantId: 'bench' }, 100);
          lat.push(performance.now() - s);
          top[precision]!.push(hits.slice(0, 10).map((h) => h.id));
        }
        backends[`js-${precision}`] = stats(lat);
      }
      sqliteVec.load(db);
      db.exec(
        `CREATE VIRTUAL TABLE bench_vec USING vec0(tenant_id text partition key, embedding float[${dim}] distance_metric=cosine)`,
      );
      const ins = db.prepare('INSERT INTO bench_vec (rowid, tenant_id, embedding) VALUES (?, ?, ?)');
      const rows = db
        .prepare("SELECT v.unit_id AS id, v.tenant_id AS t, v.f32 AS f FROM rt_vectors v WHERE v.kind = 'passage'")
        .all() as { id: number; t: string; f: Buffer }[];
      t = performance.now();
      db.transaction(() => rows.forEach((row) => ins.run(BigInt(row.id), row.t, row.f)))();
      const vecBuildMs = performance.now() - t;
      const knn = db.prepare(
        'SELECT rowid AS id, distance FROM bench_vec WHERE embedding MATCH ? AND k = 100 AND tenant_id = ?',
      );
      const vlat: number[] = [];
      for (const q of qv) {
        const s = performance.now();
        knn.all(Buffer.from(q.buffer, q.byteOffset, q.byteLength), 'bench');
        vlat.push(performance.now() - s);
      }
      backends['sqlite-vec'] = { ...stats(vlat), insertPerSec: Math.round(rows.length / (vecBuildMs / 1000)) };
      const base = (backends['js-f32'] as { p50: number }).p50;
      for (const k of Object.keys(backends)) {
        const b = backends[k] as { p50: number; ratioToJsF32?: number };
        b.ratioToJsF32 = Math.round((b.p50 / base) * 100) / 100;
      }
      let overlap = 0;
      top.f32!.forEach((a, qi) => {
        const b = new Set(top.i8![qi]);
        overlap += a.filter((x) => b.has(x)).length / Math.max(1, a.length);
      });
      backends.int8Top10OverlapWithF32 = Math.round((overlap / qv.length) * 1000) / 1000;
      log(`size ${n} backends: ${JSON.stringify(backends)}`);
      db.close();
      results[String(n)] = {
        passages: n,
        buildMs: Math.round(buildMs),
        indexBuildPassagesPerSec: Math.round(n / (buildMs / 1000)),
        denseLoadMs: Math.round(loadMs),
        queryMs: modes,
        queryEmbeddingMs: stats(embLat),
        vectorBackends: backends,
      };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const out = {
    machine: {
      cpus: cpus().length,
      loadAvg1mAtStart: loadStart,
      loadAvg1mAtEnd: Math.round(loadavg()[0]! * 100) / 100,
    },
    corpus: { dirs, passages: corpus.length, wordsPerPassage: 100 },
    model: embedder.modelVersion,
    realModel: embedder.real,
    dim,
    queries: queries.length,
    embedding: {
      samplePassages: sample,
      passagesPerSec: Math.round(embedRate * 10) / 10,
      extrapolatedSecondsFor: Object.fromEntries(sizes.map((n) => [String(n), Math.round(n / embedRate)])),
      remainder: `passages beyond the first ${sample} carry perturbed copies of the sample's real vectors (noise σ=${noise.toFixed(4)} per dimension, renormalised)`,
    },
    sizes: results,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
