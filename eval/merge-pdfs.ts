/**
 * Builds a book-length PDF from public PDFs (issue 14's book case): a licence page and a contents page
 * with dot leaders, as a Creative Commons book opens, then every input PDF's pages in order, each paper a
 * "chapter". With `--no-front-matter` it is a plain page-by-page merge (bench/upload-long.ts's long
 * input; qpdf is not installed here). The output goes where you say (never into the repo); the inputs
 * are only read. Files pdf-lib cannot load (corrupt) are skipped and named on stderr.
 *
 *   npx tsx eval/merge-pdfs.ts OUT.pdf ../shared/data/pdfs/papers [more files or folders] [--times 1] [--no-front-matter]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { times: { type: 'string', default: '1' }, 'no-front-matter': { type: 'boolean', default: false } },
});
const [out, ...inputs] = positionals;
if (!out || inputs.length === 0) {
  process.stderr.write('usage: npx tsx eval/merge-pdfs.ts OUT.pdf DIR_OR_PDF... [--times N] [--no-front-matter]\n');
  process.exit(2);
}
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.toLowerCase().endsWith('.pdf'))
        .sort()
        .map((f) => join(p, f))
    : [p],
);

async function main(): Promise<void> {
  const book = await PDFDocument.create();
  const font = await book.embedFont(StandardFonts.Helvetica);
  const sources: PDFDocument[] = [];
  const names: string[] = [];
  for (const f of files) {
    try {
      sources.push(await PDFDocument.load(readFileSync(f), { ignoreEncryption: true }));
      names.push(f);
    } catch (err) {
      process.stderr.write(`skipped ${f}: ${(err as Error).message}\n`);
    }
  }
  const chapters: { title: string; page: number }[] = [];
  const front = values['no-front-matter'] ? 0 : 2;
  let page = front + 1;
  for (let t = 0; t < Number(values.times); t++)
    sources.forEach((src, i) => {
      chapters.push({ title: basename(names[i]!, '.pdf').replace(/^[^_]+__/, ''), page });
      page += src.getPageCount();
    });
  if (front) {
    const licence = book.addPage([612, 792]);
    [
      'Collected Papers on Programs, Parsing and Learning',
      '',
      'This PDF version is licensed under a Creative Commons license. Some rights reserved.',
      'You may copy, distribute and display this work for noncommercial purposes, provided you credit the authors.',
      'For any reuse or distribution, you must make clear to others the license terms of this work.',
    ].forEach((line, k) => licence.drawText(line, { x: 72, y: 700 - k * 18, size: 10, font }));
    const toc = book.addPage([612, 792]);
    toc.drawText('Contents', { x: 72, y: 720, size: 18, font });
    chapters.slice(0, 34).forEach((c, k) =>
      toc.drawText(`${k + 1}. ${c.title} ${'.'.repeat(Math.max(4, 60 - c.title.length))} ${c.page}`, {
        x: 72,
        y: 690 - k * 18,
        size: 10,
        font,
      }),
    );
  }
  for (let t = 0; t < Number(values.times); t++)
    for (const src of sources) {
      const pages = await book.copyPages(src, src.getPageIndices());
      for (const p of pages) book.addPage(p);
    }
  const bytes = await book.save();
  writeFileSync(out!, bytes);
  process.stderr.write(
    `${out}: ${book.getPageCount()} pages, ${(bytes.length / 1e6).toFixed(1)} MB from ${sources.length} files × ${values.times}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
