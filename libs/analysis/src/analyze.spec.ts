import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, type ParsedDocument } from '@elegans/ingest';
import { makePdf } from '@elegans/ingest/testing';
import { analyzeDocument } from './analyze';
import { LiquidEmbedder } from './liquid-embedder';
import { REPORT_PAGES } from './testing-fixtures';
import { ANSWER_MODEL } from './answer/weights';

/** End to end inside the lib: a generated PDF, the real parser and the real ONNX liquid model. */
describe('analyzeDocument (generated PDF, real model)', () => {
  let doc: ParsedDocument;
  let embedder: LiquidEmbedder;

  beforeAll(async () => {
    const bytes = await makePdf({
      pages: REPORT_PAGES.map((p) => ({ heading: p.heading, lines: p.lines })),
      outline: REPORT_PAGES.map((p, i) => ({ title: p.heading, page: i + 1 })),
    });
    doc = await parseDocument(bytes, { filename: 'report.pdf' });
    embedder = await LiquidEmbedder.load();
  });

  afterAll(async () => {
    await embedder?.release();
  });

  const pageOf = (offset: number) => doc.pages.find((p) => offset >= p.start && offset < p.end)?.number;

  it('cites every summary sentence by page and exact offsets', async () => {
    const r = await analyzeDocument(doc, embedder, { length: { sentences: 3 } });
    expect(r.model).toBe(embedder.version);
    expect(r.summary).toHaveLength(3);
    for (const s of r.summary) {
      expect(doc.text.slice(s.start, s.end)).toBe(s.text);
      expect(s.page).toBe(pageOf(s.start));
    }
    // Document order, no duplicates.
    const starts = r.summary.map((s) => s.start);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(new Set(starts).size).toBe(3);
  });

  it('keeps a word budget', async () => {
    const r = await analyzeDocument(doc, embedder, { length: { words: 30 } });
    const words = r.summary.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
    expect(r.summary.length).toBeGreaterThanOrEqual(1);
    expect(words <= 30 || r.summary.length === 1).toBe(true);
  });

  it('answers an answerable question with the right citation and abstains on an unrelated one', async () => {
    const r = await analyzeDocument(doc, embedder, {
      questions: ['In what year did the survey of Lake Veronne begin?', 'Who won the 1966 football World Cup final?'],
    });
    const [yes, no] = r.answers;
    expect(yes!.answer).toContain('1987');
    expect(yes!.confidence).toBeGreaterThanOrEqual(ANSWER_MODEL.threshold);
    const c = yes!.citations[0]!;
    expect(c.page).toBe(2);
    expect(doc.text.slice(c.start, c.end)).toBe(c.text);
    expect(yes!.highlight?.text).toBe('1987');
    expect(yes!.supportingPassages.length).toBeGreaterThan(0);
    expect(no!.answer).toBeNull();
    expect(no!.reason).toMatch(/confidence/);
    expect(no!.confidence).toBeLessThan(yes!.confidence);
    expect(no!.citations).toEqual([]);
  });
});
