/**
 * Builds one long PDF by merging public PDFs page by page with pdf-lib (qpdf is not installed here), for
 * bench/upload-long.ts. Inputs are files or folders (their .pdf files, sorted by name); the whole list is
 * appended `--times` times. Files pdf-lib cannot load (encrypted, corrupt) are skipped and named on stderr.
 *
 *   npx tsx bench/build-long-pdf.ts OUT.pdf ../shared/data/pdfs/papers [more files or folders] [--times 3]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PDFDocument } from 'pdf-lib';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { times: { type: 'string', default: '1' } },
});
const [out, ...inputs] = positionals;
if (!out || inputs.length === 0) {
  process.stderr.write('usage: npx tsx bench/build-long-pdf.ts OUT.pdf FILE_OR_DIR... [--times N]\n');
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
  const merged = await PDFDocument.create();
  const sources: { file: string; doc: PDFDocument }[] = [];
  for (const file of files) {
    try {
      sources.push({ file, doc: await PDFDocument.load(readFileSync(file)) });
    } catch (err) {
      process.stderr.write(`skipped ${file}: ${(err as Error).message}\n`);
    }
  }
  for (let t = 0; t < Number(values.times); t++) {
    for (const { doc } of sources) {
      const pages = await merged.copyPages(doc, doc.getPageIndices());
      for (const p of pages) merged.addPage(p);
    }
  }
  const bytes = await merged.save();
  writeFileSync(out!, bytes);
  process.stderr.write(
    `${out}: ${merged.getPageCount()} pages, ${(bytes.length / 1e6).toFixed(1)} MB from ${sources.length} files × ${values.times}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
