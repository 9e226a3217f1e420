/**
 * Reading order for one PDF page, from pdf.js text items (pure geometry, no pdf.js types).
 *
 * 1. Runs: one per non-empty item, with its baseline origin (transform e, f), font size
 *    (|(c, d)|) and advance width, Unicode-normalised (NFKC folds ligatures such as "ﬁ").
 * 2. Lines: runs sorted top-down are clustered by baseline (within 0.4 × font size), sorted
 *    left to right, and cut into fragments wherever the gap exceeds 1.2 × font size (a gutter
 *    or a table column), so neighbouring columns never merge.
 * 3. Columns: the widest vertical band in the middle half of the page that no more than a few
 *    fragments cross, with real text on both sides, is a gutter. Fragments crossing it are
 *    full-width (titles, spanning abstracts) and cut the page into bands; each band is read
 *    left column then right column.
 * Rotated runs (vertical text, sideways tables) keep content-stream order after the rest.
 */
import { PlacedText } from '../geometry';

export interface RawItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  dir?: string;
  /** Font ascent and descent in em (pdf.js text styles), for the vertical extent of boxes. */
  ascent?: number;
  descent?: number;
  /**
   * Positioned words of the item (OCR lines): each word keeps its own x-extent instead of one
   * estimated from glyph widths. `str` must be the words joined by single spaces.
   */
  words?: { str: string; x0: number; x1: number }[];
}

export interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  /** 0: single column or full width; 1: left column; 2: right column; 3: rotated text. */
  column: number;
  /** `text` with the page position of its characters (PDF user space). */
  placed: PlacedText;
}

interface Run {
  text: string;
  placed: PlacedText;
  x0: number;
  x1: number;
  y: number;
  size: number;
  rtl: boolean;
}

const SOFT_HYPHEN = /\u00ad/g;

export function normalizeText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\t\n\r\f\v]/g, ' ');
}

export function layoutPage(items: RawItem[], pageWidth: number): Line[] {
  const runs: Run[] = [];
  const rotated: string[] = [];
  for (const it of items) {
    if (!it.str) continue;
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = it.transform;
    const text = normalizeText(it.str);
    if (!text.trim()) continue;
    if (Math.abs(b) > Math.abs(a) * 0.2 || Math.abs(c) > Math.abs(d) * 0.2 || a <= 0) {
      rotated.push(text.trim());
      continue;
    }
    const size = Math.hypot(c, d) || it.height || 10;
    const width = Number.isFinite(it.width) && it.width > 0 ? it.width : text.length * size * 0.5;
    if (!Number.isFinite(e) || !Number.isFinite(f)) continue;
    const ascent = it.ascent && it.ascent > 0 && it.ascent < 2 ? it.ascent : 0.8;
    const descent = it.descent && it.descent < 0 && it.descent > -1 ? it.descent : -0.2;
    const y0 = f + descent * size;
    const y1 = f + ascent * size;
    const placed = it.words?.length
      ? PlacedText.words(it.words.map((w) => ({ text: normalizeText(w.str), extent: { x0: w.x0, x1: w.x1, y0, y1 } })))
      : PlacedText.run(text, { x0: e, x1: e + width, y0, y1 });
    runs.push({ text: placed.text, placed, x0: e, x1: e + width, y: f, size, rtl: it.dir === 'rtl' });
  }

  const fragments = buildFragments(runs);
  const lines = orderFragments(fragments, pageWidth);
  if (rotated.length) {
    const maxY = lines.length ? minOf(lines, (l) => l.y) - 1 : 0;
    const text = rotated.join(' ');
    lines.push({ text, placed: PlacedText.plain(text), x0: 0, x1: 0, y: maxY, size: 0, column: 3 });
  }
  return lines;
}

interface Fragment extends Line {
  /** Index of the baseline cluster, for re-joining fragments when no gutter is found. */
  cluster: number;
}

