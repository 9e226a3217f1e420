import type { PageGeometry, TextBox } from './types';

/**
 * Text that remembers where its characters sit on the page, so that every edit the parser makes
 * (joining runs and lines, collapsing spaces, removing a line-end hyphen, trimming) keeps exact
 * `[start, end)` offsets for the page geometry (issue 15 highlights, issue 17 OCR).
 *
 * A segment is a run of characters laid out on one line: `x0..x1` along the line and `y0..y1`
 * across it, in the source's coordinates (PDF user space for the PDF parser, display points for
 * OCR). A character's place inside a segment is estimated from relative glyph widths (Helvetica's
 * metrics scaled to the segment's width: exact for Helvetica/Arial, close for other proportional
 * fonts), since pdf.js reports widths per text item, not per glyph.
 *
 * Usage (PDF parser and OCR alike):
 *   const line = PlacedText.join([PlacedText.run('Hello', box1), PlacedText.run('world', box2)], ' ');
 *   builder.beginPage({ width, height, transform });   // transform: source → display (default identity)
 *   builder.addBlock(line);                            // TextBuilder keeps the boxes with final offsets
 *   builder.finish(); builder.geometry;                // PageGeometry[]
 */
export interface Extent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

interface Segment extends Extent {
  start: number;
  end: number;
}

// Helvetica advance widths (1/1000 em) for U+0020..U+007E; other characters count as 0.556.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];

/** Relative advance of one UTF-16 code unit. */
export function glyphWeight(code: number): number {
  if (code >= 32 && code < 127) return HELVETICA[code - 32]!;
  if (code >= 0xdc00 && code <= 0xdfff) return 0; // low surrogate: the pair counts once
  if (code === 0x0301 || (code >= 0x0300 && code <= 0x036f)) return 0; // combining marks
  return 556;
}

function weight(text: string, a: number, b: number): number {
  let w = 0;
  for (let i = a; i < b; i++) w += glyphWeight(text.charCodeAt(i));
  return w;
}

const WS = /\s/;

export class PlacedText {
  private constructor(
    readonly text: string,
    private readonly segs: readonly Segment[],
  ) {}

  static readonly empty = new PlacedText('', []);

  /** Text without a position (separators, rotated text, annotations without geometry). */
  static plain(text: string): PlacedText {
    return new PlacedText(text, []);
  }

  /** One run laid out on one line from x0 to x1. */
  static run(text: string, extent: Extent): PlacedText {
    if (!text) return PlacedText.empty;
    return new PlacedText(text, [{ start: 0, end: text.length, ...extent }]);
  }

  /** Words of one OCR line (or any positioned words) joined by `sep`. */
  static words(words: { text: string; extent: Extent }[], sep = ' '): PlacedText {
    return PlacedText.join(
      words.map((w) => PlacedText.run(w.text, w.extent)),
      sep,
    );
  }

  static join(parts: readonly (PlacedText | string)[], sep = ''): PlacedText {
    let text = '';
    const segs: Segment[] = [];
    parts.forEach((p, i) => {
      if (i > 0 && sep) text += sep;
      if (typeof p === 'string') {
        text += p;
        return;
      }
      const at = text.length;
      for (const s of p.segs) segs.push({ ...s, start: s.start + at, end: s.end + at });
      text += p.text;
    });
    return new PlacedText(text, segs);
  }

  get length(): number {
    return this.text.length;
  }

  concat(...parts: (PlacedText | string)[]): PlacedText {
    return PlacedText.join([this, ...parts]);
  }

  slice(from: number, to = this.text.length): PlacedText {
    const a = Math.max(0, Math.min(from, this.text.length));
    const b = Math.max(a, Math.min(to, this.text.length));
    if (a === 0 && b === this.text.length) return this;
    const segs: Segment[] = [];
    for (const s of this.segs) {
      const lo = Math.max(s.start, a);
      const hi = Math.min(s.end, b);
      if (hi <= lo) continue;
      segs.push({ ...this.extentOf(s, lo, hi), start: lo - a, end: hi - a });
    }
    return new PlacedText(this.text.slice(a, b), segs);
  }

