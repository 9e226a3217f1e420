/**
 * Upload to ready of one long document through the real deployment (private redis, the compiled API,
 * one worker; `npm run build` first). Each run uploads the file, polls the document until ready, records
 * the wall time, the per-stage timings from the document row, the tokens, and the worker's peak RSS
 * (VmHWM from /proc: the worker is a fresh process per run, so each peak is that run's own), then stops
 * the stack. Prints medians over the runs as one JSON object.
 *
 *   npx tsx bench/upload-long.ts FILE [--runs 3] [--env KEY=VALUE ...]
 *
 * `--env` sets worker/API settings for the runs (e.g. MODEL_LANES=1 for the exact path, so both paths
 * can be measured side by side by two invocations on the same file).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { median, startStack } from './lib/stack';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, env: { type: 'string', multiple: true, default: [] } },
});
const FILE = positionals[0];
if (!FILE) throw new Error('usage: bench/upload-long.ts FILE [--runs 3] [--env KEY=VALUE]');
const env = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
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

async function once(): Promise<Run> {
  const stack = await startStack({ workers: 1, env: { MAX_UPLOAD_MB: '200', ...env } });
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
  const runs: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const r = await once();
    log(`run ${i + 1}: ${JSON.stringify(r)}`);
    runs.push(r);
  }
  const stages = Object.keys(runs[0]!.timings);
  const out = {
    file: basename(FILE!),
    env,
    runs: runs.length,
    pages: runs[0]!.pages,
    tokens: runs[0]!.tokens,
    uploadToReadyS: Number(median(runs.map((r) => r.seconds)).toFixed(2)),
    stageMs: Object.fromEntries(stages.map((s) => [s, median(runs.map((r) => r.timings[s] ?? NaN))])),
    workerPeakRssMb: median(runs.map((r) => r.workerPeakRssMb)),
    all: runs,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