function buildFragments(runs: Run[]): Fragment[] {
  runs.sort((p, q) => q.y - p.y || p.x0 - q.x0);
  const clusters: Run[][] = [];
  let current: Run[] = [];
  let clusterY = Number.NaN;
  let clusterSize = 0;
  for (const r of runs) {
    if (current.length && Math.abs(clusterY - r.y) <= 0.4 * Math.min(clusterSize, r.size)) {
      current.push(r);
      continue;
    }
    if (current.length) clusters.push(current);
    current = [r];
    clusterY = r.y;
    clusterSize = r.size;
  }
  if (current.length) clusters.push(current);
  attachScripts(clusters);

  const out: Fragment[] = [];
  clusters.forEach((cluster, ci) => {
    const rtl = cluster.filter((r) => r.rtl).length * 2 > cluster.length;
    cluster.sort((p, q) => p.x0 - q.x0);
    let frag: Run[] = [];
    const emit = (): void => {
      if (!frag.length) return;
      const ordered = rtl ? [...frag].reverse() : frag;
      const placed = joinRuns(ordered, rtl);
      out.push({
        text: placed.text,
        placed,
        x0: minOf(frag, (r) => r.x0),
        x1: maxOf(frag, (r) => r.x1),
        y: median(frag.map((r) => r.y)),
        size: median(frag.map((r) => r.size)),
        column: 0,
        cluster: ci,
      });
      frag = [];
    };
    let right = -Infinity;
    for (const r of cluster) {
      const last = frag[frag.length - 1];
      if (last) {
        const gap = r.x0 - right;
        // Fake bold: the same text drawn twice at almost the same place.
        if (r.text === last.text && Math.abs(r.x0 - last.x0) < 0.3 * r.size) continue;
        if (gap > 1.2 * Math.max(r.size, last.size)) emit();
      }
      frag.push(r);
      right = frag.length === 1 ? r.x1 : Math.max(right, r.x1);
    }
    emit();
  });
  return out;
}

/**
 * Superscripts and subscripts (footnote marks, exponents, indices) sit off the baseline in a
 * smaller font and would otherwise form lines of their own, cutting sentences in two. A small run
 * in a cluster of small runs moves to the nearest cluster of larger text whose baseline is at most
 * 0.7 × its size below (superscript) or 0.35 × above (subscript) and whose extent covers it.
 */
function attachScripts(clusters: Run[][]): void {
  const info = clusters.map((c) => ({
    y: median(c.map((r) => r.y)),
    size: maxOf(c, (r) => r.size),
    x0: minOf(c, (r) => r.x0),
    x1: maxOf(c, (r) => r.x1),
  }));
  for (let ci = 0; ci < clusters.length; ci++) {
    const own = info[ci]!;
    const cluster = clusters[ci]!;
    const keep: Run[] = [];
    for (const r of cluster) {
      if (r.text.trim().length > 6) {
        keep.push(r);
        continue;
      }
      let best = -1;
      let bestDy = Infinity;
      for (let hi = Math.max(0, ci - 3); hi <= Math.min(clusters.length - 1, ci + 3); hi++) {
        const h = info[hi]!;
        if (hi === ci || clusters[hi]!.length === 0 || h.size * 0.85 < own.size) continue;
        const dy = r.y - h.y;
        if (dy > 0.7 * h.size || dy < -0.35 * h.size) continue;
        if (r.x0 < h.x0 - h.size || r.x0 > h.x1 + h.size) continue;
        if (Math.abs(dy) < bestDy) {
          best = hi;
          bestDy = Math.abs(dy);
        }
      }
      if (best >= 0) clusters[best]!.push({ ...r, y: info[best]!.y });
      else keep.push(r);
    }
    clusters[ci] = keep;
  }
  for (let i = clusters.length - 1; i >= 0; i--) if (clusters[i]!.length === 0) clusters.splice(i, 1);
}

