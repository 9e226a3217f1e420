import type { Box, Geometry } from '../types';

/**
 * Geometry boxes are PDF points of the displayed page (pdf.js viewport at scale 1, origin top-left,
 * y down), so a page drawn at `scale` shows a box at exactly (x, y, w, h) × scale.
 */
export function scaleBoxes(boxes: Box[], scale: number): Box[] {
  return boxes.map((b) => ({ x: b.x * scale, y: b.y * scale, width: b.width * scale, height: b.height * scale }));
}

/** The boxes of one page of a geometry answer (a citation can run across pages). */
export function boxesOnPage(g: Geometry | null, page: number): Box[] {
  return g?.pages.find((p) => p.page === page)?.boxes ?? [];
}

/** The scale that fits a page of `pageWidth` points into `available` CSS pixels, within bounds. */
export function fitScale(pageWidth: number, available: number, min = 0.3, max = 2.5): number {
  if (!(pageWidth > 0) || !(available > 0)) return 1;
  return Math.min(max, Math.max(min, available / pageWidth));
}

/**
 * A page's text cut around the cited range [start, end) (document offsets; the page starts at
 * `pageStart`): before, highlighted, after. An empty middle means the range is not on this page.
 */
export function splitAtRange(text: string, pageStart: number, start: number, end: number): [string, string, string] {
  const a = Math.max(0, Math.min(text.length, start - pageStart));
  const b = Math.max(a, Math.min(text.length, end - pageStart));
  return [text.slice(0, a), text.slice(a, b), text.slice(b)];
}
