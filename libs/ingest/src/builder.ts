import type { PageSpan } from './types';

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

export const BLOCK_SEP = '\n';
export const PAGE_SEP = '\n\n';

export class TextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private pageStart = -1;
  private pageHasText = false;
  readonly pages: PageSpan[] = [];
  readonly headings: HeadingMark[] = [];

  /** 1-based number of the page being built (or the last one). */
  get pageNumber(): number {
    return this.pages.length + (this.pageStart >= 0 ? 1 : 0);
  }

  get offset(): number {
    return this.length;
  }

  beginPage(): void {
    if (this.pageStart >= 0) this.endPage();
    this.pageStart = this.length;
    this.pageHasText = false;
  }

  endPage(): void {
    if (this.pageStart < 0) return;
    this.pages.push({ number: this.pages.length + 1, start: this.pageStart, end: this.length });
    this.pageStart = -1;
  }

  /** Appends one block; returns its start offset, or -1 when it was empty after cleaning. */
  addBlock(text: string): number {
    const clean = text.replace(/[\r\n\f\v\u2028\u2029]+/g, ' ').trim();
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
    return start;
  }

  addHeading(title: string, level: number): void {
    const clean = title.replace(/\s+/g, ' ').trim();
    const start = this.addBlock(clean);
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
