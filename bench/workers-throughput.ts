/**
 * Documents per minute with 1, 2 and 4 workers on one PostgreSQL (issue 16: scale-out by adding
 * workers). One private PostgreSQL 15 initdb'd here; for each worker count a fresh deployment (a
 * fresh database on that server, a private redis, the compiled API and N workers, each worker with
 * a DATA_DIR of its own as on separate machines; `npm run build` first). The same corpus is
 * uploaded at once (all documents queued before the clock matters), then the run waits until every
 * document is ready. docs/min = documents / (last ready − first upload). Worker counts run in the
 * order given, then in reverse order for --rounds 2 (a neighbour's load then hits each count alike);
 * the median per count is reported, with its ratio to 1 worker and the machine's CPU use during
 * the runs (/proc/stat: busy share of all cores, neighbours included) and the cores the workers
 * themselves got (their CPU seconds over the wall time). Their CPU seconds per document give the
 * ceiling on this machine (every core to the workers): cores × 60 / CPU seconds per document.
 *
 *   npx tsx bench/workers-throughput.ts [--docs 40] [--pages 24] [--workers 1,2,4] [--rounds 2]
 *     [--papers ../shared/data/pdfs/papers] [--env KEY=VALUE ...]
 *
 * The corpus: --docs generated PDFs of --pages pages (distinct text each, so content dedup never
 * applies), or with --papers every PDF of that folder instead. Each worker keeps its own
 * WORKER_CONCURRENCY (default 2): N workers run up to 2N documents at once. On a machine with few
 * cores the ceiling is the CPU (parsing with pdf.js and the ONNX model are CPU-bound): more
 * workers than cores only share the same cores.
 */
import { createPgDatabase } from '@elegans/storage';
import { cpus } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPrivatePostgres } from '../apps/server/src/postgres-server';
import { makePdf } from '../test/support/fixtures';
import { median, startStack, treeRssMb } from './lib/stack';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '40' },
    pages: { type: 'string', default: '24' },
    workers: { type: 'string', default: '1,2,4' },
    rounds: { type: 'string', default: '2' },
    papers: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const COUNTS = values.workers.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const ENV = Object.fromEntries(
  values.env.filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const WORKER_ENV = { WORKER_CONCURRENCY: '2', ...ENV };
const log = (m: string) => process.stderr.write(`workers-throughput: ${m}\n`);

interface Doc {
  name: string;
  bytes: Uint8Array;
}

async function corpus(): Promise<{ docs: Doc[]; source: string }> {
  if (values.papers) {
    const files = readdirSync(values.papers)
      .filter((f) => f.endsWith('.pdf'))
      .sort();
    return {
      docs: files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(values.papers!, f))) })),
      source: `${files.length} PDFs from ${values.papers}`,
    };
  }
  const n = Number(values.docs);
  const pages = Number(values.pages);
  const docs = await Promise.all(
    Array.from({ length: n }, async (_, i) => ({
      name: `gen-${i}.pdf`,
      bytes: await makePdf(pages, 12, `corpus${i}`),
    })),
  );
  return { docs, source: `${n} generated ${pages}-page PDFs (12 lines a page)` };
}

/** Busy and total jiffies of all cores, from /proc/stat. */
function cpuTimes(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return 0;
  }
}

/** The private server's postmaster (its command line names the port) and its backends. */
function postgresPids(port: number): number[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const stat = (pid: string) => {
    try {
      const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return {
        ppid: Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]),
        cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
      };
    } catch {
      return null;
    }
  };
  const master = all.find((pid) => {
    const s = stat(pid);
    return s !== null && s.cmd.includes('postgres') && s.cmd.includes(`-p\0${port}\0`);
  });
  if (!master) return [];
  return [Number(master), ...all.filter((pid) => stat(pid)?.ppid === Number(master)).map(Number)];
}

interface Run {
  workers: number;
  seconds: number;
  docsPerMin: number;
  cpuBusyPct: number;
  /** Cores the workers used on average (their CPU seconds / wall seconds): what they got of the machine. */
  workerCores: number;
  /** The workers' CPU seconds per document: the cost, whatever share of the machine they got. */
  workerCpuSecPerDoc: number;
  /** Cores PostgreSQL used (postmaster and backends alive at the end; a lower bound). */
  postgresCores: number;
  /** Cores the API used (uploads, status polls). */
  apiCores: number;
  /** Until the last upload was accepted (part of `seconds`). */
  uploadSeconds: number;
  workerPeakRssMb: number;
  perWorkerDocs: number[];
}