  /** `String.prototype.replace` with a global regex, keeping positions of untouched characters. */
  replace(re: RegExp, rep: string | ((match: string, index: number) => string)): PlacedText {
    const g = re.global ? re : new RegExp(re.source, re.flags + 'g');
    const parts: (PlacedText | string)[] = [];
    let last = 0;
    let changed = false;
    for (const m of this.text.matchAll(g)) {
      const i = m.index;
      const r = typeof rep === 'string' ? rep : rep(m[0], i);
      if (r === m[0]) continue;
      changed = true;
      parts.push(this.slice(last, i), r);
      last = i + m[0].length;
    }
    if (!changed) return this;
    parts.push(this.slice(last));
    return PlacedText.join(parts);
  }

  trim(): PlacedText {
    let a = 0;
    let b = this.text.length;
    while (a < b && WS.test(this.text[a]!)) a++;
    while (b > a && WS.test(this.text[b - 1]!)) b--;
    return this.slice(a, b);
  }

  /**
   * One box per word (maximal run of non-space characters within one segment), offsets shifted by
   * `offset`, corners mapped through `transform` ([a, b, c, d, e, f]: x' = a·x + c·y + e,
   * y' = b·x + d·y + f) and written to `out` as axis-aligned rectangles.
   */
  writeBoxes(out: BoxWriter, offset: number, transform?: readonly number[]): void {
    const [ta = 1, tb = 0, tc = 0, td = 1, te = 0, tf = 0] = transform ?? [];
    for (const s of this.segs) {
      let i = s.start;
      while (i < s.end) {
        while (i < s.end && WS.test(this.text[i]!)) i++;
        if (i >= s.end) break;
        let j = i;
        while (j < s.end && !WS.test(this.text[j]!)) j++;
        const e = this.extentOf(s, i, j);
        // The four corners through the transform; the axis-aligned box around them.
        const xa = ta * e.x0 + tc * e.y0 + te;
        const xb = ta * e.x1 + tc * e.y0 + te;
        const xc = ta * e.x0 + tc * e.y1 + te;
        const xd = ta * e.x1 + tc * e.y1 + te;
        const ya = tb * e.x0 + td * e.y0 + tf;
        const yb = tb * e.x1 + td * e.y0 + tf;
        const yc = tb * e.x0 + td * e.y1 + tf;
        const yd = tb * e.x1 + td * e.y1 + tf;
        const minX = Math.min(xa, xb, xc, xd);
        const minY = Math.min(ya, yb, yc, yd);
        out.push(offset + i, offset + j, minX, minY, Math.max(xa, xb, xc, xd) - minX, Math.max(ya, yb, yc, yd) - minY);
        i = j;
      }
    }
  }

  /** The boxes of writeBoxes, unpacked (tests, debugging). */
  boxes(offset: number, transform?: readonly number[]): TextBox[] {
    const w = new BoxWriter();
    this.writeBoxes(w, offset, transform);
    const { offsets, rects } = w.finish();
    return unpackBoxes({ offsets, rects });
  }

  /** The extent of characters [lo, hi) of segment s, by relative glyph widths. */
  private extentOf(s: Segment, lo: number, hi: number): Extent {
    if (lo === s.start && hi === s.end) return { x0: s.x0, x1: s.x1, y0: s.y0, y1: s.y1 };
    const total = weight(this.text, s.start, s.end) || 1;
    const before = weight(this.text, s.start, lo);
    const inside = weight(this.text, lo, hi);
    const w = s.x1 - s.x0;
    return { x0: s.x0 + (w * before) / total, x1: s.x0 + (w * (before + inside)) / total, y0: s.y0, y1: s.y1 };
  }
}

