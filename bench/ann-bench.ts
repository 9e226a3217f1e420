/**
 * Exact scan against the approximate index (USearch HNSW), side by side in one run, JSON on stdout
 * and a table on stderr:
 *   npx tsx bench/ann-bench.ts [--sizes 100000,1000000] [--queries 200] [--runs 3]
 *                              [--ef 16,32,64,128,256] [--quantization f16[,f32,i8]]
 *                              [--quantization-max-n 100000] [--k 10] [--connectivity 16] [--ties-max-n 100000]
 *                              [--expansion-add 64] [--threads N] [--filter-fraction 0.1]
 *                              [--data ../shared/data/retrieval/cranfield] [--embed 1000] [--model DIR]
 *                              [--sets synthetic,real]
 *
 * Vectors (dimension of the shipped model, L2-normalised, seeded):
 * - synthetic (always): two-level clusters, 200 topics × 50 subtopics around random unit
 *   centres, points scattered around their subtopic; queries are fresh points of the same
 *   distribution (not in the index). Uniform random vectors would make every neighbour equally
 *   far and recall meaningless.
 * - real-seeded (with --data, a BEIR folder): `--embed` real passages of the corpus embedded by
 *   the shipped model (models/liquid), then points that mix two real vectors plus noise, so the
 *   set has the real embeddings' geometry (their anisotropy, their similarity spread); queries
 *   are the folder's real queries embedded by the model. Embedding a whole 1M corpus on two shared
 *   cores would take hours (~20 passages/s), hence the mixing.
 *
 * For each size: exact scan (same loop as DenseIndex) top-k as ground truth and its latency; then
 * per quantization the index build (wall ms, threads, estimated bytes and the RSS it added) and
 * per ef the query latency (p50/p95 of per-query wall ms: median over `--runs` runs), recall@k
 * against the exact scan, and the exact/ANN p50 ratio. ANN timings include what the service does
 * around the graph walk: re-scoring candidates exactly from the float32 rows and sorting. A last
 * line per size runs a collection filter that `--filter-fraction` of the vectors pass through the
 * over-fetch + post-filter path (with the exact fallback counted).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@elegans/common';
import {
  type AnnQuantization,
  clusteredSet,
  exactTopK,
  gaussianSource,
  scatterAround,
  filteredSearch,
  recallVsExact,
  type ScoredId,
  UsearchIndex,
} from '@elegans/retrieval';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    queries: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    ef: { type: 'string', default: '16,32,64,128,256' },
    quantization: { type: 'string', default: 'f16' },
    'quantization-max-n': { type: 'string', default: '100000' },
    k: { type: 'string', default: '10' },
    connectivity: { type: 'string', default: '16' },
    'expansion-add': { type: 'string', default: '64' },
    threads: { type: 'string', default: String(cpus().length) },
    'filter-fraction': { type: 'string', default: '0.1' },
    /** Largest size for which the near-ties of the exact ranking are computed (one more exact scan per query). */
    'ties-max-n': { type: 'string', default: '100000' },
    data: { type: 'string' },
    /** Which sets: synthetic and/or real (real needs --data). */
    sets: { type: 'string', default: 'synthetic,real' },
    embed: { type: 'string', default: '1000' },
    model: { type: 'string' },
    dim: { type: 'string' },
    seed: { type: 'string', default: '1234' },
  },
});

const log = (s: string): void => void process.stderr.write(`[ann-bench] ${s}\n`);
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const mb = (b: number): number => round(b / 2 ** 20, 1);

/** Two-level clusters: 200 topics × 50 subtopics (libs/retrieval/src/ann/testing.ts, as the specs use). */
function synthetic(n: number, nq: number, dim: number, seed: number): VectorSet {
  const { matrix, queries } = clusteredSet(n, nq, dim, seed, 200, 50);
  return {
    name: 'synthetic-clustered',
    matrix,
    queries,
    note: '200 topics x 50 subtopics (subtopic = topic + noise of norm 0.8), points = subtopic + noise of norm 0.6, renormalised; queries: fresh points',
  };
}

interface VectorSet {
  name: string;
  matrix: Float32Array;
  queries: Float32Array[];
  note: string;
}

