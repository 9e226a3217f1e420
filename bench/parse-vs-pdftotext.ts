/**
 * PDF text extraction speed: Elegans (pdf.js + layout + segmentation) against poppler's pdftotext.
 *
 *   npx tsx bench/parse-vs-pdftotext.ts /work/shared/data/pdfs/papers [--rounds 3] [--json]
 *
 * Both run on the same files in the same process run, interleaved per file and round so a busy
 * neighbour slows both alike. pdftotext is timed as a child process writing to /dev/null (its
 * normal use); ours is timed in-thread (parseDocument, the full pipeline including sentences and
 * passages) and through parseInWorker (what the worker and CLI use). Per file the median over
 * rounds is kept; pages/s = total pages / total median seconds. Ratio = pdftotext pages/s ÷ ours.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeParseWorkers, parseDocument, parseInWorker } from '@elegans/ingest';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: parse-vs-pdftotext.ts DIR_OF_PDFS [--rounds N] [--json]');
  if (spawnSync('pdftotext', ['-v']).error) throw new Error('pdftotext not found (apt-get install poppler-utils)');
  const rounds = Math.max(1, Number(values.rounds));
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort();

  // Warm up: load pdf.js in this thread and in a worker.
  const first = new Uint8Array(readFileSync(join(dir, files[0]!)));
  await parseDocument(first);
  await parseInWorker(first);

  const rows: { file: string; pages: number; pdftotextMs: number; oursMs: number; workerMs: number }[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const bytes = new Uint8Array(readFileSync(path));
    const t: { p: number[]; o: number[]; w: number[] } = { p: [], o: [], w: [] };
    let pages = 0;
    for (let r = 0; r < rounds; r++) {
      let s = performance.now();
      const res = spawnSync('pdftotext', ['-q', path, '/dev/null']);
      t.p.push(performance.now() - s);
      if (res.status !== 0) throw new Error(`pdftotext failed on ${file}`);
      s = performance.now();
      const doc = await parseDocument(bytes);
      t.o.push(performance.now() - s);
      pages = doc.pages.length;
      s = performance.now();
      await parseInWorker(path);
      t.w.push(performance.now() - s);
    }
    rows.push({ file, pages, pdftotextMs: median(t.p), oursMs: median(t.o), workerMs: median(t.w) });
    process.stderr.write(
      `${file}: ${pages} pages, pdftotext ${median(t.p).toFixed(0)} ms, ours ${median(t.o).toFixed(0)} ms, worker ${median(t.w).toFixed(0)} ms\n`,
    );
  }
  await closeParseWorkers();
  const pages = rows.reduce((n, r) => n + r.pages, 0);
  const pps = (key: 'pdftotextMs' | 'oursMs' | 'workerMs'): number =>
    pages / (rows.reduce((n, r) => n + r[key], 0) / 1000);
  const perFileRatio = median(rows.map((r) => r.oursMs / r.pdftotextMs));
  const summary = {
    files: rows.length,
    pages,
    rounds,
    pdftotextPagesPerSec: Number(pps('pdftotextMs').toFixed(1)),
    oursPagesPerSec: Number(pps('oursMs').toFixed(1)),
    oursWorkerPagesPerSec: Number(pps('workerMs').toFixed(1)),
    ratio: Number((pps('pdftotextMs') / pps('oursMs')).toFixed(2)),
    ratioWorker: Number((pps('pdftotextMs') / pps('workerMs')).toFixed(2)),
    medianPerFileRatio: Number(perFileRatio.toFixed(2)),
    target: 'ratio <= 3 (pdftotext at most 3x faster)',
  };
  if (values.json) process.stdout.write(`${JSON.stringify({ summary, files: rows })}\n`);
  else process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
