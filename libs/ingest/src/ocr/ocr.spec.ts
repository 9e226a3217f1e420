import { existsSync } from 'node:fs';
import {
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  setTextRenderingMode,
  StandardFonts,
  TextRenderingMode,
} from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { highlightBoxes, unpackBoxes } from '../geometry';
import { parseDocument } from '../parse';
import type { ParsedDocument } from '../types';
import { makePdf, scanPdf } from '../testing';
import { offlineWorkerOptions } from './engine';

const PAGE1 = [
  'Quarterly revenue grew by twelve percent in the northern region.',
  'The board approved the new distribution agreement on Monday.',
  'Operating costs fell because the warehouse lease was renegotiated.',
];
const PAGE2 = ['This second page keeps its text layer.', 'Nothing on it needs recognition.'];

const words = (s: string) => s.toLowerCase().match(/[a-z]+/g) ?? [];

function sentenceSpan(doc: ParsedDocument, needle: string): [number, number] {
  const s = doc.sentences.find((x) => x.text.includes(needle))!;
  return [s.start, s.end];
}

/** The page-1 boxes inside the sentence containing `needle`, with their words. */
function sentenceBoxes(doc: ParsedDocument, needle: string) {
  const [start, end] = sentenceSpan(doc, needle);
  return unpackBoxes(doc.geometry!.find((g) => g.page === 1)!)
    .filter((b) => b.start >= start && b.end <= end)
    .map((b) => ({ ...b, word: doc.text.slice(b.start, b.end) }));
}

