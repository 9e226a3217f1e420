import { TextBuilder, type HeadingMark, type PageFrame } from '../builder';
import { PlacedText } from '../geometry';
import type { PageGeometry, PageSpan } from '../types';
import { maxOf, type Line } from './pdf-layout';

/**
 * Page lines → document text: drops running headers, footers and page numbers, joins lines into
 * paragraphs (de-hyphenating words split at line ends) and marks large-font short lines as
 * headings when the PDF has no outline.
 */
export interface PageLines {
  lines: Line[];
  /** Page box height, for deciding which lines sit in the top or bottom margin band. */
  height: number;
  /** Page box bottom (y0), since boxes need not start at 0. */
  bottom: number;
  /** The page as displayed, for the geometry of its text. */
  frame?: PageFrame;
}

/** Key that survives changing page numbers: lowercase, digits masked, spaces collapsed. */
function edgeKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

const PAGE_NUMBER =
  /^(?:[-–—(\[]\s*)?(?:page\s+|p\.\s*)?(?:\d{1,4}|(?=[ivxlcdm])m{0,3}(?:c[md]|d?c{0,3})(?:x[cl]|l?x{0,3})(?:i[xv]|v?i{0,3}))(?:\s*(?:of|\/)\s*\d{1,4})?(?:\s*[-–—)\]])?$/i;

/**
 * Candidate header/footer lines: up to 3 lines from the top (bottom) of the page that lie in the
 * outer 12% and are set apart from the body by a gap of at least 1.5 line heights. Lines of a
 * body paragraph that happens to start high on the page are never candidates: they sit at normal
 * line spacing from the next line.
 */
function edgeLines(page: PageLines): number[] {
  const band = page.height * 0.12;
  const topY = page.bottom + page.height - band;
  const botY = page.bottom + band;
  const byY = page.lines
    .map((l, i) => ({ i, y: l.y, size: l.size || 10 }))
    .filter((l) => page.lines[l.i]!.column !== 3 && page.lines[l.i]!.text)
    .sort((a, b) => b.y - a.y);
  const pick = (ordered: typeof byY, inBand: (y: number) => boolean): number[] => {
    // The outermost lines up to the last clear gap (a running head over a page number, say).
    let last = -1;
    for (let k = 0; k < Math.min(3, ordered.length); k++) {
      if (!inBand(ordered[k]!.y)) break;
      const next = ordered[k + 1];
      const gap = next ? Math.abs(ordered[k]!.y - next.y) : Infinity;
      if (gap >= 1.5 * Math.max(ordered[k]!.size, next?.size ?? 0)) last = k;
    }
    return ordered.slice(0, last + 1).map((l) => l.i);
  };
  const top = pick(byY, (y) => y >= topY);
  const bottom = pick([...byY].reverse(), (y) => y <= botY).filter((i) => !top.includes(i));
  return [...top, ...bottom];
}

