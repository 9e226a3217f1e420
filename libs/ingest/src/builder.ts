import { BoxWriter, type PlacedText } from './geometry';
import type { PageGeometry, PageSpan } from './types';

/**
 * Builds the document text block by block and page by page while recording exact offsets.
 * Conventions (see README): blocks (paragraphs, headings, list items, table rows) are separated
 * by "\n"; pages by a blank line "\n\n". Every "\n" in built text is therefore a hard boundary
 * for sentences, and no sentence crosses a page. A page without text gets an empty span and adds
 * no characters, so a scanned PDF yields "" rather than a run of separators.
 */
export interface HeadingMark {
  title: string;
  level: number;
  start: number;
  page: number;
}

/**
 * The page being built as displayed: its size in points and the map from the coordinates its
 * PlacedText uses to display coordinates (top-left origin, y down). Omit the transform when the
 * positions are display coordinates already (OCR).
 */
export interface PageFrame {
  width: number;
  height: number;
  transform?: readonly number[];
  ocr?: PageGeometry['ocr'];
}

export const BLOCK_SEP = '\n';
export const PAGE_SEP = '\n\n';

export class TextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private pageStart = -1;
  private pageHasText = false;
  readonly pages: PageSpan[] = [];
  readonly headings: HeadingMark[] = [];
  /** One entry per page begun with a frame; see PlacedText (geometry.ts). */
  readonly geometry: PageGeometry[] = [];
  private frame: PageFrame | undefined;
  private boxes = new BoxWriter();

  /** 1-based number of the page being built (or the last one). */
  get pageNumber(): number {
    return this.pages.length + (this.pageStart >= 0 ? 1 : 0);
  }

  get offset(): number {
    return this.length;
  }

  /** Starts a page; with a frame, the page's text boxes are kept (geometry). */
  beginPage(frame?: PageFrame): void {
    if (this.pageStart >= 0) this.endPage();
    this.pageStart = this.length;
    this.pageHasText = false;
    this.frame = frame;
    this.boxes = new BoxWriter();
  }

  endPage(): void {
    if (this.pageStart < 0) return;
    const number = this.pages.length + 1;
    this.pages.push({ number, start: this.pageStart, end: this.length });
    if (this.frame) {
      const f = this.frame;
      this.geometry.push({
        page: number,
        width: f.width,
        height: f.height,
        ...this.boxes.finish(),
        ...(f.ocr ? { ocr: f.ocr } : {}),
      });
    }
    this.frame = undefined;
    this.boxes = new BoxWriter();
    this.pageStart = -1;
  }

  /** Appends one block; returns its start offset, or -1 when it was empty after cleaning. */
  addBlock(text: string | PlacedText): number {
    const cleaned = typeof text === 'string' ? null : text.replace(/[\r\n\f\v\u2028\u2029]+/g, ' ').trim();
    const clean = cleaned ? cleaned.text : (text as string).replace(/[\r\n\f\v\u2028\u2029]+/g, ' ').trim();
    if (!clean) return -1;
    if (this.pageStart < 0) this.beginPage();
    if (!this.pageHasText) {
      if (this.length > 0) this.push(PAGE_SEP);
      this.pageStart = this.length;
      this.pageHasText = true;
    } else {
      this.push(BLOCK_SEP);
    }
    const start = this.length;
    this.push(clean);
    if (this.frame && cleaned) cleaned.writeBoxes(this.boxes, start, this.frame.transform);
    return start;
  }

  addHeading(title: string | PlacedText, level: number): void {
    const cleaned = typeof title === 'string' ? title.replace(/\s+/g, ' ').trim() : title.replace(/\s+/g, ' ').trim();
    const clean = typeof cleaned === 'string' ? cleaned : cleaned.text;
    const start = this.addBlock(cleaned);
    if (start >= 0) this.headings.push({ title: clean, level, start, page: this.pageNumber });
  }

  finish(): string {
    this.endPage();
    return this.parts.join('');
  }

  private push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }
}
