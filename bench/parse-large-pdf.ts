/**
 * Memory and speed on long PDFs: a generated document of 100 and of 1,000 pages (45 lines each),
 * each parsed in a fresh child process through parseInWorker. Page-by-page reading should keep
 * peak RSS nearly flat while the page count grows tenfold.
 *
 *   npx tsx bench/parse-large-pdf.ts [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeParseWorkers, countWords, parseInWorker } from '@elegans/ingest';
import { makePdf } from '@elegans/ingest/testing';

const SIZES = [100, 1000];

async function child(path: string): Promise<void> {
  const started = performance.now();
  const doc = await parseInWorker(path, { limits: { parseTimeoutMs: 600_000 } });
  const ms = performance.now() - started;
  await closeParseWorkers();
  const out = {
    pages: doc.pages.length,
    words: countWords(doc.text),
    passages: doc.passages.length,
    ms: Math.round(ms),
    pagesPerSec: Number(((doc.pages.length * 1000) / ms).toFixed(1)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--child');
  if (i >= 0) return child(process.argv[i + 1]!);
  const dir = mkdtempSync(join(tmpdir(), 'elegans-large-'));
  const results: Record<string, unknown>[] = [];
  for (const n of SIZES) {
    const pages = Array.from({ length: n }, (_, p) =>
      Array.from(
        { length: 45 },
        (_, l) => `Page ${p + 1} line ${l + 1}: liquid networks keep a constant state while reading.`,
      ),
    );
    const path = join(dir, `doc-${n}.pdf`);
    writeFileSync(path, await makePdf({ pages, header: 'Generated benchmark document', pageNumbers: true }));
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    results.push({ requestedPages: n, ...res });
    process.stderr.write(`${n} pages: ${JSON.stringify(res)}\n`);
  }
  const [small, large] = results as { peakRssMb: number }[];
  const summary = { results, rssRatio1000to100: Number((large!.peakRssMb / small!.peakRssMb).toFixed(2)) };
  process.stdout.write(`${JSON.stringify(summary, null, process.argv.includes('--json') ? 0 : 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