describe('OCR (tesseract.js, offline)', () => {
  it('resolves worker, core and language data from node_modules and writes no cache', () => {
    const o = offlineWorkerOptions();
    for (const p of [o.workerPath, o.corePath, o.langPath]) {
      expect(p.startsWith('/') && !/^https?:/.test(p)).toBe(true);
      expect(existsSync(p)).toBe(true);
    }
    expect(existsSync(`${o.langPath}/eng.traineddata.gz`)).toBe(true);
    expect(o.cacheMethod).toBe('none');
  });

  it('reads a scanned page and keeps the text page of a mixed PDF, with pages and offsets', async () => {
    // Courier: a fixed-width font, so boxes estimated from proportional glyph widths would miss.
    const text = await makePdf({ pages: [PAGE1, PAGE2], fontSize: 14, font: 'courier' });
    const mixed = await scanPdf(text, { dpi: 150, pages: [1] });
    const off = await parseDocument(mixed);
    expect(off.text).not.toContain('revenue');
    expect(off.meta.ocr).toBeUndefined();

    const doc = await parseDocument(mixed, { ocr: { mode: 'auto', dpi: 200 } });
    expect(doc.meta.ocr?.pages).toEqual([1]);
    expect(doc.meta.ocr!.confidence!).toBeGreaterThan(70);
    const p1 = doc.text.slice(doc.pages[0]!.start, doc.pages[0]!.end);
    const got = new Set(words(p1));
    const want = words(PAGE1.join(' '));
    const recall = want.filter((w) => got.has(w)).length / want.length;
    expect(recall).toBeGreaterThan(0.9);
    expect(doc.meta.ocr!.words).toBeGreaterThanOrEqual(want.length - 2);
    // The text page is untouched and after the OCR'd one.
    const p2 = doc.text.slice(doc.pages[1]!.start, doc.pages[1]!.end);
    expect(p2).toContain('This second page keeps its text layer.');
    const s = doc.sentences.find((x) => x.text.includes('warehouse'));
    expect(s?.page).toBe(1);
    expect(doc.text.slice(s!.start, s!.end)).toBe(s!.text);
    expect(doc.sentences.find((x) => x.text.includes('second page'))?.page).toBe(2);
    expect(doc.flags).not.toContain('no_text_layer');
    // Geometry: the OCR'd page is marked, and its boxes locate the OCR text on the page.
    const g1 = doc.geometry?.find((g) => g.page === 1);
    expect(g1?.ocr?.words).toBe(doc.meta.ocr!.words);
    // One box per OCR word, where the word is printed: each sentence here is one line drawn at
    // the text layer's line start, and Courier's glyph advances (pdf-lib's metrics) give every
    // word's exact x-extent. Boxes estimated from proportional widths within the line miss by
    // 5 pt and more; OCR boxes must be within 2.5 pt and share most of the text layer's height.
    const src = await parseDocument(text);
    const courier = await (await PDFDocument.create()).embedFont(StandardFonts.Courier);
    for (const line of PAGE1) {
      const needle = line.split(' ')[2]!;
      const ocrBoxes = sentenceBoxes(doc, needle);
      const srcBoxes = sentenceBoxes(src, needle);
      const lineX = srcBoxes[0]!.x;
      // Same word count; words OCR read differently (a letter dropped) are skipped, not many.
      expect(ocrBoxes).toHaveLength(srcBoxes.length);
      const same = ocrBoxes.filter((o, i) => o.word === srcBoxes[i]!.word);
      expect(same.length, needle).toBeGreaterThanOrEqual(ocrBoxes.length - 1);
      let at = 0;
      ocrBoxes.forEach((o, i) => {
        const t = srcBoxes[i]!;
        const word = t.word;
        const c = line.indexOf(word, at);
        at = c + word.length;
        if (o.word !== word) return;
        const x0 = lineX + courier.widthOfTextAtSize(line.slice(0, c), 14);
        // Ink ends inside the last glyph's cell: a trailing full stop's ink is mid-cell.
        const core = x0 + courier.widthOfTextAtSize(word.replace(/[.,]$/, ''), 14);
        const full = x0 + courier.widthOfTextAtSize(word, 14);
        expect(Math.abs(o.x - x0), word).toBeLessThan(2.5);
        expect(o.x + o.width, word).toBeGreaterThan(core - 2.5);
        expect(o.x + o.width, word).toBeLessThan(full + 2.5);
        const shared = Math.min(o.y + o.height, t.y + t.height) - Math.max(o.y, t.y);
        expect(shared / o.height, word).toBeGreaterThan(0.7);
      });
      const [hl] = highlightBoxes(doc.geometry!, ...sentenceSpan(doc, needle));
      const [hs] = highlightBoxes(src.geometry!, ...sentenceSpan(src, needle));
      expect(hl!.page).toBe(1);
      expect(hl!.boxes).toHaveLength(hs!.boxes.length);
      expect(Math.abs(hl!.boxes[0]!.x - hs!.boxes[0]!.x)).toBeLessThan(2.5);
      // The text layer's line ends at the full stop's advance, the ink box inside that cell.
      expect(hs!.boxes[0]!.width - hl!.boxes[0]!.width).toBeGreaterThan(-2.5);
      expect(hs!.boxes[0]!.width - hl!.boxes[0]!.width).toBeLessThan(8.4);
    }
    expect(doc.geometry?.find((g) => g.page === 2)?.ocr).toBeUndefined();
  }, 60_000);

  it('fails a page past its time limit with a code and keeps the rest', async () => {
    const text = await makePdf({ pages: [PAGE1, PAGE2], fontSize: 14 });
    const mixed = await scanPdf(text, { dpi: 100, pages: [1] });
    const doc = await parseDocument(mixed, { ocr: { mode: 'auto', pageTimeoutMs: 1 } });
    expect(doc.meta.ocr?.pages).toEqual([]);
    expect(doc.meta.ocr?.failed).toEqual([{ page: 1, code: 'ocr_timeout' }]);
    expect(doc.text).toContain('This second page keeps its text layer.');
    // A page under the confidence floor is left empty with its code, too.
    const low = await parseDocument(mixed, { ocr: { mode: 'auto', minConfidence: 101 } });
    expect(low.meta.ocr?.failed).toEqual([{ page: 1, code: 'ocr_low_confidence' }]);
    expect(low.text).not.toContain('revenue');
  }, 60_000);

  it('OCRs a scan whose text layer is a few invisible characters, and keeps a real text layer', async () => {
    const text = await makePdf({ pages: [PAGE1], fontSize: 14 });
    const scan = await scanPdf(text, { dpi: 100 });
    // A scanner's leftover: 16 invisible characters (render mode 3) over the page image.
    const stamped = await withText(scan, ['Scan 0042 batch 7'], TextRenderingMode.Invisible);
    const doc = await parseDocument(stamped, { ocr: { mode: 'auto', dpi: 150 } });
    expect(doc.meta.ocr?.pages).toEqual([1]);
    expect(doc.text).toContain('warehouse');
    expect(doc.text).not.toContain('batch 7');
    // A visible stamp of the same length over the scan is not the page's text either.
    const visible = await withText(scan, ['Scan 0042 batch 7'], TextRenderingMode.Fill);
    expect((await parseDocument(visible, { ocr: { mode: 'auto', dpi: 150 } })).meta.ocr?.pages).toEqual([1]);
    // The same characters on a page without an image are that page's text: no OCR.
    const plain = await makePdf({ pages: [['Scan 0042 batch 7']] });
    const plainDoc = await parseDocument(plain, { ocr: { mode: 'auto' } });
    expect(plainDoc.meta.ocr).toBeUndefined();
    expect(plainDoc.text).toContain('batch 7');
    // A searchable scan (an invisible text layer with the page's words) keeps its text layer.
    const searchable = await withText(scan, PAGE1, TextRenderingMode.Invisible);
    const kept = await parseDocument(searchable, { ocr: { mode: 'auto' } });
    expect(kept.meta.ocr).toBeUndefined();
    expect(kept.text).toContain('renegotiated');
  }, 60_000);
});

/** `lines` drawn on page 1 in the given render mode (invisible text is how scanners add a layer). */
async function withText(pdf: Uint8Array, lines: string[], mode: TextRenderingMode): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.getPage(0);
  page.pushOperators(pushGraphicsState(), setTextRenderingMode(mode));
  lines.forEach((l, i) => page.drawText(l, { x: 72, y: 700 - i * 20, size: 12, font }));
  page.pushOperators(popGraphicsState());
  return doc.save();
}
