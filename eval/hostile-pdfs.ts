/**
 * Hostile input through the running service: every PDF of a folder (e.g. ../shared/data/pdfs/pdfjs,
 * pdf.js's own regression corpus: broken xref tables, odd encodings, encrypted files, fuzzed
 * fonts) is uploaded over HTTP to a private deployment (redis-server, compiled API, N workers on
 * loopback). Checks: every document ends `ready` or `failed` with a stable code, no worker process
 * dies, the workers' memory stays bounded (RSS sampled every 250 ms, worker threads included).
 * One JSON object on stdout; progress on stderr.
 *
 * Usage: npm run build && npx tsx eval/hostile-pdfs.ts DIR [--workers 2] [--concurrency 4]
 *          [--max-rss-mb 1536] [--deadline-s 1800]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, startStack, treeRssMb } from '../bench/lib/stack';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
    'max-rss-mb': { type: 'string', default: '1536' },
    'deadline-s': { type: 'string', default: '1800' },
    'parse-timeout-ms': { type: 'string', default: '60000' },
  },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npx tsx eval/hostile-pdfs.ts DIR [--workers 2] [--concurrency 4]\n');
  process.exit(2);
}
const log = (m: string) => process.stderr.write(`hostile: ${m}\n`);
const CODE = /^[a-z_]+$/;

async function main() {
  const files = readdirSync(dir!, { recursive: true })
    .map(String)
    .filter((f) => f.toLowerCase().endsWith('.pdf') && statSync(join(dir!, f)).isFile())
    .sort();
  log(`${files.length} PDFs under ${dir}`);
  const stack = await startStack({
    workers: Number(values.workers),
    env: {
      RATE_LIMIT_MAX: '0',
      QUEUE_MAX_WAITING: '1000000',
      PARSE_TIMEOUT_MS: values['parse-timeout-ms']!,
      MAX_UPLOAD_MB: '100',
    },
  });
  const auth = { Authorization: `Bearer ${stack.key}` };
  const rss = new Map<number, number[]>();
  let died = 0;
  const sampler = setInterval(() => {
    for (const w of stack.workers) {
      if (w.proc.exitCode !== null || w.proc.signalCode !== null) continue;
      const list = rss.get(w.proc.pid!) ?? [];
      list.push(treeRssMb(w.proc.pid!));
      rss.set(w.proc.pid!, list);
    }
  }, 250);
  for (const w of stack.workers) {
    void w.exited.then((code) => {
      if (!stopping) {
        died++;
        log(`worker ${w.proc.pid} DIED (exit ${code}); last log:\n${w.log().slice(-1500)}`);
      }
    });
  }
  let stopping = false;
  const started = Date.now();
  const uploads: Record<string, number> = {};
  const refused: Array<{ file: string; status: number; code: string }> = [];
  const docs: Array<{ file: string; id: string }> = [];
  try {
    let next = 0;
    const uploader = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        const form = new FormData();
        form.set('file', new Blob([readFileSync(join(dir!, file))]), file.split('/').pop()!);
        const res = await fetch(`${stack.url}/v1/documents`, { method: 'POST', headers: auth, body: form });
        const body = (await res.json()) as { id?: string; code?: string };
        uploads[res.status] = (uploads[res.status] ?? 0) + 1;
        if (res.status === 202 || res.status === 200) docs.push({ file, id: body.id! });
        else refused.push({ file, status: res.status, code: body.code ?? '?' });
      }
    };
    await Promise.all(Array.from({ length: Number(values.concurrency) }, uploader));
    log(`uploaded in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(uploads)}`);

    const deadline = started + Number(values['deadline-s']) * 1000;
    const final = new Map<string, { status: string; code?: string }>();
    const ids = [...new Set(docs.map((d) => d.id))];
    while (final.size < ids.length && Date.now() < deadline) {
      for (const id of ids) {
        if (final.has(id)) continue;
        const r = await fetch(`${stack.url}/v1/documents/${id}`, { headers: auth });
        const d = (await r.json()) as { status: string; error?: { code: string } };
        if (d.status === 'ready') final.set(id, { status: 'ready' });
        else if (d.status === 'failed') final.set(id, { status: 'failed', code: d.error?.code ?? '' });
      }
      log(`${final.size}/${ids.length} final after ${Math.round((Date.now() - started) / 1000)} s`);
      if (final.size < ids.length) await new Promise((r) => setTimeout(r, 2000));
    }
    const byOutcome: Record<string, number> = {};
    for (const f of final.values()) {
      const k = f.status === 'ready' ? 'ready' : `failed:${f.code}`;
      byOutcome[k] = (byOutcome[k] ?? 0) + 1;
    }
    const failedWithoutCode = [...final.values()].filter(
      (f) => f.status === 'failed' && !CODE.test(f.code ?? ''),
    ).length;
    const unfinished = ids.filter((id) => !final.has(id));
    const peaks = [...rss.values()].map((xs) => Math.max(...xs));
    const all = [...rss.values()].flat();
    const maxRss = Number(values['max-rss-mb']);
    const result = {
      eval: 'hostile-pdfs',
      dir,
      files: files.length,
      uploads,
      refusedAtUpload: refused,
      documents: ids.length,
      byOutcome,
      failedWithoutCode,
      unfinished: unfinished.map((id) => docs.find((d) => d.id === id)!.file),
      workersDied: died,
      workerRssMb: {
        medianSample: Math.round(median(all)),
        peakPerWorker: peaks.map((p) => Math.round(p)),
        limit: maxRss,
        bounded: peaks.every((p) => p <= maxRss),
      },
      seconds: Math.round((Date.now() - started) / 1000),
      ok: died === 0 && unfinished.length === 0 && failedWithoutCode === 0 && peaks.every((p) => p <= maxRss),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    clearInterval(sampler);
    stopping = true;
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`hostile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