/** Marks boilerplate lines in place (sets text to ""). Returns how many were removed. */
export function removeBoilerplate(pages: PageLines[]): number {
  const withText = pages.filter((p) => p.lines.length > 0).length;
  if (withText < 2) return 0;
  const counts = new Map<string, number>();
  const edges = pages.map((p) => edgeLines(p));
  edges.forEach((idx, pi) => {
    const seen = new Set<string>();
    for (const i of idx) seen.add(edgeKey(pages[pi]!.lines[i]!.text));
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  const minRepeats = Math.max(2, Math.ceil(withText * 0.3));
  let removed = 0;
  edges.forEach((idx, pi) => {
    for (const i of idx) {
      const line = pages[pi]!.lines[i]!;
      const key = edgeKey(line.text);
      if (!key) continue;
      if ((counts.get(key) ?? 0) >= minRepeats || PAGE_NUMBER.test(line.text.trim())) {
        line.text = '';
        removed++;
      }
    }
  });
  // A bare page number is the outermost line even when it sits close to the body.
  for (const page of pages) {
    const live = page.lines.filter((l) => l.text && l.column !== 3);
    if (!live.length) continue;
    const top = live.reduce((a, b) => (b.y > a.y ? b : a));
    const bottom = live.reduce((a, b) => (b.y < a.y ? b : a));
    for (const l of new Set([top, bottom])) {
      if (
        PAGE_NUMBER.test(l.text.trim()) &&
        (l.y <= page.bottom + page.height * 0.12 || l.y >= page.bottom + page.height * 0.88)
      ) {
        l.text = '';
        removed++;
      }
    }
  }
  return removed;
}

const HYPHEN_END = /(\p{L})[-\u2010\u00ad]$/u;
const LOWER_START = /^\p{Ll}/u;

/** Joins a line onto a paragraph: a word split by a line-end hyphen is rejoined. */
export function joinLine(paragraph: string, line: string): string {
  if (!paragraph) return line;
  if (HYPHEN_END.test(paragraph) && LOWER_START.test(line)) return paragraph.slice(0, -1) + line;
  return `${paragraph} ${line}`;
}

/** joinLine, keeping the positions of the characters. */
export function joinPlaced(paragraph: PlacedText, line: PlacedText): PlacedText {
  if (!paragraph.length) return line;
  if (HYPHEN_END.test(paragraph.text) && LOWER_START.test(line.text)) {
    return PlacedText.join([paragraph.slice(0, paragraph.length - 1), line]);
  }
  return PlacedText.join([paragraph, line], ' ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
}

/** Body font size of the whole document: the size carrying the most characters. */
export function bodyFontSize(pages: PageLines[]): number {
  const weight = new Map<number, number>();
  for (const p of pages) {
    for (const l of p.lines) {
      const k = Math.round(l.size * 2) / 2;
      weight.set(k, (weight.get(k) ?? 0) + l.text.length);
    }
  }
  let best = 0;
  let bestW = -1;
  for (const [k, w] of weight) {
    if (w > bestW) {
      best = k;
      bestW = w;
    }
  }
  return best;
}

/**
 * Appends one page's lines as paragraphs. A paragraph breaks on a column change, a vertical gap
 * well above the page's usual line spacing, a font-size change, or a short line that ends a
 * sentence. With `headingSizes`, short lines in a larger font become headings.
 */
export interface OutlineTitle {
  title: string;
  level: number;
  page: number;
  placed?: boolean;
}

const squash = (t: string): string => t.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** An outline title matches a line that is the title, possibly with a short number in front. */
function matchOutline(line: string, titles: OutlineTitle[] | undefined): OutlineTitle | undefined {
  if (!titles?.length) return undefined;
  const l = squash(line);
  return titles.find((t) => {
    if (t.placed) return false;
    const k = squash(t.title);
    return (
      k.length > 0 &&
      (l === k || (l.endsWith(k) && l.length <= k.length + 8) || (k.endsWith(l) && l.length >= k.length * 0.6))
    );
  });
}

/**
 * Numbered headings ("3 Results", "4.2 Ablations") at body size, as papers set them in bold. A
 * candidate is accepted only when its number comes after the last accepted one, which rejects
 * numbered list items, table rows and references; the unnumbered classics are accepted as-is.
 */
export class NumberedHeadings {
  private last: number[] = [];

  match(text: string): number | null {
    if (text.length > 90) return null;
    const named =
      /^(abstract|introduction|conclusions?|references|bibliography|acknowledg(e)?ments?|related work|appendix)$/i;
    if (named.test(text.trim())) return 1;
    const m = /^((?:\d{1,2}\.){0,2}\d{1,2})\.?\s+(\p{Lu}[^.!?;:]{1,80})$/u.exec(text.trim());
    if (!m || m[2]!.split(/\s+/).length > 10 || /\d\s*$/.test(m[2]!) || /,/.test(m[2]!)) return null;
    const num = m[1]!.split('.').map(Number);
    if (!this.after(num)) return null;
    this.last = num;
    return num.length;
  }

  /** True when `num` is the next or a later number: 2 after 1, 2.1 after 2, 3 after 2.4. */
  private after(num: number[]): boolean {
    if (this.last.length === 0) return num.length === 1 && num[0]! <= 2;
    for (let i = 0; i < Math.max(num.length, this.last.length); i++) {
      const a = num[i] ?? -1;
      const b = this.last[i] ?? -1;
      if (a !== b) return a > b && a - Math.max(b, 0) <= 2;
    }
    return false;
  }
}

export function appendPage(
  b: TextBuilder,
  page: PageLines,
  headingLevels: Map<number, number> | null,
  outlineTitles?: OutlineTitle[],
  numbered?: NumberedHeadings,
): void {
  b.beginPage(page.frame);
  const lines = page.lines.filter((l) => l.text);
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const g = lines[i - 1]!.y - lines[i]!.y;
    if (lines[i]!.column === lines[i - 1]!.column && g > 0 && g < 3 * lines[i]!.size) gaps.push(g);
  }
  const spacing = median(gaps) || 0;
  const widths = lines.filter((l) => l.column !== 3).map((l) => l.x1 - l.x0);
  const fullWidth = widths.length ? maxOf(widths, (w) => w) : 0;

  let para = PlacedText.empty;
  let pendingHeading: { text: PlacedText; level: number } | null = null;
  let prev: Line | null = null;
  const flush = (): void => {
    if (pendingHeading) b.addHeading(pendingHeading.text, pendingHeading.level);
    pendingHeading = null;
    if (para.length) b.addBlock(para);
    para = PlacedText.empty;
  };
  for (const l of lines) {
    const outlined = matchOutline(l.text, outlineTitles);
    if (outlined) {
      outlined.placed = true;
      flush();
      b.addHeading(l.placed, outlined.level);
      prev = l;
      continue;
    }
    const sized = headingLevels?.get(Math.round(l.size * 2) / 2);
    const bySize = sized !== undefined && l.text.length <= 120 && !/[.,;:]$/.test(l.text) && /\p{L}/u.test(l.text);
    const byNumber = bySize ? null : (numbered?.match(l.text) ?? null);
    if (bySize || byNumber !== null) {
      const level = bySize ? sized! : byNumber!;
      // A large-font title set on two lines is one heading.
      const continues =
        bySize &&
        pendingHeading &&
        pendingHeading.level === level &&
        prev &&
        prev.y - l.y > 0 &&
        prev.y - l.y < 1.8 * l.size;
      if (continues) pendingHeading!.text = joinPlaced(pendingHeading!.text, l.placed);
      else {
        flush();
        pendingHeading = { text: l.placed, level };
      }
      prev = l;
      continue;
    }
    if (prev) {
      const gap = prev.y - l.y;
      const breaks =
        prev.column !== l.column ||
        l.column === 3 ||
        gap < -0.5 * l.size ||
        (spacing > 0 ? gap > spacing * 1.45 : gap > 2 * l.size) ||
        Math.abs(prev.size - l.size) > 0.15 * Math.max(prev.size, l.size) ||
        (/[.!?:]["')\]]?$/.test(prev.text) && prev.x1 - prev.x0 < fullWidth * 0.6 && prev.column === 0);
      // A paragraph running from the foot of the left column to the head of the right one.
      const continues =
        prev.column === 1 &&
        l.column === 2 &&
        !/[.!?:]["')\]]?$/.test(prev.text) &&
        (LOWER_START.test(l.text) || HYPHEN_END.test(prev.text)) &&
        Math.abs(prev.size - l.size) <= 0.15 * Math.max(prev.size, l.size);
      if (breaks && !continues) flush();
    }
    para = joinPlaced(para, l.placed);
    prev = l;
  }
  flush();
  b.endPage();
}

/**
 * Heading font sizes when the PDF has no outline: sizes at least 15% above body text that occur
 * on short lines, largest first, capped at three levels. Sizes carrying a lot of text (a large
 * body font on some pages) are not headings.
 */
export function headingLevelsFromFonts(pages: PageLines[]): Map<number, number> {
  const body = bodyFontSize(pages);
  const chars = new Map<number, number>();
  let total = 0;
  for (const p of pages) {
    for (const l of p.lines) {
      total += l.text.length;
      const k = Math.round(l.size * 2) / 2;
      if (k >= body * 1.15 && l.text.length <= 120) chars.set(k, (chars.get(k) ?? 0) + l.text.length);
    }
  }
  const sizes = [...chars.entries()]
    .filter(([, c]) => c < total * 0.05)
    .map(([k]) => k)
    .sort((a, b) => b - a)
    .slice(0, 3);
  return new Map(sizes.map((s, i) => [s, i + 1]));
}

/**
 * Places outline entries that matched no line: at the title's first occurrence on its page, else
 * at the page start.
 */
export function placeOutline(
  text: string,
  pages: { number: number; start: number; end: number }[],
  entries: OutlineTitle[],
): HeadingMark[] {
  const out: HeadingMark[] = [];
  const lower = text.toLowerCase();
  for (const e of entries) {
    if (e.placed) continue;
    const page = pages[e.page - 1];
    if (!page) continue;
    const title = e.title.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (!title) continue;
    // Several entries on one page are searched in order, each after the previous one.
    const prev = out[out.length - 1];
    const from = prev && prev.page === e.page ? prev.start + 1 : page.start;
    const at = lower.indexOf(title.toLowerCase(), from);
    const start = at >= 0 && at + title.length <= page.end ? at : from <= page.end ? from : page.start;
    out.push({ title, level: e.level, start, page: e.page });
  }
  return out;
}

/**
 * Laid-out pages → text, pages, headings and geometry: boilerplate across pages, headings from
 * the outline (else from font sizes and numbering), paragraphs. Shared by PDFs and image files,
 * so OCR'd pages get exactly the text layer's treatment. `ocrStats` marks OCR'd pages' geometry.
 */
export function assemblePages(
  pages: PageLines[],
  outline: OutlineTitle[],
  ocrStats?: ReadonlyMap<number, { confidence: number; words: number }>,
): { text: string; pages: PageSpan[]; headings: HeadingMark[]; geometry: PageGeometry[] | undefined } {
  removeBoilerplate(pages);
  const b = new TextBuilder();
  const fontLevels = outline.length ? null : headingLevelsFromFonts(pages);
  const byPage = new Map<number, OutlineTitle[]>();
  for (const o of outline) byPage.set(o.page, [...(byPage.get(o.page) ?? []), o]);
  const numbered = outline.length ? undefined : new NumberedHeadings();
  pages.forEach((p, i) => appendPage(b, p, fontLevels, byPage.get(i + 1), numbered));
  const text = b.finish();
  const headings = [...b.headings, ...placeOutline(text, b.pages, outline)].sort((x, y) => x.start - y.start);
  const geometry = b.geometry;
  for (const g of geometry ?? []) {
    const stat = ocrStats?.get(g.page);
    if (stat) g.ocr = stat;
  }
  return { text, pages: b.pages, headings, geometry };
}
