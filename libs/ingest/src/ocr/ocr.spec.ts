import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unpackBoxes } from '../geometry';
import { parseDocument } from '../parse';
import { makePdf, scanPdf } from '../testing';
import { offlineWorkerOptions } from './engine';

const PAGE1 = [
  'Quarterly revenue grew by twelve percent in the northern region.',
  'The board approved the new distribution agreement on Monday.',
  'Operating costs fell because the warehouse lease was renegotiated.',
];
const PAGE2 = ['This second page keeps its text layer.', 'Nothing on it needs recognition.'];

const words = (s: string) => s.toLowerCase().match(/[a-z]+/g) ?? [];

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
    const text = await makePdf({ pages: [PAGE1, PAGE2], fontSize: 14 });
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
    // ... where the text layer of the source PDF has the same word (within a few points).
    const src = await parseDocument(text);
    const boxOf = (d: typeof doc, word: string) => {
      const g = d.geometry!.find((x) => x.page === 1)!;
      const at = d.text.indexOf(word, d.pages[0]!.start);
      return unpackBoxes(g).find((b) => b.start <= at && at < b.end)!;
    };
    for (const word of ['warehouse', 'Quarterly', 'Monday']) {
      const o = boxOf(doc, word);
      const t = boxOf(src, word);
      expect(o, word).toBeDefined();
      expect(Math.abs(o.x + o.width / 2 - (t.x + t.width / 2)), word).toBeLessThan(30);
      expect(Math.abs(o.y + o.height / 2 - (t.y + t.height / 2)), word).toBeLessThan(6);
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
});