function joinRuns(runs: Run[], rtl: boolean): PlacedText {
  const parts: (PlacedText | string)[] = [];
  let s = '';
  let prev: Run | null = null;
  for (const r of runs) {
    if (prev) {
      const gap = rtl ? prev.x0 - r.x1 : r.x0 - prev.x1;
      const needsSpace = gap > 0.15 * Math.min(r.size, prev.size) && !/\s$/.test(s) && !/^\s/.test(r.text);
      if (needsSpace) {
        s += ' ';
        parts.push(' ');
      }
    }
    s += r.text;
    parts.push(r.placed);
    prev = r;
  }
  return PlacedText.join(parts)
    .replace(SOFT_HYPHEN, (m, i: number) => (i === s.length - 1 ? '-' : ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Columns belong to a region of the page, not only to the page. The page-wide gutter search is
 * kept, but the page is also cut into blocks at horizontal strips of white space that no fragment
 * touches (at least 1.5 body lines tall), and each block looks for its own gutter. A block whose own
 * gutter is crossed by fewer of its fragments than the page's gutter (a table's column gaps above
 * two-column prose can win the page-wide search and make every prose line of the left column
 * "cross") is read with its own gutter; runs of the other blocks are read together with the
 * page's, exactly as before, so two columns that share a white strip still read column by column.
 */
function orderFragments(frags: Fragment[], pageWidth: number): Line[] {
  if (frags.length === 0) return [];
  const pageGutter = findGutter(frags, pageWidth);
  const page = typeof pageGutter === 'number' ? pageGutter : null;
  const blocks = splitBlocks(frags);
  if (blocks.length < 2) return orderBlock(frags, page);
  const out: Line[] = [];
  // Fragments keep their baseline-cluster order within a block (the single-column path joins
  // fragments of a cluster in that order).
  const index = new Map(frags.map((f, i) => [f, i]));
  let pending: Fragment[] = [];
  const flush = (): void => {
    if (pending.length)
      out.push(
        ...orderBlock(
          pending.sort((p, q) => index.get(p)! - index.get(q)!),
          page,
        ),
      );
    pending = [];
  };
  for (const b of blocks) {
    const own = findGutter(b, pageWidth);
    if (
      typeof own === 'number' &&
      (page === null || crossings(b, page) > crossings(b, own)) &&
      proseSides(b, own, pageWidth)
    ) {
      flush();
      out.push(
        ...orderBlock(
          b.sort((p, q) => index.get(p)! - index.get(q)!),
          own,
        ),
      );
    } else pending.push(...b);
  }
  flush();
  return out;
}

/**
 * A block overrides the page only on prose evidence: at least 4 lines a quarter of the page wide on
 * each side of its gutter (columns of a paper are about 0.37 of the page). Equations, plot labels
 * and table cells are narrower and keep the page's reading.
 */
function proseSides(frags: Fragment[], x: number, pageWidth: number): boolean {
  let left = 0;
  let right = 0;
  for (const f of frags) {
    if (f.x1 - f.x0 < pageWidth * 0.25) continue;
    if (f.x1 <= x) left++;
    else if (f.x0 >= x) right++;
  }
  return left >= 4 && right >= 4;
}

function crossings(frags: Fragment[], x: number): number {
  let n = 0;
  for (const f of frags) if (f.x0 < x && f.x1 > x) n++;
  return n;
}

/** Blocks top-down, cut where a horizontal strip of at least 1.5 body lines holds no fragment. */
function splitBlocks(frags: Fragment[]): Fragment[][] {
  const body = median(frags.map((f) => f.size)) || 10;
  const sorted = [...frags].sort((p, q) => q.y - p.y);
  const blocks: Fragment[][] = [];
  let current: Fragment[] = [];
  let floor = Infinity;
  for (const f of sorted) {
    const top = f.y + 0.8 * f.size;
    if (current.length && floor - top >= 1.5 * body) {
      blocks.push(current);
      current = [];
    }
    current.push(f);
    floor = current.length === 1 ? f.y - 0.25 * f.size : Math.min(floor, f.y - 0.25 * f.size);
  }
  if (current.length) blocks.push(current);
  return blocks;
}

function orderBlock(frags: Fragment[], gutter: number | null): Line[] {
  if (frags.length === 0) return [];
  if (gutter === null) {
    // Single column: re-join fragments that share a baseline (table cells, tab stops).
    const byCluster = new Map<number, Fragment[]>();
    for (const f of frags) {
      const list = byCluster.get(f.cluster);
      if (list) list.push(f);
      else byCluster.set(f.cluster, [f]);
    }
    return [...byCluster.values()].map((fs) => ({
      text: fs.map((f) => f.text).join(' '),
      placed: PlacedText.join(
        fs.map((f) => f.placed),
        ' ',
      ),
      x0: fs[0]!.x0,
      x1: fs[fs.length - 1]!.x1,
      y: fs[0]!.y,
      size: maxOf(fs, (f) => f.size),
      column: 0,
    }));
  }
  const crosses = (f: Fragment): boolean => f.x0 < gutter && f.x1 > gutter;
  const full = frags.filter(crosses).sort((p, q) => q.y - p.y);
  const rest = new Set(frags.filter((f) => !crosses(f)));
  const out: Line[] = [];
  // Bands: from the top, each full-width fragment closes the band above it. Fragments on the
  // crosser's own baseline (other cells of a table row) join it in x order.
  let top = Infinity;
  const take = (lo: number, hi: number): void => {
    const inBand = [...rest].filter((x) => x.y <= hi && x.y > lo);
    for (const column of [1, 2]) {
      const side = inBand.filter((f) => (column === 1 ? f.x1 <= gutter : f.x1 > gutter));
      for (const f of side.sort((p, q) => q.y - p.y || p.x0 - q.x0)) {
        out.push({ text: f.text, placed: f.placed, x0: f.x0, x1: f.x1, y: f.y, size: f.size, column });
        rest.delete(f);
      }
    }
  };
  for (const f of full) {
    const tol = 0.3 * f.size;
    const row = [...rest].filter((x) => Math.abs(x.y - f.y) <= tol);
    for (const x of row) rest.delete(x);
    take(f.y + tol, top);
    const cells = [f, ...row].sort((p, q) => p.x0 - q.x0);
    out.push({
      text: cells.map((c) => c.text).join(' '),
      placed: PlacedText.join(
        cells.map((c) => c.placed),
        ' ',
      ),
      x0: cells[0]!.x0,
      x1: maxOf(cells, (c) => c.x1),
      y: f.y,
      size: maxOf(cells, (c) => c.size),
      column: 0,
    });
    top = f.y - tol;
  }
  take(-Infinity, top);
  return mergeSameBaseline(out);
}

/** Within one column, fragments on one baseline (split by a wide gap) become one line again. */
function mergeSameBaseline(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (const l of lines) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.column === l.column &&
      Math.abs(prev.y - l.y) < 0.2 * Math.min(prev.size, l.size) &&
      l.x0 >= prev.x1
    ) {
      prev.text = `${prev.text} ${l.text}`;
      prev.placed = PlacedText.join([prev.placed, l.placed], ' ');
      prev.x1 = l.x1;
      continue;
    }
    out.push({ ...l });
  }
  return out;
}

