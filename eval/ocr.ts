/**
 * OCR figures (issue 17).
 *   npx tsx eval/ocr.ts papers DIR [--dpi 150,300] [--pages-per-paper 2]
 *     Each sampled page of each PDF in DIR is rendered to an image-only PDF (scanPdf) and parsed
 *     with OCR; its words (lowercased letter/digit runs, as a multiset) are compared with the
 *     text layer of the same page: recall, precision, and seconds per page.
 *   npx tsx eval/ocr.ts corpus DIR [--every 4] [--max-pages 2]
 *     Files that parse as no_text_layer without OCR are parsed again with OCR auto: how many now
 *     yield text (every k-th such file, first pages only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeParseWorkers, parseDocument, parseInWorker } from '@elegans/ingest';
import { scanPdf } from '@elegans/ingest/testing';

const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

function overlap(ref: string[], got: string[]): number {
  const m = new Map<string, number>();
  for (const w of ref) m.set(w, (m.get(w) ?? 0) + 1);
  let n = 0;
  for (const w of got) {
    const c = m.get(w) ?? 0;
    if (c > 0) {
      n++;
      m.set(w, c - 1);
    }
  }
  return n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function papers(dir: string, dpis: number[], perPaper: number): Promise<void> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .sort();
  for (const dpi of dpis) {
    let refN = 0,
      gotN = 0,
      hit = 0;
    const secs: number[] = [];
    const confs: number[] = [];
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      const src = await parseDocument(bytes);
      const n = src.pages.length;
      const pick = [...new Set([1, Math.ceil(n / 2), n].slice(0, perPaper))];
      for (const p of pick) {
        const one = await scanPdf(bytes, { dpi, pages: [p] }); // p scanned; the others keep text
        const t0 = performance.now();
        const doc = await parseDocument(one, { ocr: { mode: 'auto', dpi, pageTimeoutMs: 120_000 } });
        const s = (performance.now() - t0) / 1000;
        const ref = words(src.text.slice(src.pages[p - 1]!.start, src.pages[p - 1]!.end));
        const got = words(doc.text.slice(doc.pages[p - 1]!.start, doc.pages[p - 1]!.end));
        const h = overlap(ref, got);
        refN += ref.length;
        gotN += got.length;
        hit += h;
        secs.push(s);
        if (doc.meta.ocr?.confidence != null) confs.push(doc.meta.ocr.confidence);
        console.error(
          `${dpi}dpi ${f} p${p}: recall ${(h / ref.length).toFixed(3)} precision ${(h / Math.max(1, got.length)).toFixed(3)} ${s.toFixed(1)}s conf ${doc.meta.ocr?.confidence}`,
        );
      }
    }
    console.log(
      `dpi ${dpi}: ${secs.length} pages, word recall ${(hit / refN).toFixed(3)}, precision ${(hit / gotN).toFixed(3)} (micro, ${refN} reference words), median ${median(secs).toFixed(1)} s/page (parse of a PDF whose one page is OCR'd), mean confidence ${(confs.reduce((a, b) => a + b, 0) / confs.length).toFixed(1)}`,
    );
  }
}

async function corpus(dir: string, every: number, maxPages: number, scan?: string): Promise<void> {
  let files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort();
  if (scan) {
    // Only files where poppler finds at most 5 words (pdfjs-scan.tsv's text_words) are candidates.
    const rows = readFileSync(scan, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const few = new Set(rows.filter((c) => Number(c[5]) <= 5).map((c) => c[0]));
    files = files.filter((f) => few.has(f));
  }
  const scanned: string[] = [];
  for (const f of files) {
    const d = await parseInWorker(join(dir, f), { limits: { parseTimeoutMs: 30_000 } }).catch(() => null);
    if (d?.flags.includes('no_text_layer')) scanned.push(f);
  }
  const sample = scanned.filter((_, i) => i % every === 0);
  let yielded = 0;
  for (const f of sample) {
    const d = await parseInWorker(join(dir, f), {
      limits: { parseTimeoutMs: 30_000 },
      ocr: { mode: 'auto', dpi: 150, maxPages: maxPages, pageTimeoutMs: 30_000, totalTimeoutMs: 90_000 },
    }).catch((e: Error) => e);
    if (d instanceof Error) {
      console.log(`${f}\terror\t${d.message}`);
      continue;
    }
    const w = words(d.text).length;
    if (w >= 5) yielded++;
    console.log(
      `${f}\t${w} words\tconf ${d.meta.ocr?.confidence}\tocr pages ${d.meta.ocr?.pages.length}/${d.pages.length}\tfailed ${JSON.stringify(d.meta.ocr?.failed)}\t${JSON.stringify(d.text.slice(0, 100))}`,
    );
  }
  console.log(
    `no_text_layer without OCR: ${scanned.length} of ${files.length}; sampled every ${every}th: ${sample.length}; with OCR (first ${maxPages} pages, 150 dpi) ${yielded} yield >= 5 words`,
  );
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dpi: { type: 'string', default: '150,300' },
      'pages-per-paper': { type: 'string', default: '2' },
      every: { type: 'string', default: '4' },
      'max-pages': { type: 'string', default: '2' },
      scan: { type: 'string' },
    },
  });
  const [mode, dir] = positionals;
  if (!dir) throw new Error('usage: eval/ocr.ts papers|corpus DIR');
  if (mode === 'papers') await papers(dir, values.dpi!.split(',').map(Number), Number(values['pages-per-paper']));
  else await corpus(dir, Number(values.every), Number(values['max-pages']), values.scan);
  await closeParseWorkers();
}
void main();