async function once(workers: number, docs: Doc[], adminUrl: string, tag: string): Promise<Run> {
  const pgPort = Number(new URL(adminUrl).port);
  const databaseUrl = await createPgDatabase(adminUrl, `bench_workers_${tag}`);
  const stack = await startStack({
    workers,
    ownDataDirs: true,
    env: { MAX_UPLOAD_MB: '200', ...WORKER_ENV, DATABASE_URL: databaseUrl },
  });
  try {
    const auth = { Authorization: `Bearer ${stack.key}` };
    const cpu0 = cpuTimes();
    const workerCpu0 = stack.workers.reduce((a, w) => a + cpuSeconds(w.proc.pid!), 0);
    const apiCpu0 = cpuSeconds(stack.api.proc.pid!);
    const pgCpu0 = new Map(postgresPids(pgPort).map((pid) => [pid, cpuSeconds(pid)]));
    const t0 = performance.now();
    // Upload everything, a few at a time (the API streams and hashes each file; it is not the subject).
    const ids: string[] = [];
    for (let i = 0; i < docs.length; i += 4) {
      const batch = await Promise.all(
        docs.slice(i, i + 4).map(async (d) => {
          const form = new FormData();
          form.append('file', new Blob([d.bytes], { type: 'application/pdf' }), d.name);
          const r = await fetch(`${stack.url}/v1/documents`, { method: 'POST', headers: auth, body: form });
          if (r.status !== 202) throw new Error(`upload ${d.name}: ${r.status} ${await r.text()}`);
          return ((await r.json()) as { id: string }).id;
        }),
      );
      ids.push(...batch);
    }
    const uploadSeconds = (performance.now() - t0) / 1000;
    let pending = new Set(ids);
    let peak = 0;
    const deadline = Date.now() + 30 * 60_000;
    while (pending.size > 0) {
      if (Date.now() > deadline) throw new Error(`${pending.size} documents not ready after 30 min`);
      const next = new Set<string>();
      for (const id of pending) {
        const d = (await (await fetch(`${stack.url}/v1/documents/${id}`, { headers: auth })).json()) as {
          status: string;
          error?: unknown;
        };
        if (d.status === 'failed') throw new Error(`document ${id} failed: ${JSON.stringify(d.error)}`);
        if (d.status !== 'ready') next.add(id);
      }
      pending = next;
      for (const w of stack.workers) peak = Math.max(peak, treeRssMb(w.proc.pid!));
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuTimes();
    const workerCpu = stack.workers.reduce((a, w) => a + cpuSeconds(w.proc.pid!), 0) - workerCpu0;
    const apiCpu = cpuSeconds(stack.api.proc.pid!) - apiCpu0;
    const pgCpu = postgresPids(pgPort).reduce((a, pid) => a + cpuSeconds(pid) - (pgCpu0.get(pid) ?? 0), 0);
    const perWorkerDocs = stack.workers.map((w) => (w.log().match(/"msg":"document ready"/g) ?? []).length);
    return {
      workers,
      seconds: Math.round(seconds * 10) / 10,
      docsPerMin: Math.round((docs.length / seconds) * 60 * 10) / 10,
      cpuBusyPct: Math.round((100 * (cpu1.busy - cpu0.busy)) / (cpu1.total - cpu0.total)),
      workerCores: Math.round((workerCpu / seconds) * 100) / 100,
      workerCpuSecPerDoc: Math.round((workerCpu / docs.length) * 100) / 100,
      apiCores: Math.round((apiCpu / seconds) * 100) / 100,
      postgresCores: Math.round((pgCpu / seconds) * 100) / 100,
      uploadSeconds: Math.round(uploadSeconds * 10) / 10,
      workerPeakRssMb: Math.round(peak),
      perWorkerDocs,
    };
  } finally {
    await stack.stop();
  }
}

async function main() {
  const { docs, source } = await corpus();
  const env = WORKER_ENV;
  log(`corpus: ${source}; workers ${COUNTS.join(', ')}; ${ROUNDS} round(s); ${cpus().length} cores`);
  const server = await startPrivatePostgres();
  const runs: Run[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const n of r % 2 === 0 ? COUNTS : [...COUNTS].reverse()) {
        const run = await once(n, docs, server.url, `${r}_${n}`);
        log(`round ${r + 1}, ${n} worker(s): ${JSON.stringify(run)}`);
        runs.push(run);
      }
    }
  } finally {
    await server.stop();
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const byCount = COUNTS.map((n) => {
    const rs = runs.filter((x) => x.workers === n);
    return {
      workers: n,
      docsPerMin: r2(median(rs.map((x) => x.docsPerMin))),
      seconds: r2(median(rs.map((x) => x.seconds))),
      cpuBusyPct: r2(median(rs.map((x) => x.cpuBusyPct))),
      workerCores: r2(median(rs.map((x) => x.workerCores))),
      workerCpuSecPerDoc: r2(median(rs.map((x) => x.workerCpuSecPerDoc))),
      /** docs/min if the workers had every core of this machine to themselves. */
      ceilingDocsPerMin: Math.round((cpus().length * 60) / median(rs.map((x) => x.workerCpuSecPerDoc))),
      workerPeakRssMb: Math.max(...rs.map((x) => x.workerPeakRssMb)),
      runs: rs.map((x) => ({ docsPerMin: x.docsPerMin, perWorkerDocs: x.perWorkerDocs })),
    };
  });
  const base = byCount[0]!.docsPerMin;
  const out = {
    corpus: source,
    documents: docs.length,
    rounds: ROUNDS,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null },
    workerEnv: env,
    results: byCount.map((b) => ({ ...b, ratioTo1: Math.round((b.docsPerMin / base) * 100) / 100 })),
    limit:
      `${cpus().length} cores for every process here (PostgreSQL, redis, the API, the workers): parsing (pdf.js) and ` +
      `the ONNX model are CPU-bound, and one worker with WORKER_CONCURRENCY=${env.WORKER_CONCURRENCY} already runs ` +
      `that many documents at once, so workers beyond the core count only share the same cores; ` +
      `on separate machines each worker brings its own cores (compare workerCores with the cores: ` +
      `workers that get well under them while cpuBusyPct is low wait on something other than CPU)`,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
