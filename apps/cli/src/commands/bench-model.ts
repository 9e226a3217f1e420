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

export const USAGE =
  'usage: elegans bench model [--json] [--repeats N] [--threads N[,N]] [--chunk T] [--child-chunk T] [--python PATH]\n';

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
      threads: { type: 'string', default: [...new Set([1, Math.min(2, availableParallelism())])].join(',') },
      'child-chunk': { type: 'string', default: '256' },
      chunk: { type: 'string', default: '64' },
      python: { type: 'string', default: '/usr/bin/python3' },
      child: { type: 'string' },
    },
    strict: true,
  });
  const repeats = Math.max(1, Number(values.repeats));
  const threadList = values.threads.split(',').map((t) => Math.max(1, Number(t)));
  const threads = threadList[0]!;
  let modelVersion = '';
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
    // Every child (CfC and KV transformer alike) runs with V8's young generation capped at 1 MB: by
    // default V8 grows it with the allocation rate (up to ~32 MB of RSS), which would be measured as
    // "memory per token" although it is garbage-collector headroom, the same at 100k and at 1M tokens.
    const args = [
      ...process.execArgv,
      '--max-semi-space-size=1',
      process.argv[1]!,
      'bench',
      'model',
      '--child',
      JSON.stringify(spec),
    ];
    args.push('--threads', String(childThreads), '--chunk', values['child-chunk']);
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
  // Every model runs at each thread count in --threads; each keeps its best median (a small recurrent
  // graph can lose to thread hand-offs where large matmuls gain, so one fixed count would bias the ratios).
  const ort = await import('onnxruntime-node');
  type Runner = { name: Key; threads: number; measure: () => Promise<number>; release: () => Promise<void> };
  type Key = 'cfcB1' | 'cfcB16' | 'ltcB16' | 'minilmB16';
  const runners: Runner[] = [];
  for (const t of threadList) {
    const cfc = await LiquidModel.load({ intraOpNumThreads: t, chunkSize: chunk });
    const ltc = await LiquidModel.load({
      intraOpNumThreads: t,
      chunkSize: chunk,
      onnxPath: join(benchCacheDir(), 'ltc.onnx'),
    });
    const minilm = await ort.InferenceSession.create(join(benchCacheDir(), 'minilm-shaped.onnx'), {
      intraOpNumThreads: t,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    modelVersion = cfc.version;
    runners.push(
      {
        name: 'cfcB1',
        threads: t,
        measure: () => liquidTokensPerSec(cfc, 1, 2048, chunk),
        release: () => cfc.release(),
      },
      { name: 'cfcB16', threads: t, measure: () => liquidTokensPerSec(cfc, 16, 1024, chunk), release: async () => {} },
      {
        name: 'ltcB16',
        threads: t,
        measure: () => liquidTokensPerSec(ltc, 16, chunk, chunk),
        release: () => ltc.release(),
      },
      {
        name: 'minilmB16',
        threads: t,
        measure: () => encoderTokensPerSec(minilm, 16, 256),
        release: () => minilm.release(),
      },
    );
  }
  // Warm-up (allocators, first-call graph setup) is not measured.
  for (const r of runners) await r.measure();
  const samples = new Map<Runner, number[]>(runners.map((r) => [r, []]));
  for (let round = 0; round < repeats; round++) {
    for (const r of runners) samples.get(r)!.push(await r.measure());
    log(
      `round ${round + 1}/${repeats}: ${runners.map((r) => `${r.name}@${r.threads}t ${samples.get(r)!.at(-1)!.toFixed(0)}`).join(', ')} tokens/s`,
    );
  }
  for (const r of runners) await r.release();
  const best = (name: Key): { tps: number; threads: number; samples: number[] } => {
    const c = runners
      .filter((r) => r.name === name)
      .map((r) => ({ tps: median(samples.get(r)!), threads: r.threads, samples: samples.get(r)! }));
    return c.sort((a, b) => b.tps - a.tps)[0]!;
  };
  const b1 = best('cfcB1');
  const b16 = best('cfcB16');
  const ltcBest = best('ltcB16');
  const miniBest = best('minilmB16');
  const tokensPerSecB1 = b1.tps;
  const tokensPerSecB16 = b16.tps;
  const ltcB16 = ltcBest.tps;
  const minilmB16 = miniBest.tps;
  const childThreads = b1.threads;

  // --- peak RSS, one child process per size ------------------------------------------------------------
  const rss: Record<string, number> = {};
  const streamTps: Record<string, number> = {};
  const afterLoad: Record<string, number> = {};
  for (const [label, n] of Object.entries(CFC_SIZES)) {
    const r = child({ kind: 'cfc', tokens: n });
    rss[label] = r.peakRssMb;
    streamTps[label] = r.tokensPerSec!;
    afterLoad[`cfc ${label}`] = r.rssAfterLoadMb!;
    log(`cfc stream ${label}: peak RSS ${r.peakRssMb.toFixed(1)} MB, ${r.tokensPerSec!.toFixed(0)} tokens/s`);
  }
  const kvRss: Record<string, number> = {};
  const kvMs: Record<string, number> = {};
  for (const [label, n] of Object.entries(KV_SIZES)) {
    const r = child({ kind: 'kv', tokens: n, steps: 12, info });
    kvRss[label] = r.peakRssMb;
    kvMs[label] = r.msPerToken!;
    afterLoad[`kv ${label}`] = r.rssAfterLoadMb!;
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
    // Past the runtime's warm-up (allocator and ONNX Runtime buffers settle within the first ~30k tokens).
    rssRatio1Mto100k: round(rss['1M']! / rss['100k']!, 3),
    transformer: {
      rssMb: { '1k': round(kvRss['1k']!, 1), '16k': round(kvRss['16k']!, 1), '64k': round(kvRss['64k']!, 1) },
      msPerToken: { '1k': round(kvMs['1k']!, 3), '16k': round(kvMs['16k']!, 3), '64k': round(kvMs['64k']!, 3) },
      params: info.decoder.params,
      kvBytesPerToken: info.decoder.kvBytesPerToken,
      kvCacheMb: Object.fromEntries(
        Object.entries(KV_SIZES).map(([k, n]) => [k, round((n * info.decoder.kvBytesPerToken) / 2 ** 20, 1)]),
      ),
    },
    memoryRatioAt64k: round(kvRss['64k']! / rss['64k']!, 2),
    cfcOverLtcSpeed: round(tokensPerSecB16 / ltcB16, 2),
    overMiniLmSpeed: round(tokensPerSecB16 / minilmB16, 2),
    details: {
      modelVersion,
      cfcParams: info.cfcParams,
      cfcMsPerTokenB1: round(1000 / tokensPerSecB1, 4),
      ltcTokensPerSecB16: round(ltcB16, 0),
      ltcParams: info.ltc.params,
      ltcSource: info.ltc.source,
      miniLmTokensPerSecB16x256: round(minilmB16, 0),
      miniLmParams: info.minilm.params,
      rssAfterLoadMb: Object.fromEntries(Object.entries(afterLoad).map(([k, v]) => [k, round(v, 1)])),
      streamTokensPerSec: Object.fromEntries(Object.entries(streamTps).map(([k, v]) => [k, round(v, 0)])),
      threads: {
        cfcB1: b1.threads,
        cfcB16: b16.threads,
        ltcB16: ltcBest.threads,
        minilmB16: miniBest.threads,
        children: childThreads,
      },
      chunk,
      childChunk: Number(values['child-chunk']),
      repeats,
      samples: Object.fromEntries(
        runners.map((r) => [`${r.name}@${r.threads}t`, samples.get(r)!.map((x) => round(x, 0))]),
      ),
      notes: [
        'throughputs: medians over interleaved rounds in one process, best thread count per model; B16 = 16 lanes x 1024 tokens in chunk-token calls (LTC: 16 x chunk)',
        'peak RSS: VmHWM of one child process per size (node + ONNX Runtime + model included), children run with --max-semi-space-size=1 (V8 young generation fixed); features pooled as they stream, in reused output buffers',
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
