/**
 * Load on loopback, bounded in time (a benchmark, not a test). Starts its own deployment (private
 * redis-server, the compiled API, N workers), then:
 *   1. uploads: 50 connections posting --uploads small, distinct text documents;
 *   2. reads: 200 connections on GET /v1/documents/:id (status) for --seconds;
 *   3. search: 200 connections on POST /v1/search for --seconds (when the route exists);
 *   4. back-pressure: the same 50-connection upload flood against a second API whose
 *      QUEUE_MAX_WAITING is small: uploads past it must get 429 + Retry-After, never pile up or 5xx;
 *   5. drain: every accepted document must end ready or failed (documents lost must be 0).
 * Reports per phase: requests, errors (non-2xx other than the expected 429s, socket errors, timeouts),
 * p50/p99 latency, throughput. One JSON object on stdout; progress on stderr.
 *
 * Usage: npm run build && npx tsx bench/load.ts [--seconds 10] [--uploads 300] [--workers 2] [--drain-seconds 300]
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, startStack, treeRssMb, type Stack } from './lib/stack';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    'drain-seconds': { type: 'string', default: '300' },
    'max-waiting': { type: 'string', default: '20' },
    uploads: { type: 'string', default: '300' },
  },
});
const SECONDS = Number(values.seconds);
const DRAIN_S = Number(values['drain-seconds']);
const log = (msg: string) => process.stderr.write(`load: ${msg}\n`);

interface Phase {
  name: string;
  connections: number;
  seconds: number;
  requests: number;
  throughputRps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  unexpected: number;
}

function run(name: string, opts: autocannon.Options, expected: Set<number>): Promise<Phase> {
  return new Promise((res, rej) => {
    const inst = autocannon({ timeout: 30, ...opts }, (err, r) => {
      if (err) return rej(err);
      const statuses: Record<string, number> = {};
      for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = (s as { count: number }).count;
      const unexpected = Object.entries(statuses)
        .filter(([c]) => !expected.has(Number(c)))
        .reduce((n, [, v]) => n + v, 0);
      const phase: Phase = {
        name,
        connections: opts.connections ?? 1,
        seconds: r.duration,
        requests: r.requests.total,
        throughputRps: Math.round((r.requests.total / r.duration) * 10) / 10,
        latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
        statuses,
        errors: r.errors,
        timeouts: r.timeouts,
        unexpected,
      };
      log(`${name}: ${JSON.stringify(phase)}`);
      res(phase);
    });
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

let seq = 0;
function uploadRequest(key: string, accepted: string[]): autocannon.Request {
  const boundary = 'LoadBoundary9f8e7d';
  return {
    method: 'POST',
    path: '/v1/documents',
    setupRequest: (req) => {
      const n = seq++;
      const text =
        `Load document ${n} ${process.pid} ${Date.now()}.\n\n` +
        `The liquid network reads document ${n} one token at a time. It keeps a small state.\n` +
        `Paragraph two of document ${n} talks about queues, workers and back-pressure.`;
      const body =
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="load-${n}.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`;
      return {
        ...req,
        headers: {
          ...req.headers,
          Authorization: `Bearer ${key}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
      };
    },
    onResponse: (status, body) => {
      if (status === 202) accepted.push((JSON.parse(body) as { id: string }).id);
    },
  };
}

/** autocannon hands headers over as an object keyed by the raw (case-kept) names, or a flat list. */
function header(headers: unknown, name: string): string | null {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return null;
  }
  const entry = Object.entries((headers as Record<string, unknown> | null) ?? {}).find(
    ([k]) => k.toLowerCase() === name,
  );
  return entry ? String(entry[1]) : null;
}

async function drain(stack: Stack, ids: string[]) {
  const deadline = Date.now() + DRAIN_S * 1000;
  const byStatus: Record<string, number> = {};
  let pending = [...ids];
  const rss: number[] = [];
  while (pending.length > 0 && Date.now() < deadline) {
    const next: string[] = [];
    for (const id of pending) {
      const r = await fetch(`${stack.url}/v1/documents/${id}`, { headers: { Authorization: `Bearer ${stack.key}` } });
      const d = (await r.json()) as { status: string; error?: { code: string } };
      if (d.status === 'ready' || d.status === 'failed') {
        const k = d.status === 'failed' ? `failed:${d.error?.code}` : 'ready';
        byStatus[k] = (byStatus[k] ?? 0) + 1;
      } else next.push(id);
    }
    pending = next;
    for (const w of stack.workers) rss.push(treeRssMb(w.proc.pid!));
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 1000));
  }
  return {
    accepted: ids.length,
    byStatus,
    unfinished: pending.length,
    workerPeakRssMb: Math.round(Math.max(0, ...rss)),
  };
}

