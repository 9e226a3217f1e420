/**
 * OCR figures (issue 17).
 *   npx tsx eval/ocr.ts papers DIR [--dpi 150,300] [--pages-per-paper 2]
 *     Each sampled page of each PDF in DIR is rendered to an image-only PDF (scanPdf) and parsed
 *     with OCR; its words (lowercased letter/digit runs, as a multiset) are compared with the
 *     text layer of the same page: recall, precision, and seconds per page.
 *   npx tsx eval/ocr.ts papers DIR --pages-per-paper all [--dpi 150,300] [--out FILE.jsonl]
 *     Every page: each paper is rendered whole into an image-only PDF at each dpi and parsed once with
 *     OCR; per page, words against the text layer, and seconds per page from the OCR progress reports
 *     (render + recognize). Papers go smallest first; one JSON line per paper and dpi (also to --out).
 *   npx tsx eval/ocr.ts corpus DIR [--every 4] [--max-pages 2]
 *     Files that parse as no_text_layer without OCR are parsed again with OCR auto: how many now
 *     yield text (every k-th such file, first pages only).
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
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

async function allPages(dir: string, dpis: number[], out?: string): Promise<void> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .map((f) => ({ f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
  const srcs: { f: string; bytes: Uint8Array; src: Awaited<ReturnType<typeof parseDocument>> }[] = [];
  for (const x of files)
    srcs.push({ ...x, src: await parseDocument(x.bytes, { limits: { parseTimeoutMs: 600_000 } }) });
  srcs.sort((a, b) => a.src.pages.length - b.src.pages.length);
  const total = new Map(dpis.map((d) => [d, { ref: 0, got: 0, hit: 0, secs: [] as number[], pages: 0 }]));
  for (const { f, bytes, src } of srcs) {
    for (const dpi of dpis) {
      const scan = await scanPdf(bytes, { dpi });
      const stamps: number[] = [];
      const doc = await parseDocument(scan, {
        limits: { parseTimeoutMs: 600_000 },
        ocr: { mode: 'auto', dpi, pageTimeoutMs: 120_000, totalTimeoutMs: 3_600_000, maxPages: 1000 },
        onProgress: (_, stage) =>
          stage === 'parsing' ? (stamps[0] = performance.now()) : stamps.push(performance.now()),
      });
      const secs = stamps.slice(1, 1 + src.pages.length).map((t, i) => (t - stamps[i]!) / 1000);
      const t = total.get(dpi)!;
      let ref = 0,
        got = 0,
        hit = 0;
      src.pages.forEach((sp, i) => {
        const dp = doc.pages[i];
        if (!dp) return;
        const r = words(src.text.slice(sp.start, sp.end));
        const g = words(doc.text.slice(dp.start, dp.end));
        ref += r.length;
        got += g.length;
        hit += overlap(r, g);
      });
      t.ref += ref;
      t.got += got;
      t.hit += hit;
      t.secs.push(...secs);
      t.pages += src.pages.length;
      const line = {
        paper: f,
        dpi,
        pages: src.pages.length,
        ocrPages: doc.meta.ocr?.pages.length ?? 0,
        failed: doc.meta.ocr?.failed ?? [],
        recall: +(hit / Math.max(1, ref)).toFixed(3),
        precision: +(hit / Math.max(1, got)).toFixed(3),
        medianSecPerPage: +median(secs).toFixed(2),
        confidence: doc.meta.ocr?.confidence ?? null,
      };
      console.log(JSON.stringify(line));
      if (out) appendFileSync(out, JSON.stringify(line) + '\n');
    }
  }
  for (const [dpi, t] of total) {
    const line = {
      dpi,
      pages: t.pages,
      recall: +(t.hit / t.ref).toFixed(3),
      precision: +(t.hit / t.got).toFixed(3),
      referenceWords: t.ref,
      medianSecPerPage: +median(t.secs).toFixed(2),
    };
    console.log(JSON.stringify({ summary: line }));
    if (out) appendFileSync(out, JSON.stringify({ summary: line }) + '\n');
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
      out: { type: 'string' },
    },
  });
  const [mode, dir] = positionals;
  if (!dir) throw new Error('usage: eval/ocr.ts papers|corpus DIR');
  if (mode === 'papers' && values['pages-per-paper'] === 'all')
    await allPages(dir, values.dpi!.split(',').map(Number), values.out);
  else if (mode === 'papers') await papers(dir, values.dpi!.split(',').map(Number), Number(values['pages-per-paper']));
  else await corpus(dir, Number(values.every), Number(values['max-pages']), values.scan);
  await closeParseWorkers();
}
void main();