/**
 * The widest x-interval within the middle half of the page crossed by the fewest fragments (at
 * most a quarter of them),
 * with at least 4 fragments wholly on each side that share vertical extent. Returns the x of the
 * band's centre, 'single' when the evidence says one column, 'unknown' when there is too little
 * text to say.
 */
function findGutter(all: Fragment[], pageWidth: number): number | 'single' | 'unknown' {
  if (all.length < 8) return 'unknown';
  const minX = minOf(all, (f) => f.x0);
  const maxX = maxOf(all, (f) => f.x1);
  const width = Math.max(maxX - minX, pageWidth * 0.5);
  // Prose lines decide; table cells and labels are too narrow to say anything about columns.
  const frags = all.filter((f) => f.x1 - f.x0 >= width * 0.15);
  if (frags.length < 8) return 'unknown';
  const lo = minX + width * 0.25;
  const hi = minX + width * 0.75;
  const step = Math.max(1, width / 200);
  // Crossing counts along the middle half; the gutter is the widest run at the minimum.
  const xs: number[] = [];
  const counts: number[] = [];
  for (let x = lo; x <= hi; x += step) {
    xs.push(x);
    counts.push(frags.filter((f) => f.x0 < x && f.x1 > x).length);
  }
  const min = minOf(counts, (c) => c);
  // Centred titles and spanning blocks cross the gutter; body lines of either column never do.
  if (min > frags.length * 0.25) return 'single';
  let best: [number, number] | null = null;
  for (let i = 0; i < xs.length; i++) {
    if (counts[i] !== min) continue;
    let j = i;
    while (j + 1 < xs.length && counts[j + 1] === min) j++;
    if (!best || xs[j]! - xs[i]! > best[1] - best[0]) best = [xs[i]!, xs[j]!];
    i = j;
  }
  if (!best) return 'single';
  const mid = (best[0] + best[1]) / 2;
  const leftSide = frags.filter((f) => f.x1 <= mid && f.x0 < best![0]);
  const rightSide = frags.filter((f) => f.x0 >= mid && f.x1 > best![1]);
  if (leftSide.length < 4 || rightSide.length < 4) return 'unknown';
  // Both sides must overlap vertically, or this is a stack of blocks, not columns.
  const lTop = maxOf(leftSide, (f) => f.y);
  const lBot = minOf(leftSide, (f) => f.y);
  const rTop = maxOf(rightSide, (f) => f.y);
  const rBot = minOf(rightSide, (f) => f.y);
  const overlap = Math.min(lTop, rTop) - Math.max(lBot, rBot);
  if (overlap <= 0) return 'single';
  // Narrow side text (line numbers, margin notes) is not a column.
  const lWidth = median(leftSide.map((f) => f.x1 - f.x0));
  const rWidth = median(rightSide.map((f) => f.x1 - f.x0));
  if (lWidth < width * 0.15 || rWidth < width * 0.15) return 'single';
  return mid;
}

/** Loops, not Math.min(...xs): a page can hold more items than the call stack takes arguments. */
export function minOf<T>(xs: readonly T[], f: (x: T) => number): number {
  let m = Infinity;
  for (const x of xs) m = Math.min(m, f(x));
  return m;
}

export function maxOf<T>(xs: readonly T[], f: (x: T) => number): number {
  let m = -Infinity;
  for (const x of xs) m = Math.max(m, f(x));
  return m;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
}