async function main() {
  log(`starting redis, API and ${values.workers} worker(s) on loopback`);
  const stack = await startStack({
    workers: Number(values.workers),
    env: { RATE_LIMIT_MAX: '0', QUEUE_MAX_WAITING: '1000000' },
  });
  const phases: Phase[] = [];
  const accepted: string[] = [];
  try {
    const auth = { Authorization: `Bearer ${stack.key}` };
    phases.push(
      await run(
        'uploads (50 concurrent)',
        {
          url: stack.url,
          connections: 50,
          amount: Number(values.uploads),
          requests: [uploadRequest(stack.key, accepted)],
        },
        new Set([202]),
      ),
    );
    let i = 0;
    phases.push(
      await run(
        'status (200 concurrent)',
        {
          url: stack.url,
          connections: 200,
          duration: SECONDS,
          headers: auth,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({ ...req, path: `/v1/documents/${accepted[i++ % accepted.length]}` }),
            },
          ],
        },
        new Set([200]),
      ),
    );
    const openapi = (await (await fetch(`${stack.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    const hasSearch = '/v1/search' in openapi.paths;
    if (hasSearch) {
      const queries = ['liquid network', 'back-pressure queues', 'token at a time', 'small state', 'paragraph two'];
      let q = 0;
      phases.push(
        await run(
          'search (200 concurrent)',
          {
            url: stack.url,
            connections: 200,
            duration: SECONDS,
            requests: [
              {
                method: 'POST',
                path: '/v1/search',
                setupRequest: (req) => ({
                  ...req,
                  headers: { ...req.headers, ...auth, 'Content-Type': 'application/json' },
                  body: JSON.stringify({ query: queries[q++ % queries.length], k: 10 }),
                }),
              },
            ],
          },
          new Set([200]),
        ),
      );
    } else log('POST /v1/search not served by this build: status only');

    // Back-pressure: a second API on the same queue with a small QUEUE_MAX_WAITING. The queue is
    // already deep from phase 1 (one worker cannot keep up), so most uploads must get 429.
    const apiEnv = { ...stack.env, QUEUE_MAX_WAITING: values['max-waiting']! };
    const second = spawn(process.execPath, [resolve(__dirname, '..', 'dist/apps/api/src/main.js')], {
      env: { PATH: process.env.PATH ?? '', ...apiEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((res, rej) => {
      let buf = '';
      second.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /"port":(\d+)[^\n]*"msg":"api listening"/.exec(buf);
        if (m) res(Number(m[1]));
      });
      second.once('exit', (c) => rej(new Error(`back-pressure API exited ${c}`)));
    });
    const beforeCount = accepted.length;
    // Queue depth while the flood runs, from /metrics (jobs by state): shows the limit holds.
    let peakWaiting = 0;
    const sampler = setInterval(() => {
      void fetch(`${stack.url}/metrics`)
        .then((r) => r.text())
        .then((t) => {
          const m = /^elegans_jobs\{[^}]*state="waiting"[^}]*\} (\d+)/m.exec(t);
          if (m) peakWaiting = Math.max(peakWaiting, Number(m[1]));
        })
        .catch(() => undefined);
    }, 100);
    let retryAfter: string | null = null;
    const bpPhase = await run(
      'uploads past QUEUE_MAX_WAITING (50 concurrent)',
      {
        url: `http://127.0.0.1:${port}`,
        connections: 50,
        duration: Math.min(SECONDS, 5),
        requests: [
          {
            ...uploadRequest(stack.key, accepted),
            onResponse: (status, body, _ctx, headers) => {
              if (status === 202) accepted.push((JSON.parse(body) as { id: string }).id);
              if (status === 429) retryAfter ??= header(headers, 'retry-after');
            },
          },
        ],
      },
      new Set([202, 429]),
    );
    clearInterval(sampler);
    phases.push(bpPhase);
    second.kill('SIGTERM');
    const backPressure = {
      maxWaiting: Number(values['max-waiting']),
      refused429: bpPhase.statuses['429'] ?? 0,
      acceptedDuringFlood: accepted.length - beforeCount,
      // The check runs before the body is read, so up to `connections` uploads in flight can pass it together.
      peakWaiting,
      retryAfter,
    };
    log(`back-pressure: ${JSON.stringify(backPressure)}`);

    log(`draining ${accepted.length} accepted documents (at most ${DRAIN_S} s)`);
    const drained = await drain(stack, accepted);
    const lost = drained.unfinished; // accepted (202) but neither ready nor failed by the deadline
    const result = {
      bench: 'load',
      host: 'loopback',
      workers: Number(values.workers),
      secondsPerPhase: SECONDS,
      phases,
      searchMeasured: hasSearch,
      backPressure,
      drain: drained,
      documentsLost: lost,
      medianP99Ms: median(phases.map((p) => p.latencyMs.p99)),
      apiAlive: stack.api.proc.exitCode === null,
      workersAlive: stack.workers.every((w) => w.proc.exitCode === null),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
