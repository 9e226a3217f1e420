/**
 * Measurements behind `elegans bench model`: the liquid model's throughput and flat streaming memory,
 * against a same-size KV-cache transformer, the LTC at the same size and a MiniLM-shaped encoder.
 *
 * Throughputs are measured in the parent process, side by side in interleaved rounds (medians over
 * rounds, so a busy neighbour on the shared machine hits every model alike). Peak RSS figures come from
 * one child process per measurement (`--child`), so allocations of one size cannot inflate another.
 * The comparison models have random weights (only speed and memory are compared); they are exported by
 * training/export_bench_models.py into .cache/bench-models (needs Debian's python3-torch).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LiquidModel, SpanSum, defaultModelDir, loadManifest } from '@elegans/model';
import type { InferenceSession } from 'onnxruntime-node';

export interface BenchModelInfo {
  cfcVersion: string;
  cfcParams: number;
  decoder: {
    params: number;
    layers: number;
    d: number;
    heads: number;
    dh: number;
    ffn: number;
    kvBytesPerToken: number;
  };
  minilm: { params: number };
  ltc: { params: number; source: string };
}

export const BENCH_FILES = ['decoder-kv.onnx', 'minilm-shaped.onnx', 'ltc.onnx', 'info.json'];

export function repoRoot(): string {
  return resolve(defaultModelDir(), '..', '..');
}

export function benchCacheDir(): string {
  return process.env.ELEGANS_BENCH_MODELS ?? join(repoRoot(), '.cache', 'bench-models');
}

/** Exports the random-weight comparison models when missing or made for another CfC version. */
export function ensureBenchModels(python: string, log: (m: string) => void): BenchModelInfo {
  const dir = benchCacheDir();
  const manifest = loadManifest(defaultModelDir());
  const infoFile = join(dir, 'info.json');
  const fresh = (): boolean =>
    BENCH_FILES.every((f) => existsSync(join(dir, f))) &&
    (JSON.parse(readFileSync(infoFile, 'utf8')) as BenchModelInfo).cfcVersion === manifest.version;
  if (!fresh()) {
    log(`exporting comparison models into ${dir} (training/export_bench_models.py)`);
    const r = spawnSync(python, [join(repoRoot(), 'training', 'export_bench_models.py'), '--out', dir], {
      cwd: repoRoot(),
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0 || !fresh()) {
      throw new Error(
        `could not export the comparison models with ${python} (exit ${r.status}); the benchmark needs ` +
          `Debian's python3-torch (apt-get install python3-torch) or a filled ${dir}`,
      );
    }
  }
  return JSON.parse(readFileSync(infoFile, 'utf8')) as BenchModelInfo;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Deterministic token ids with sentence/paragraph structure in ts: the same work as real text. */
export function* syntheticTokens(
  total: number,
  vocab: number,
  chunk: number,
  seed = 1,
): Generator<{ tokens: Int32Array; ts: Float32Array }> {
  let s = seed >>> 0;
  for (let at = 0; at < total; at += chunk) {
    const n = Math.min(chunk, total - at);
    const tokens = new Int32Array(n);
    const ts = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      tokens[i] = 2 + (s % (vocab - 2));
      const p = at + i;
      ts[i] = p % 500 === 0 ? 4 : p % 20 === 0 ? 2 : 1;
    }
    yield { tokens, ts };
  }
}

/** Streams `lanes` × `perLane` tokens through the liquid model; returns tokens per second. */
export async function liquidTokensPerSec(
  model: LiquidModel,
  lanes: number,
  perLane: number,
  chunk: number,
): Promise<number> {
  const V = model.manifest.vocabSize;
  const inputs = Array.from({ length: lanes }, (_, i) => {
    const g = syntheticTokens(perLane, V, perLane, 100 + i).next().value!;
    return { tokens: g.tokens, ts: g.ts };
  });
  const sums = inputs.map(() => new SpanSum(model.featureDim));
  const t0 = process.hrtime.bigint();
  // Features are consumed (pooled) as a document embedding would, not just computed.
  await model.runLanes(inputs, (lane, _o, f, rows) => sums[lane]!.addRows(f, 0, rows), {
    chunkSize: chunk,
    maxBatch: lanes,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return (lanes * perLane) / s;
}

/** MiniLM-shaped encoder over B windows of T tokens (one call); returns tokens per second. */
export async function encoderTokensPerSec(session: InferenceSession, B: number, T: number): Promise<number> {
  const ort = await import('onnxruntime-node');
  const ids = new BigInt64Array(B * T);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt(1000 + ((i * 7919) % 29000));
  const mask = new BigInt64Array(B * T).fill(1n);
  const t0 = process.hrtime.bigint();
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, [B, T]),
    attention_mask: new ort.Tensor('int64', mask, [B, T]),
  });
  // Mean pooling, as sentence-transformers does for all-MiniLM-L6-v2.
  const h = out.last_hidden_state!.data as Float32Array;
  const D = h.length / (B * T);
  const pooled = new SpanSum(D);
  for (let b = 0; b < B; b++) pooled.addRows(h.subarray(b * T * D, (b + 1) * T * D), 0, T);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return (B * T) / s;
}

