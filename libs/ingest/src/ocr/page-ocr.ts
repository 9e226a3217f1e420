import type { RawItem } from '../formats/pdf-layout';
import type { OcrOptions, OcrSummary } from '../types';
import { OcrEngine, OcrTimeoutError, type OcrPageResult } from './engine';
import { largestImageCover, type OperatorListPage, type PdfOps } from './image-cover';
import { renderPageGray, type RenderablePage } from './render';

/** Fewer visible characters than this and a page counts as having no usable text layer. */
export const MIN_TEXT_LAYER_CHARS = 8;
/**
 * Over a page-sized image (a scan), a text layer this short is a stamp or a scanner's leftover
 * (often invisible, render mode 3), not the page's text: the page is OCR'd. A real OCR layer of a
 * searchable scan has far more characters and is kept.
 */
export const SCAN_STAMP_MAX_CHARS = 64;
/** An image covering this share of the page makes it a scan. */
export const FULL_PAGE_IMAGE = 0.8;

export function visibleChars(items: RawItem[]): number {
  let n = 0;
  for (const i of items) n += i.str.replace(/\s+/g, '').length;
  return n;
}

/**
 * Decides per page whether to OCR, runs it within the document's limits and turns the result into
 * text items in PDF user space, so OCR'd text goes through the same layout, boilerplate, paragraph
 * and segmentation code as a text layer. Owns one OcrEngine for the document (close() when done).
 */
export class PageOcr {
  private readonly engine = new OcrEngine();
  private started = 0;
  private confSum = 0;
  readonly summary: OcrSummary = { pages: [], words: 0, confidence: null, failed: [], ms: 0 };
  /** Per OCR'd page: Tesseract's confidence and word count (for PageGeometry.ocr). */
  readonly pageStats = new Map<number, { confidence: number; words: number }>();

  constructor(private readonly opts: OcrOptions) {}

  /**
   * Whether a page gets OCR: `force` always; `auto` when its text layer is not usable, that is
   * under MIN_TEXT_LAYER_CHARS characters, or under SCAN_STAMP_MAX_CHARS over a page-sized image
   * (read from the operator list only for such short text layers).
   */
  async wants(items: RawItem[], page?: OperatorListPage, ops?: PdfOps): Promise<boolean> {
    if (this.opts.mode === 'off') return false;
    if (this.opts.mode === 'force') return true;
    const chars = visibleChars(items);
    if (chars < MIN_TEXT_LAYER_CHARS) return true;
    if (chars >= SCAN_STAMP_MAX_CHARS || !page || !ops) return false;
    return (await largestImageCover(page, ops).catch(() => 0)) >= FULL_PAGE_IMAGE;
  }

  /**
   * OCR of one page; null when the page failed or was over a limit (recorded in `summary.failed`).
   * `view` is the page's [x0, y0, x1, y1] (PDF user space, bottom-left origin).
   */
  async page(page: RenderablePage, pageNumber: number, view: number[]): Promise<RawItem[] | null> {
    if (!this.started) this.started = Date.now();
    const fail = (code: OcrSummary['failed'][number]['code']): null => {
      this.summary.failed.push({ page: pageNumber, code });
      return null;
    };
    if (this.summary.pages.length >= this.opts.maxPages) return fail('ocr_page_limit');
    const left = this.opts.totalTimeoutMs - (Date.now() - this.started);
    if (left <= 0) return fail('ocr_time_limit');
    const t0 = Date.now();
    try {
      const img = await renderPageGray(page, this.opts.dpi);
      const res = await this.engine.recognize(img.pgm, img.dpi, Math.min(this.opts.pageTimeoutMs, left));
      if (res.lines.length && res.confidence < this.opts.minConfidence) return fail('ocr_low_confidence');
      const items = toItems(res, img.dpi, view);
      const words = res.lines.reduce((n, l) => n + l.words.length, 0);
      this.summary.pages.push(pageNumber);
      this.summary.words += words;
      this.pageStats.set(pageNumber, { confidence: res.confidence, words });
      this.confSum += res.confidence * words;
      this.summary.confidence = this.summary.words ? Math.round((this.confSum / this.summary.words) * 10) / 10 : null;
      return items;
    } catch (err) {
      if (err instanceof OcrTimeoutError)
        return fail(left < this.opts.pageTimeoutMs ? 'ocr_time_limit' : 'ocr_timeout');
      return fail('ocr_failed');
    } finally {
      this.summary.ms += Date.now() - t0;
    }
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/**
 * One text item per OCR line, with each word's own x-extent from Tesseract (so a citation
 * highlights the words OCR found, not positions estimated from glyph widths). The item sits on a
 * baseline at a fifth of the line height above its bottom edge, with ascent and descent chosen so
 * that the boxes cover the line's box exactly: the words of a Tesseract line share one baseline
 * cluster in layoutPage, and lines never cross a column because Tesseract finds the blocks first.
 * Pixel coordinates (top-left origin, `dpi`) → PDF user space (bottom-left origin, points).
 */
export function toItems(res: OcrPageResult, dpi: number, view: number[]): RawItem[] {
  const [vx0 = 0, vy0 = 0, vx1 = 612, vy1 = 792] = view;
  const left = Math.min(vx0, vx1);
  const top = Math.max(vy0, vy1);
  const k = 72 / dpi;
  return res.lines.map((l) => {
    const lineHeight = Math.max(1, (l.y1 - l.y0) * k);
    const size = lineHeight * 0.8;
    const bottom = top - l.y1 * k;
    const baseline = bottom + size * 0.2;
    return {
      str: l.words.map((w) => w.text).join(' '),
      transform: [size, 0, 0, size, left + l.x0 * k, baseline],
      width: (l.x1 - l.x0) * k,
      height: size,
      ascent: (bottom + lineHeight - baseline) / size,
      descent: -0.2,
      words: l.words.map((w) => ({ str: w.text, x0: left + w.x0 * k, x1: left + w.x1 * k })),
    };
  });
}
