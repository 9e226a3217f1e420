import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { glyphWeight, highlightBoxes, unpackBoxes } from '../geometry';
import { parseDocument } from '../parse';

/** A word as drawn: its glyphs' x-range (pdf-lib's Helvetica metrics) and baseline, display y. */
interface Drawn {
  word: string;
  x0: number;
  x1: number;
  baseline: number;
}

const PAGE_H = 792;
const SIZE = 11;
/** Far below the narrowest glyph ('i', 2.4 pt at 11 pt). */
const TOL = 0.05;

async function drawPage(lines: { text: string; x: number; y: number }[]): Promise<{ pdf: Uint8Array; drawn: Drawn[] }> {
  const doc = await PDFDocument.create();
  const font: PDFFont = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, PAGE_H]);
  for (const l of lines) page.drawText(l.text, { x: l.x, y: l.y, size: SIZE, font });
  const pdf = await doc.save();
  // drawText does not kern, widthOfTextAtSize does: a string's advance is the sum of its glyphs'.
  const width = (t: string): number => [...t].reduce((w, c) => w + font.widthOfTextAtSize(c, SIZE), 0);
  const drawn: Drawn[] = [];
  for (const l of lines) {
    for (const m of l.text.matchAll(/\S+/g)) {
      const x0 = l.x + width(l.text.slice(0, m.index));
      drawn.push({ word: m[0], x0, x1: x0 + width(m[0]), baseline: PAGE_H - l.y });
    }
  }
  return { pdf, drawn };
}

/** Every stored box is one drawn word at its glyphs' place, and every drawn word has one box. */
function expectBoxesOnGlyphs(
  text: string,
  boxes: { start: number; end: number; x: number; y: number; width: number; height: number }[],
  drawn: Drawn[],
): void {
  const used = new Set<Drawn>();
  for (const b of boxes) {
    const word = text.slice(b.start, b.end);
    const match = drawn.find(
      (d) =>
        !used.has(d) &&
        d.word === word &&
        Math.abs(d.x0 - b.x) < TOL &&
        Math.abs(d.x1 - (b.x + b.width)) < TOL &&
        d.baseline > b.y &&
        d.baseline < b.y + b.height,
    );
    expect(match, `box for "${word}" at x ${b.x.toFixed(2)}`).toBeDefined();
    used.add(match!);
  }
  expect(used.size).toBe(drawn.length);
}

/** Each sentence's highlight, line by line, spans from its first glyph to its last and no further. */
function expectSentencesCovered(doc: Awaited<ReturnType<typeof parseDocument>>, drawn: Drawn[]): void {
  const geometry = doc.geometry!;
  for (const s of doc.sentences) {
    const [page] = highlightBoxes(geometry, s.start, s.end);
    expect(page).toBeDefined();
    // The words of the sentence, found back through the stored boxes (offsets → glyphs).
    const words = unpackBoxes(geometry[0]!).filter((b) => b.start >= s.start && b.end <= s.end);
    expect(words.map((b) => doc.text.slice(b.start, b.end)).join(' ')).toBe(s.text.split(/\s+/).join(' '));
    const lines = new Map<number, Drawn[]>();
    for (const b of words) {
      const d = drawn.find((x) => Math.abs(x.x0 - b.x) < TOL && x.baseline > b.y && x.baseline < b.y + b.height)!;
      lines.set(d.baseline, [...(lines.get(d.baseline) ?? []), d]);
    }
    expect(page!.boxes).toHaveLength(lines.size);
    for (const r of page!.boxes) {
      const line = [...lines.entries()].find(([y]) => y > r.y && y < r.y + r.height)![1];
      expect(Math.abs(r.x - Math.min(...line.map((d) => d.x0)))).toBeLessThan(TOL);
      expect(Math.abs(r.x + r.width - Math.max(...line.map((d) => d.x1)))).toBeLessThan(TOL);
      // No glyph of another sentence on that line falls inside.
      const others = drawn.filter((d) => !line.includes(d) && d.baseline > r.y && d.baseline < r.y + r.height);
      for (const o of others) expect(o.x1 <= r.x + TOL || o.x0 >= r.x + r.width - TOL).toBe(true);
    }
  }
}

describe('PDF page geometry', () => {
  it('keeps glyph-exact word boxes and sentence highlights on a one-column page', async () => {
    const text = [
      'Liquid networks keep a state. They read each token once and the state',
      'moves on in time. Wide glyphs like MW and narrow ones like ill sit',
      'here. A last sentence ends the page.',
    ];
    const { pdf, drawn } = await drawPage(text.map((t, i) => ({ text: t, x: 72, y: 700 - i * 15 })));
    const doc = await parseDocument(pdf);
    expect(doc.geometry).toHaveLength(1);
    expect(doc.geometry![0]).toMatchObject({ page: 1, width: 612, height: 792 });
    expectBoxesOnGlyphs(doc.text, unpackBoxes(doc.geometry![0]!), drawn);
    expect(doc.sentences.length).toBeGreaterThanOrEqual(4);
    expectSentencesCovered(doc, drawn);
  });

  it('keeps offsets exact through column reordering and de-hyphenation on a two-column page', async () => {
    const left = [
      'The left column starts here and',
      'goes on for a while. Its second',
      'sentence is split by a hyphen-',
      'ation at the end of a line.',
      'Then the left column ends now.',
    ];
    const right = [
      'The right column has its own',
      'sentences. It is read after the',
      'left one, from top to bottom.',
      'A final line closes it off here.',
      'Really the very last one here.',
    ];
    const { pdf, drawn } = await drawPage([
      ...left.map((t, i) => ({ text: t, x: 72, y: 700 - i * 15 })),
      ...right.map((t, i) => ({ text: t, x: 330, y: 700 - i * 15 })),
    ]);
    const doc = await parseDocument(pdf);
    expect(doc.text).toContain('split by a hyphenation at the end');
    const boxes = unpackBoxes(doc.geometry![0]!);
    // "hyphen-" lost its hyphen in the text; its box covers "hyphen" only, at those glyphs.
    const hy = boxes.find((b) => doc.text.slice(b.start, b.end) === 'hyphen')!;
    const drawnHy = drawn.find((d) => d.word === 'hyphen-')!;
    expect(Math.abs(hy.x - drawnHy.x0)).toBeLessThan(TOL);
    const hyphenWidth =
      ((drawnHy.x1 - drawnHy.x0) * glyphWeight('-'.charCodeAt(0))) /
      [...'hyphen-'].reduce((w, c) => w + glyphWeight(c.charCodeAt(0)), 0);
    expect(Math.abs(hy.x + hy.width - (drawnHy.x1 - hyphenWidth))).toBeLessThan(TOL);
    const rest = drawn.filter((d) => d.word !== 'hyphen-');
    expectBoxesOnGlyphs(
      doc.text,
      boxes.filter((b) => b !== hy),
      rest,
    );
  });
});