async function realSeeded(n: number, nq: number, dir: string, embedN: number, seed: number, modelDir?: string) {
  const { loadLiquidEmbedder } = await import('@elegans/retrieval');
  const model = await loadLiquidEmbedder(modelDir);
  const corpus = readFileSync(join(dir, 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { title?: string; text: string })
    .map((d) => (d.title && !d.text.startsWith(d.title) ? `${d.title}. ${d.text}` : d.text));
  const queryTexts = readFileSync(join(dir, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const texts = corpus.slice(0, embedN);
  let t = performance.now();
  const seeds: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 64) seeds.push(...(await model.embedTexts(texts.slice(i, i + 64))));
  const embedMs = performance.now() - t;
  log(
    `embedded ${seeds.length} passages in ${Math.round(embedMs)} ms (${round(seeds.length / (embedMs / 1000), 1)}/s)`,
  );
  t = performance.now();
  const queries = await model.embedQueries(queryTexts.slice(0, nq));
  await model.release();
  const dim = seeds[0]!.length;
  const r = mulberry32(seed + 1);
  const g = gaussianSource(r);
  const matrix = new Float32Array(n * dim);
  const mix = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    if (i < seeds.length) {
      matrix.set(seeds[i]!, i * dim);
      continue;
    }
    const a = seeds[Math.floor(r() * seeds.length)]!;
    const b = seeds[Math.floor(r() * seeds.length)]!;
    const w = r() * 0.5;
    for (let j = 0; j < dim; j++) mix[j] = (1 - w) * a[j]! + w * b[j]!;
    scatterAround(mix, 0.3, g, matrix, i * dim);
  }
  return {
    set: {
      name: 'real-seeded',
      matrix,
      queries,
      note: `${seeds.length} passages of ${dir} embedded by the shipped model (kept as they are), the rest normalise((1-w)·a + w·b + noise of norm 0.3) for random real a, b and w in [0, 0.5); queries: the folder's first ${queries.length} real queries embedded by the model`,
    } satisfies VectorSet,
    embedPerSecond: seeds.length / (embedMs / 1000),
    modelVersion: model.modelVersion,
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

const median = (xs: number[]): number => pct(xs, 0.5);

/** Median over runs of p50 and p95 of per-query wall ms; also the last run's results. */
function timeQueries(queries: Float32Array[], runs: number, f: (q: Float32Array) => ScoredId[] | null) {
  const p50s: number[] = [];
  const p95s: number[] = [];
  const cpus: number[] = [];
  let results: (ScoredId[] | null)[] = [];
  for (let run = 0; run < runs; run++) {
    const ms: number[] = [];
    results = [];
    const c0 = process.cpuUsage();
    for (const q of queries) {
      const t = performance.now();
      results.push(f(q));
      ms.push(performance.now() - t);
    }
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000 / queries.length);
    p50s.push(pct(ms, 0.5));
    p95s.push(pct(ms, 0.95));
  }
  // Mean CPU ms per query (the process's own; search is single-threaded), next to wall time on a shared machine.
  return { p50: round(median(p50s)), p95: round(median(p95s)), cpu: round(median(cpus)), results };
}

function rss(): number {
  return process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const sizes = values.sizes!.split(',').map(Number);
  const nq = Number(values.queries);
  const runs = Number(values.runs);
  const efs = values.ef!.split(',').map(Number);
  const quants = values.quantization!.split(',') as AnnQuantization[];
  const quantMaxN = Number(values['quantization-max-n']);
  const k = Number(values.k);
  const threads = Number(values.threads);
  const frac = Number(values['filter-fraction']);
  const seed = Number(values.seed);
  const dim = values.dim ? Number(values.dim) : manifestDim(values.model);
  const loadStart = round(loadavg()[0]!, 2);
  const out: Record<string, unknown> = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadStart },
    library: 'usearch 2.25.3 (HNSW, metric ip)',
    dim,
    k,
    queries: nq,
    runs,
    connectivity: Number(values.connectivity),
    expansionAdd: Number(values['expansion-add']),
    buildThreads: threads,
    sets: [] as unknown[],
  };
  const table: string[] = [
    '| set | n | method | build s | memory MB (est / RSS) | p50 / p95 ms | CPU ms/query | recall@10 | p50 ratio exact/ANN |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const maxN = Math.max(...sizes);
  const which = new Set(values.sets!.split(','));
  const sets: (() => Promise<{ set: VectorSet; extra?: Record<string, unknown> }>)[] = [];
  if (which.has('synthetic')) sets.push(async () => ({ set: synthetic(maxN, nq, dim, seed) }));
  if (values.data && which.has('real')) {
    const dataDir = values.data;
    sets.push(async () => {
      const r = await realSeeded(maxN, nq, dataDir, Number(values.embed), seed, values.model);
      return { set: r.set, extra: { embedPerSecond: round(r.embedPerSecond, 1), modelVersion: r.modelVersion } };
    });
  }
  for (const makeSet of sets) {
    let t = performance.now();
    const { set, extra } = await makeSet();
    log(
      `${set.name}: ${maxN} vectors + ${set.queries.length} queries generated in ${Math.round(performance.now() - t)} ms`,
    );
    const setOut: Record<string, unknown> = { name: set.name, note: set.note, ...extra, sizes: [] as unknown[] };
    (out.sets as unknown[]).push(setOut);
    for (const n of sizes) {
      const matrix = set.matrix.subarray(0, n * dim);
      const dotRow = (q: Float32Array, id: number): number => {
        const off = id * dim;
        let s = 0;
        for (let j = 0; j < dim; j++) s += q[j]! * matrix[off + j]!;
        return s;
      };
      const exact = timeQueries(set.queries, runs, (q) => exactTopK(matrix, dim, n, q, k));
      const truth = exact.results as ScoredId[][];
      const sizeOut: Record<string, unknown> = {
        n,
        exact: { bytes: n * dim * 4, p50: exact.p50, p95: exact.p95, cpu: exact.cpu },
        ann: [] as unknown[],
      };
      (setOut.sizes as unknown[]).push(sizeOut);
      if (n <= Number(values['ties-max-n'])) {
        // Near-ties in the exact ranking (medians over the queries): the k-th score against the first
        // and the next, and how many vectors lie within 0.01 of the k-th.
        const tops = set.queries.map((q) => exactTopK(matrix, dim, n, q, 100));
        const med = (xs: number[]): number => round(median(xs), 5);
        sizeOut.ties = {
          firstMinusKth: med(tops.map((t) => t[0]!.score - t[k - 1]!.score)),
          kthMinusNext: med(tops.map((t) => t[k - 1]!.score - t[k]!.score)),
          within001OfKth: med(tops.map((t) => t.filter((h) => h.score >= t[k - 1]!.score - 0.01).length)),
        };
        log(`${set.name} n=${n} ties: ${JSON.stringify(sizeOut.ties)}`);
      }
      table.push(
        `| ${set.name} | ${n} | exact scan (f32) | 0 | ${mb(n * dim * 4)} | ${exact.p50} / ${exact.p95} | ${exact.cpu} | 1 | 1 |`,
      );
      log(`${set.name} n=${n} exact: p50 ${exact.p50} ms, p95 ${exact.p95} ms`);
      for (const quant of quants) {
        if (quant !== quants[0] && n > quantMaxN) continue;
        const before = rss();
        const idx = new UsearchIndex(dim, {
          connectivity: Number(values.connectivity),
          expansionAdd: Number(values['expansion-add']),
          quantization: quant,
          buildThreads: threads,
        });
        const ids = Array.from({ length: n }, (_, i) => i);
        t = performance.now();
        const batch = 65536;
        for (let s = 0; s < n; s += batch) {
          idx.add(ids.slice(s, Math.min(n, s + batch)), matrix.subarray(s * dim, Math.min(n, s + batch) * dim));
        }
        const buildMs = performance.now() - t;
        const added = rss() - before;
        log(
          `${set.name} n=${n} ${quant}: built in ${Math.round(buildMs)} ms, est ${mb(idx.memoryBytes())} MB, RSS +${mb(added)} MB`,
        );
        const annOut: Record<string, unknown> = {
          quantization: quant,
          buildMs: Math.round(buildMs),
          buildPerSecond: Math.round(n / (buildMs / 1000)),
          estimatedBytes: idx.memoryBytes(),
          rssAddedBytes: added,
          ef: [] as unknown[],
        };
        (sizeOut.ann as unknown[]).push(annOut);
        for (const ef of efs) {
          const res = timeQueries(set.queries, runs, (q) =>
            filteredSearch(idx, q, k, { ef, rescore: (id) => dotRow(q, id), maxCandidates: 4096 }),
          );
          const recall =
            res.results.reduce((s, r, i) => s + recallVsExact(r ?? [], truth[i]!, k), 0) / set.queries.length;
          // How much lower the k-th hit is than the exact k-th (cosine): misses among near-ties cost ~0.
          const deficit =
            res.results.reduce((s, r, i) => s + (truth[i]![k - 1]!.score - (r?.[k - 1]?.score ?? 0)), 0) /
            set.queries.length;
          const ratio = round(exact.p50 / res.p50, 1);
          (annOut.ef as unknown[]).push({
            ef,
            p50: res.p50,
            p95: res.p95,
            cpu: res.cpu,
            recall: round(recall, 4),
            kthScoreDeficit: round(deficit, 5),
            ratio,
          });
          table.push(
            `| ${set.name} | ${n} | usearch ${quant} ef=${ef} | ${round(buildMs / 1000, 1)} | ${mb(idx.memoryBytes())} / ${mb(added)} | ${res.p50} / ${res.p95} | ${res.cpu} | ${round(recall, 4)} | ${ratio} |`,
          );
          log(
            `  ef=${ef}: p50 ${res.p50} ms, p95 ${res.p95} ms, recall@${k} ${round(recall, 4)}, k-th score -${round(deficit, 5)}, exact/ANN ${ratio}x`,
          );
        }
        // A collection filter passing `frac` of the rows: over-fetch + post-filter, exact fallback.
        if (quant === quants[0] && frac > 0 && frac < 1) {
          const step = Math.round(1 / frac);
          const allow = (id: number): boolean => id % step === 0;
          const allowed = Math.ceil(n / step);
          const ef = 64;
          const ex = timeQueries(set.queries, runs, (q) => exactTopK(matrix, dim, n, q, k, undefined, allow));
          let fallbacks = 0;
          const res = timeQueries(set.queries, runs, (q) => {
            const r = filteredSearch(idx, q, k, {
              ef,
              filter: allow,
              allowedCount: allowed,
              rescore: (id) => dotRow(q, id),
              maxCandidates: 4096,
            });
            if (r) return r;
            fallbacks++;
            return exactTopK(matrix, dim, n, q, k, undefined, allow);
          });
          const recall =
            res.results.reduce((s, r, i) => s + recallVsExact(r ?? [], (ex.results as ScoredId[][])[i]!, k), 0) /
            set.queries.length;
          const ratio = round(ex.p50 / res.p50, 1);
          annOut.filtered = {
            fraction: frac,
            ef,
            exactP50: ex.p50,
            exactP95: ex.p95,
            exactCpu: ex.cpu,
            p50: res.p50,
            cpu: res.cpu,
            p95: res.p95,
            recall: round(recall, 4),
            fallbackRate: round(fallbacks / (runs * set.queries.length), 3),
            ratio,
          };
          table.push(
            `| ${set.name} | ${n} | filter ${frac}: exact / usearch ${quant} ef=${ef} | | | ${ex.p50} / ${ex.p95} vs ${res.p50} / ${res.p95} | ${ex.cpu} vs ${res.cpu} | ${round(recall, 4)} | ${ratio} |`,
          );
          log(
            `  filter ${frac}: exact p50 ${ex.p50}, ANN p50 ${res.p50} ms, recall ${round(recall, 4)}, fallbacks ${fallbacks}`,
          );
        }
        idx.clear();
      }
    }
  }
  out.loadEnd = round(loadavg()[0]!, 2);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.stderr.write(table.join('\n') + '\n');
}

function manifestDim(modelDir?: string): number {
  const m = JSON.parse(readFileSync(join(modelDir ?? 'models/liquid', 'manifest.json'), 'utf8')) as {
    embedDim: number;
  };
  return m.embedDim;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
