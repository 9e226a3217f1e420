import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LiquidModel } from '@elegans/model';
import {
  benchCacheDir,
  childCfcStream,
  childKvDecode,
  encoderTokensPerSec,
  ensureBenchModels,
  liquidTokensPerSec,
  median,
  type BenchModelInfo,
  type ChildResult,
} from '../../../../bench/model';

export const summary = 'benchmark the liquid model: throughput, flat streaming memory, KV transformer, LTC, MiniLM';

const CFC_SIZES: Record<string, number> = { '1k': 1_000, '64k': 65_536, '100k': 100_000, '1M': 1_000_000 };
const KV_SIZES: Record<string, number> = { '1k': 1_024, '16k': 16_384, '64k': 65_536 };

/**
 * `elegans bench model [--json] [--repeats N] [--threads N] [--chunk T] [--python PATH]`
 * Prints { tokensPerSecB1, tokensPerSecB16, rssMb: {1k,100k,1M}, rssRatio1Mto1k, transformer: {rssMb, msPerToken},
 * memoryRatioAt64k, cfcOverLtcSpeed, overMiniLmSpeed } plus details. Needs python3-torch once, to export the
 * random-weight comparison models (training/export_bench_models.py) into .cache/bench-models.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      repeats: { type: 'string', default: '5' },
      threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
      chunk: { type: 'string', default: '64' },
      python: { type: 'string', default: '/usr/bin/python3' },
      child: { type: 'string' },
    },
    strict: true,
  });
  const repeats = Math.max(1, Number(values.repeats));
  const threads = Math.max(1, Number(values.threads));
  const chunk = Math.max(1, Number(values.chunk));
  const log = (m: string) => process.stderr.write(`[bench model] ${m}\n`);

  if (values.child) {
    // One isolated measurement; the parent reads its single JSON line.
    const spec = JSON.parse(values.child) as {
      kind: 'cfc' | 'kv';
      tokens: number;
      steps?: number;
      info?: BenchModelInfo;
    };
    const r =
      spec.kind === 'cfc'
        ? await childCfcStream(spec.tokens, chunk, threads)
        : await childKvDecode(spec.tokens, spec.steps ?? 12, threads, spec.info!);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }

  const info = ensureBenchModels(values.python, log);
  const child = (spec: object): ChildResult => {
    const args = [...process.execArgv, process.argv[1]!, 'bench', 'model', '--child', JSON.stringify(spec)];
    args.push('--threads', String(threads), '--chunk', String(chunk));
    const r = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0)
      throw new Error(`benchmark child ${JSON.stringify(spec).slice(0, 80)} failed (exit ${r.status})`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  };

  // --- throughput, side by side, interleaved rounds --------------------------------------------------
  const cfc = await LiquidModel.load({ intraOpNumThreads: threads, chunkSize: chunk });
  const ltc = await LiquidModel.load({
    intraOpNumThreads: threads,
    chunkSize: chunk,
    onnxPath: join(benchCacheDir(), 'ltc.onnx'),
  });
  const ort = await import('onnxruntime-node');
  const minilm = await ort.InferenceSession.create(join(benchCacheDir(), 'minilm-shaped.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const samples = { cfcB1: [] as number[], cfcB16: [] as number[], ltcB16: [] as number[], minilmB16: [] as number[] };
  // Warm-up (allocators, first-call graph setup) is not measured.
  await liquidTokensPerSec(cfc, 16, chunk, chunk);
  await liquidTokensPerSec(ltc, 16, chunk, chunk);
  await encoderTokensPerSec(minilm, 16, 256);
  for (let r = 0; r < repeats; r++) {
    samples.cfcB1.push(await liquidTokensPerSec(cfc, 1, 2048, chunk));
    samples.cfcB16.push(await liquidTokensPerSec(cfc, 16, 1024, chunk));
    samples.ltcB16.push(await liquidTokensPerSec(ltc, 16, 2 * chunk, chunk));
    samples.minilmB16.push(await encoderTokensPerSec(minilm, 16, 256));
    log(
      `round ${r + 1}/${repeats}: cfc B1 ${samples.cfcB1.at(-1)!.toFixed(0)} t/s, B16 ${samples.cfcB16.at(-1)!.toFixed(0)} t/s, ` +
        `ltc B16 ${samples.ltcB16.at(-1)!.toFixed(0)} t/s, minilm B16x256 ${samples.minilmB16.at(-1)!.toFixed(0)} t/s`,
    );
  }
  await Promise.all([cfc.release(), ltc.release(), minilm.release()]);
  const tokensPerSecB1 = median(samples.cfcB1);
  const tokensPerSecB16 = median(samples.cfcB16);
  const ltcB16 = median(samples.ltcB16);
  const minilmB16 = median(samples.minilmB16);

  // --- peak RSS, one child process per size ------------------------------------------------------------
  const rss: Record<string, number> = {};
  const streamTps: Record<string, number> = {};
  for (const [label, n] of Object.entries(CFC_SIZES)) {
    const r = child({ kind: 'cfc', tokens: n });
    rss[label] = r.peakRssMb;
    streamTps[label] = r.tokensPerSec!;
    log(`cfc stream ${label}: peak RSS ${r.peakRssMb.toFixed(1)} MB, ${r.tokensPerSec!.toFixed(0)} tokens/s`);
  }
  const kvRss: Record<string, number> = {};
  const kvMs: Record<string, number> = {};
  for (const [label, n] of Object.entries(KV_SIZES)) {
    const r = child({ kind: 'kv', tokens: n, steps: 12, info });
    kvRss[label] = r.peakRssMb;
    kvMs[label] = r.msPerToken!;
    log(`kv transformer ${label}: peak RSS ${r.peakRssMb.toFixed(1)} MB, ${r.msPerToken!.toFixed(2)} ms/token`);
  }

  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  const out = {
    tokensPerSecB1: round(tokensPerSecB1, 0),
    tokensPerSecB16: round(tokensPerSecB16, 0),
    rssMb: {
      '1k': round(rss['1k']!, 1),
      '100k': round(rss['100k']!, 1),
      '1M': round(rss['1M']!, 1),
      '64k': round(rss['64k']!, 1),
    },
    rssRatio1Mto1k: round(rss['1M']! / rss['1k']!, 3),
    transformer: {
      rssMb: { '1k': round(kvRss['1k']!, 1), '16k': round(kvRss['16k']!, 1), '64k': round(kvRss['64k']!, 1) },
      msPerToken: { '1k': round(kvMs['1k']!, 3), '16k': round(kvMs['16k']!, 3), '64k': round(kvMs['64k']!, 3) },
      params: info.decoder.params,
      kvBytesPerToken: info.decoder.kvBytesPerToken,
    },
    memoryRatioAt64k: round(kvRss['64k']! / rss['64k']!, 2),
    cfcOverLtcSpeed: round(tokensPerSecB16 / ltcB16, 2),
    overMiniLmSpeed: round(tokensPerSecB16 / minilmB16, 2),
    details: {
      modelVersion: cfc.version,
      cfcParams: info.cfcParams,
      cfcMsPerTokenB1: round(1000 / tokensPerSecB1, 4),
      ltcTokensPerSecB16: round(ltcB16, 0),
      ltcParams: info.ltc.params,
      ltcSource: info.ltc.source,
      miniLmTokensPerSecB16x256: round(minilmB16, 0),
      miniLmParams: info.minilm.params,
      streamTokensPerSec: Object.fromEntries(Object.entries(streamTps).map(([k, v]) => [k, round(v, 0)])),
      threads,
      chunk,
      repeats,
      samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x, 0))])),
      notes: [
        'throughputs: medians over interleaved rounds in one process; B16 = 16 lanes x 1024 tokens, T-chunk calls',
        'peak RSS: process maxRSS of one child process per size (node + ONNX Runtime + model included)',
        'transformer: random weights, same params/width/depth/vocab as the CfC; KV cache of N tokens filled at random, then 12 single-token decode steps',
        'MiniLM-shaped: 6x384, 12 heads, FFN 1536, random weights, 16 windows of 256 tokens per call, mean pooled',
      ],
    },
    targets: {
      tokensPerSecB16AtLeast30k: tokensPerSecB16 >= 30_000,
      rssRatioAtMost1_15: rss['1M']! / rss['1k']! <= 1.15,
      memoryRatioAt64kAtLeast5: kvRss['64k']! / rss['64k']! >= 5,
      overMiniLmAtLeast5: tokensPerSecB16 / minilmB16 >= 5,
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
