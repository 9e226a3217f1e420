import { afterAll, describe, expect, it } from 'vitest';
import { isElegansError } from '@elegans/common';
import { detectFormat } from '../detect';
import { unpackBoxes } from '../geometry';
import { parseDocument } from '../parse';
import { grayTiff, makePdf, pngHeader, renderPdfPages } from '../testing';
import type { ParsedDocument } from '../types';
import { closeParseWorkers, parseInWorker } from '../worker';
import { jpegInfo, pngInfo } from './image';

afterAll(() => closeParseWorkers());

const PAGE1 = [
  'Quarterly revenue grew by twelve percent in the northern region.',
  'The board approved the new distribution agreement on Monday.',
];
const PAGE2 = ['The second page of the scan talks about harbour cranes.'];
const OCR = { mode: 'auto', dpi: 150 } as const;

const words = (s: string) => s.toLowerCase().match(/[a-z]+/g) ?? [];
function recall(got: string, want: string[]): number {
  const have = new Set(words(got));
  const w = words(want.join(' '));
  return w.filter((x) => have.has(x)).length / w.length;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isElegansError(err) ? err.code : `unexpected: ${String(err)}`;
  }
}

/** Box of the first occurrence of `word` on page 1. */
function boxOf(doc: ParsedDocument, word: string) {
  const at = doc.text.indexOf(word);
  return unpackBoxes(doc.geometry!.find((g) => g.page === 1)!).find((b) => b.start <= at && at < b.end)!;
}

describe('image files (PNG, JPEG, TIFF) through OCR', () => {
  it('detects PNG, JPEG and TIFF by magic bytes, and refuses a PNG signature without a header', () => {
    expect(detectFormat(pngHeader(10, 10))).toBe('png');
    expect(detectFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe('jpeg');
    expect(detectFormat(new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]))).toBe('tiff');
    expect(detectFormat(new Uint8Array([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8]))).toBe('tiff');
    expect(detectFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))).toBeNull();
    expect(detectFormat(new TextEncoder().encode('GIF89a\u0001\u0000'))).toBeNull();
  });

  it('a PNG page reads like the PDF it was rendered from: words, page size and word boxes', async () => {
    const pdf = await makePdf({ pages: [PAGE1], fontSize: 14 });
    const [page] = await renderPdfPages(pdf, 150);
    expect(pngInfo(page!.png)).toEqual({ width: page!.width, height: page!.height, dpi: 150 });
    const doc = await parseDocument(page!.png, { ocr: OCR });
    expect(doc.meta.format).toBe('png');
    expect(doc.meta.ocr?.pages).toEqual([1]);
    expect(doc.meta.ocr!.confidence!).toBeGreaterThan(70);
    expect(recall(doc.text, PAGE1)).toBeGreaterThan(0.9);
    expect(doc.sentences.find((s) => s.text.includes('Monday'))?.page).toBe(1);
    // Page size from the PNG's resolution: US Letter in points.
    const g = doc.geometry![0]!;
    expect(g.width).toBeCloseTo(612, 0);
    expect(g.height).toBeCloseTo(792, 0);
    expect(g.ocr?.words).toBe(doc.meta.ocr!.words);
    // Each word box where the PDF's text layer has that word.
    const src = await parseDocument(pdf);
    for (const w of ['Quarterly', 'distribution', 'Monday']) {
      const o = boxOf(doc, w);
      const t = boxOf(src, w);
      expect(Math.abs(o.x - t.x), w).toBeLessThan(2.5);
      expect(Math.abs(o.x + o.width - (t.x + t.width)), w).toBeLessThan(3);
      expect(Math.abs(o.y + o.height - (t.y + t.height)), w).toBeLessThan(3);
    }
  }, 60_000);

  it('a JPEG reads too, and a multi-page TIFF is a multi-page document (in the worker pool)', async () => {
    const pdf = await makePdf({ pages: [PAGE1, PAGE2], fontSize: 14 });
    const pages = await renderPdfPages(pdf, 150);
    expect(jpegInfo(pages[0]!.jpeg)).toMatchObject({ width: pages[0]!.width, height: pages[0]!.height });
    const jpeg = await parseDocument(pages[0]!.jpeg, { ocr: OCR });
    expect(jpeg.meta.format).toBe('jpeg');
    expect(recall(jpeg.text, PAGE1)).toBeGreaterThan(0.9);

    const tiff = grayTiff(pages, 150);
    const stages: string[] = [];
    const doc = await parseInWorker(tiff, { ocr: OCR, onProgress: (_, s) => stages.push(s) });
    expect(doc.meta.format).toBe('tiff');
    expect(doc.pages).toHaveLength(2);
    expect(doc.meta.ocr?.pages).toEqual([1, 2]);
    expect(stages).toContain('ocr');
    expect(recall(doc.text.slice(doc.pages[1]!.start, doc.pages[1]!.end), PAGE2)).toBeGreaterThan(0.9);
    expect(doc.sentences.find((s) => /harbour/i.test(s.text))?.page).toBe(2);
    expect(doc.geometry!.map((g) => Math.round(g.width))).toEqual([612, 612]);
  }, 90_000);

  it('fails clearly: too many pixels (from the header, nothing decoded), corrupt data, OCR off', async () => {
    // 100k × 100k would be 40 GB of RGBA: refused from its header alone.
    expect(await codeOf(parseDocument(pngHeader(100_000, 100_000), { ocr: OCR }))).toBe('image_too_large');
    const pdf = await makePdf({ pages: [['Small.']] });
    const [page] = await renderPdfPages(pdf, 50);
    expect(await codeOf(parseDocument(page!.png, { ocr: OCR, limits: { imageMaxPixels: 1000 } }))).toBe(
      'image_too_large',
    );
    // A header promising pixels that are not there.
    expect(await codeOf(parseDocument(pngHeader(200, 200), { ocr: OCR }))).toBe('image_corrupt');
    expect(await codeOf(parseDocument(page!.png, { ocr: { mode: 'off' } }))).toBe('ocr_disabled');
    expect(await codeOf(parseDocument(page!.png))).toBe('ocr_disabled');
    const pages = Array.from({ length: 3 }, () => page!);
    expect(await codeOf(parseDocument(grayTiff(pages, 50), { ocr: OCR, limits: { maxPages: 2 } }))).toBe(
      'too_many_pages',
    );
  }, 60_000);
});