/** Growable packed boxes (the format of PageGeometry): one page's boxes as the parser finds them. */
export class BoxWriter {
  private offsets = new Int32Array(256);
  private rects = new Float32Array(512);
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(start: number, end: number, x: number, y: number, width: number, height: number): void {
    if (2 * this.n + 2 > this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const r = new Float32Array(this.rects.length * 2);
      r.set(this.rects);
      this.rects = r;
    }
    const i = this.n++;
    this.offsets[2 * i] = start;
    this.offsets[2 * i + 1] = end;
    this.rects[4 * i] = x;
    this.rects[4 * i + 1] = y;
    this.rects[4 * i + 2] = width;
    this.rects[4 * i + 3] = height;
  }

  /** Arrays of exactly the boxes written (copies: the spare capacity is not kept alive). */
  finish(): { offsets: Int32Array; rects: Float32Array } {
    return { offsets: this.offsets.slice(0, 2 * this.n), rects: this.rects.slice(0, 4 * this.n) };
  }
}

export function boxCount(g: Pick<PageGeometry, 'offsets'>): number {
  return g.offsets.length >> 1;
}

export function boxAt(g: Pick<PageGeometry, 'offsets' | 'rects'>, i: number): TextBox {
  return {
    start: g.offsets[2 * i]!,
    end: g.offsets[2 * i + 1]!,
    x: g.rects[4 * i]!,
    y: g.rects[4 * i + 1]!,
    width: g.rects[4 * i + 2]!,
    height: g.rects[4 * i + 3]!,
  };
}

/** A page's boxes as objects. */
export function unpackBoxes(g: Pick<PageGeometry, 'offsets' | 'rects'>): TextBox[] {
  return Array.from({ length: boxCount(g) }, (_, i) => boxAt(g, i));
}

/** Packs boxes given as objects (OCR engines, tests). */
export function packBoxes(boxes: readonly TextBox[]): { offsets: Int32Array; rects: Float32Array } {
  const w = new BoxWriter();
  for (const b of boxes) w.push(b.start, b.end, b.x, b.y, b.width, b.height);
  return w.finish();
}

export interface HighlightRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageHighlight {
  page: number;
  width: number;
  height: number;
  boxes: HighlightRect[];
}

/**
 * The rectangles that cover exactly the characters [start, end): boxes wholly inside are kept,
 * boxes partly inside are clipped by character position (uniform within a box: boxes are words),
 * and neighbouring boxes on one line (same top and height within 20%, gap under one line height)
 * are merged. Pages without covered characters are left out.
 */
export function highlightBoxes(pages: readonly PageGeometry[], start: number, end: number): PageHighlight[] {
  const out: PageHighlight[] = [];
  for (const p of pages) {
    const rects: HighlightRect[] = [];
    const n = boxCount(p);
    for (let i = 0; i < n; i++) {
      if (p.offsets[2 * i + 1]! <= start || p.offsets[2 * i]! >= end) continue;
      const b = boxAt(p, i);
      const lo = Math.max(b.start, start);
      const hi = Math.min(b.end, end);
      if (hi <= lo || b.end <= b.start) continue;
      const chars = b.end - b.start;
      const x = b.x + (b.width * (lo - b.start)) / chars;
      const w = (b.width * (hi - lo)) / chars;
      const last = rects[rects.length - 1];
      if (
        last &&
        Math.abs(last.y - b.y) <= 0.2 * b.height &&
        Math.abs(last.height - b.height) <= 0.2 * b.height &&
        x >= last.x + last.width - 0.5 &&
        x - (last.x + last.width) < b.height
      ) {
        const top = Math.min(last.y, b.y);
        const bottom = Math.max(last.y + last.height, b.y + b.height);
        last.width = x + w - last.x;
        last.y = top;
        last.height = bottom - top;
      } else rects.push({ x, y: b.y, width: w, height: b.height });
    }
    if (rects.length) out.push({ page: p.page, width: p.width, height: p.height, boxes: rects });
  }
  return out;
}
