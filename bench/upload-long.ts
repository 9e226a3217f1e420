/**
 * Upload to ready of one long document through the real deployment (private redis, the compiled API,
 * one worker; `npm run build` first). Each run uploads the file, polls the document until ready, records
 * the wall time, the per-stage timings from the document row, the tokens, and the worker's peak RSS
 * (VmHWM from /proc: the worker is a fresh process per run, so each peak is that run's own), then stops
 * the stack. Variants (worker settings) run side by side, interleaved round by round so a busy neighbour
 * hits each alike; prints medians per variant and their ratios to the first variant as one JSON object.
 *
 *   npx tsx bench/upload-long.ts FILE [--runs 3] [--variant NAME:KEY=VALUE,KEY=VALUE ...] [--env KEY=VALUE ...]
 *
 * e.g. `--variant exact:MODEL_LANES=1 --variant lanes16:MODEL_LANES=16` (the default pair). `--env` applies
 * to every variant. Build a long PDF with `eval/merge-pdfs.ts OUT.pdf DIR --times 3 --no-front-matter`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { median, startStack } from './lib/stack';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    env: { type: 'string', multiple: true, default: [] },
    variant: { type: 'string', multiple: true, default: ['exact:MODEL_LANES=1', 'lanes16:MODEL_LANES=16'] },
  },
});
const FILE = positionals[0];
if (!FILE) throw new Error('usage: bench/upload-long.ts FILE [--runs 3] [--variant NAME:K=V,K=V] [--env KEY=VALUE]');
const pairs = (kvs: string[]) =>
  Object.fromEntries(kvs.filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const env = pairs(values.env);
const variants = values.variant.map((v) => {
  const at = v.indexOf(':');
  return at < 0 ? { name: v, env: {} } : { name: v.slice(0, at), env: pairs(v.slice(at + 1).split(',')) };
});
const log = (m: string) => process.stderr.write(`upload-long: ${m}\n`);

function vmHwmMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Run {
  seconds: number;
  timings: Record<string, number>;
  pages: number;
  tokens: number | null;
  workerPeakRssMb: number;
}

async function once(variantEnv: Record<string, string>): Promise<Run> {
  const stack = await startStack({
    workers: 1,
    env: { MAX_UPLOAD_MB: '200', MAX_PAGES: '5000', ...env, ...variantEnv },
  });
  try {
    const auth = { Authorization: `Bearer ${stack.key}` };
    const form = new FormData();
    form.append('file', new Blob([readFileSync(FILE!)], { type: 'application/pdf' }), basename(FILE!));
    const t0 = performance.now();
    const up = await fetch(`${stack.url}/v1/documents`, { method: 'POST', headers: auth, body: form });
    if (up.status !== 202) throw new Error(`upload: ${up.status} ${await up.text()}`);
    const { id } = (await up.json()) as { id: string };
    let peak = 0;
    for (;;) {
      peak = Math.max(peak, vmHwmMb(stack.workers[0]!.proc.pid!));
      const d = (await (await fetch(`${stack.url}/v1/documents/${id}`, { headers: auth })).json()) as Record<
        string,
        unknown
      >;
      if (d.status === 'ready' || d.status === 'failed') {
        const seconds = (performance.now() - t0) / 1000;
        if (d.status === 'failed') throw new Error(`failed: ${JSON.stringify(d.error)}`);
        peak = Math.max(peak, vmHwmMb(stack.workers[0]!.proc.pid!));
        const counts = (d.counts ?? {}) as Record<string, number>;
        return {
          seconds,
          timings: d.timings as Record<string, number>,
          pages: Number(d.pages),
          tokens: (d.tokens as number | undefined) ?? counts.tokens ?? null,
          workerPeakRssMb: Math.round(peak),
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const runs: Record<string, Run[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < Number(values.runs); i++) {
    for (const v of variants) {
      const r = await once(v.env);
      log(`run ${i + 1} ${v.name}: ${JSON.stringify(r)}`);
      runs[v.name]!.push(r);
    }
  }
  const first = runs[variants[0]!.name]!;
  const stages = Object.keys(first[0]!.timings);
  const summary = (rs: Run[]) => ({
    uploadToReadyS: Number(median(rs.map((r) => r.seconds)).toFixed(2)),
    stageMs: Object.fromEntries(stages.map((s) => [s, median(rs.map((r) => r.timings[s] ?? NaN))])),
    workerPeakRssMb: median(rs.map((r) => r.workerPeakRssMb)),
  });
  const base = summary(first);
  const out = {
    file: basename(FILE!),
    env,
    runs: Number(values.runs),
    pages: first[0]!.pages,
    tokens: first[0]!.tokens,
    variants: variants.map((v) => {
      const s = summary(runs[v.name]!);
      return {
        name: v.name,
        env: v.env,
        ...s,
        readySpeedupOverFirst: Number((base.uploadToReadyS / s.uploadToReadyS).toFixed(2)),
        embeddingSpeedupOverFirst: Number(((base.stageMs.embedding ?? NaN) / (s.stageMs.embedding ?? NaN)).toFixed(2)),
        all: runs[v.name],
      };
    }),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