/**
 * Peak resident memory of this process, in MB: VmHWM of /proc/self/status. Not getrusage's maxRSS,
 * which on Linux carries over the parent's RSS at fork into the child (exec keeps the larger value),
 * so a child spawned by a parent holding several models would report at least the parent's size.
 */
export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS / 1024;
}

export interface ChildResult {
  kind: 'cfc' | 'kv';
  tokens: number;
  peakRssMb: number;
  /** RSS once the model is loaded, before any token: the fixed cost inside peakRssMb. */
  rssAfterLoadMb?: number;
  /** cfc: tokens/s of the whole stream; kv: median ms per decoded token at this context. */
  tokensPerSec?: number;
  msPerToken?: number;
}

/** Child: streams `tokens` tokens through ONE state (chunk by chunk, pooling features), reports peak RSS. */
export async function childCfcStream(tokens: number, chunk: number, threads: number): Promise<ChildResult> {
  const model = await LiquidModel.load({ intraOpNumThreads: threads, chunkSize: chunk });
  const sum = new SpanSum(model.featureDim);
  const rssAfterLoadMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = process.hrtime.bigint();
  let last = 0;
  const source = syntheticTokens(tokens, model.manifest.vocabSize, 4096);
  for await (const ch of model.stream(source, { chunkSize: chunk, reuseBuffers: true })) {
    sum.addRows(ch.features, 0, ch.tokens.length);
    last = ch.state.position;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (last !== tokens) throw new Error(`streamed ${last} tokens, expected ${tokens}`);
  return {
    kind: 'cfc',
    tokens,
    peakRssMb: peakRssMb(),
    rssAfterLoadMb,
    tokensPerSec: tokens / s,
  };
}

/**
 * Child: a decoder with a KV cache holding `context` tokens decodes `steps` more, one token per call,
 * feeding present_key/value back as past (what incremental generation or streaming encoding with a
 * transformer must keep). The cache is filled with random values instead of a prefill, which would
 * take minutes at 64k on 2 cores; its size, and so memory and per-token time, are the same.
 */
export async function childKvDecode(
  context: number,
  steps: number,
  threads: number,
  info: BenchModelInfo,
): Promise<ChildResult> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(join(benchCacheDir(), 'decoder-kv.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const { layers: L, heads, dh } = info.decoder;
  const rssAfterLoadMb = process.memoryUsage().rss / 2 ** 20;
  const fill = (n: number) => {
    const a = new Float32Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[i] = (s / 4294967296 - 0.5) * 0.2;
    }
    return a;
  };
  let pastK = new ort.Tensor('float32', fill(L * heads * context * dh), [L, 1, heads, context, dh]);
  let pastV = new ort.Tensor('float32', fill(L * heads * context * dh), [L, 1, heads, context, dh]);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const ids = new ort.Tensor('int64', BigInt64Array.of(BigInt(2 + ((i * 31) % 8000))), [1, 1]);
    const t0 = process.hrtime.bigint();
    const out = await session.run({ input_ids: ids, past_key: pastK, past_value: pastV });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    pastK = out.present_key as typeof pastK;
    pastV = out.present_value as typeof pastV;
  }
  // The first steps warm up ONNX Runtime's allocator; the median ignores them anyway.
  return {
    kind: 'kv',
    tokens: context,
    peakRssMb: peakRssMb(),
    rssAfterLoadMb,
    msPerToken: median(times.slice(2)),
  };
}
