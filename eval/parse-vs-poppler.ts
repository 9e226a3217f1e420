/**
 * Our PDF word counts against poppler's on the pdf.js test corpus.
 *
 *   npx tsx eval/parse-vs-poppler.ts /work/shared/data/pdfs [--min-words 50] [--json]
 *
 * DATA is the folder holding `pdfjs/` and `pdfjs-scan.tsv` (pdftotext word counts, pdfinfo's exit
 * status). Files that poppler opens (pdfinfo_rc 0) with at least --min-words words are parsed with
 * parseInWorker (default limits); the figure is the median of ours/poppler's word count, where both
 * count whitespace-separated tokens. Files we fail on count as ratio 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeParseWorkers, parseFileReport } from '@elegans/ingest';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'min-words': { type: 'string', default: '50' }, json: { type: 'boolean', default: false } },
  });
  const arg = positionals[0];
  if (!arg) throw new Error('usage: parse-vs-poppler.ts DATA_DIR (the folder with pdfjs/ and pdfjs-scan.tsv)');
  const root = existsSync(join(arg, 'pdfjs-scan.tsv')) ? arg : join(arg, 'pdfs');
  const minWords = Number(values['min-words']);
  const rows = readFileSync(join(root, 'pdfjs-scan.tsv'), 'utf8').trim().split('\n');
  const header = rows.shift()!.split('\t');
  const col = (name: string): number => header.indexOf(name);
  const files = rows
    .map((r) => r.split('\t'))
    .filter((c) => c[col('pdfinfo_rc')] === '0' && Number(c[col('text_words')]) >= minWords)
    .map((c) => ({ file: c[col('file')]!, poppler: Number(c[col('text_words')]) }));

  const results: { file: string; poppler: number; ours: number; ratio: number; status: string }[] = [];
  for (const f of files) {
    const r = await parseFileReport(join(root, 'pdfjs', f.file));
    results.push({ file: f.file, poppler: f.poppler, ours: r.words, ratio: r.words / f.poppler, status: r.status });
    process.stderr.write(`${r.status} ${r.words}/${f.poppler} ${f.file}\n`);
  }
  await closeParseWorkers();
  const ratios = results.map((r) => r.ratio).sort((a, b) => a - b);
  const median = ratios.length ? ratios[Math.floor((ratios.length - 1) / 2)]! : 0;
  const within = (lo: number, hi: number): number => ratios.filter((x) => x >= lo && x <= hi).length;
  const summary = {
    files: results.length,
    medianRatio: Number(median.toFixed(4)),
    meanRatio: Number((ratios.reduce((a, b) => a + b, 0) / Math.max(1, ratios.length)).toFixed(4)),
    within5pct: within(0.95, 1.05),
    below90pct: ratios.filter((x) => x < 0.9).length,
    above110pct: ratios.filter((x) => x > 1.1).length,
    target: 0.95,
    pass: median >= 0.95,
  };
  if (values.json) process.stdout.write(`${JSON.stringify({ summary, files: results })}\n`);
  else {
    for (const r of [...results].sort((a, b) => a.ratio - b.ratio)) {
      process.stdout.write(
        `${r.ratio.toFixed(3)}  ${String(r.ours).padStart(7)} / ${String(r.poppler).padEnd(7)} ${r.status.padEnd(14)} ${r.file}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
