/**
 * The contract between libs/ingest and everything downstream. All offsets are UTF-16 code-unit
 * indices into `ParsedDocument.text`, half-open `[start, end)`, so that
 * `doc.text.slice(u.start, u.end) === u.text` for every unit. Pages are 1-based.
 */
export type DocumentFormat = 'pdf' | 'docx' | 'html' | 'markdown' | 'text';

export interface PageSpan {
  number: number;
  start: number;
  end: number;
}

/**
 * The structural role of a unit (issue 14). Detected in libs/ingest from layout and text evidence;
 * `body` when nothing else applies. Summaries draw from `body` and `abstract` only; answers prefer
 * `body` over `notes`, `references`, `index` and `toc` when both answer equally well.
 */
export type StructureRole =
  'front_matter' | 'toc' | 'body' | 'abstract' | 'notes' | 'references' | 'index' | 'appendix' | 'boilerplate';

export const STRUCTURE_ROLES: readonly StructureRole[] = [
  'front_matter',
  'toc',
  'body',
  'abstract',
  'notes',
  'references',
  'index',
  'appendix',
  'boilerplate',
];

export interface Section {
  title: string;
  /** Structural role; absent means not yet detected (treated as `body`). */
  role?: StructureRole;
  level: number;
  start: number;
  end: number;
  page: number;
}

export interface Sentence {
  index: number;
  start: number;
  end: number;
  page: number;
  text: string;
  /** Index of the section that contains it, or -1 if none. */
  section: number;
  /** Structural role; absent means not yet detected (treated as `body`). */
  role?: StructureRole;
}

export interface Passage {
  index: number;
  start: number;
  end: number;
  pageStart: number;
  pageEnd: number;
  text: string;
  /** Sentence indices covered, `[sentenceStart, sentenceEnd)`. */
  sentenceStart: number;
  sentenceEnd: number;
  /** Structural role (the role of most of its sentences); absent means `body`. */
  role?: StructureRole;
}

/**
 * Where characters of `ParsedDocument.text` sit on a page (issue 15: highlights; issue 17: OCR).
 * Coordinates are PDF points of the page as displayed (pdf.js viewport at scale 1, rotation
 * applied), origin at the top-left corner, y growing downwards. A box covers the run of characters
 * `[start, end)` laid out on one line (a word or a text item); boxes of a page are in text order.
 * `TextBox` is one box unpacked (geometry.ts `unpackBoxes`); pages hold them packed.
 */
export interface TextBox {
  start: number;
  end: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One page's boxes, packed (a 1,000-page book has about half a million words: as objects they
 * cost about five times as much and have to be copied out of the parse thread one by one).
 * Box i is `offsets[2i], offsets[2i+1]` (start, end) and `rects[4i .. 4i+3]` (x, y, width,
 * height). Where the boxes came from (text layer or OCR) does not change the format.
 */
export interface PageGeometry {
  /** 1-based page number. */
  page: number;
  width: number;
  height: number;
  offsets: Int32Array;
  /** Float32: a thousandth of a point or better on any page size. */
  rects: Float32Array;
  /** Set when the page's text came from OCR, not from a text layer. */
  ocr?: { confidence: number; words: number };
}

export type DocumentFlag = 'no_text_layer' | 'encrypted' | 'truncated' | 'ocr_needed';

/** `auto`: pages without a usable text layer; `force`: every page; `off`: none. */
export type OcrMode = 'off' | 'auto' | 'force';

export interface OcrOptions {
  mode: OcrMode;
  /** Render resolution for OCR. */
  dpi: number;
  /** At most this many pages of a document are OCR'd; later candidates fail with `ocr_page_limit`. */
  maxPages: number;
  /** A page whose OCR runs longer fails with `ocr_timeout`; the rest of the document is kept. */
  pageTimeoutMs: number;
  /** Past this much OCR time for the document, remaining pages fail with `ocr_time_limit`. */
  totalTimeoutMs: number;
  /**
   * A page whose mean Tesseract confidence is below this is left empty (`ocr_low_confidence`):
   * drawings, halftones and photos otherwise come back as strings of junk glyphs.
   */
  minConfidence: number;
}

export const DEFAULT_OCR: OcrOptions = {
  mode: 'off',
  dpi: 200,
  maxPages: 200,
  pageTimeoutMs: 60_000,
  totalTimeoutMs: 600_000,
  minConfidence: 50,
};

/** What OCR did to a document (absent when no page was a candidate). */
export interface OcrSummary {
  /** 1-based pages whose text came from OCR. */
  pages: number[];
  words: number;
  /** Mean Tesseract confidence (0..100) over OCR'd pages, weighted by words; null if none. */
  confidence: number | null;
  /** Candidate pages left without OCR text, with a stable code. */
  failed: {
    page: number;
    code: 'ocr_timeout' | 'ocr_time_limit' | 'ocr_page_limit' | 'ocr_low_confidence' | 'ocr_failed';
  }[];
  ms: number;
}

export interface DocumentMeta {
  format: DocumentFormat;
  contentHash: string;
  bytes: number;
  language: string | null;
  title: string | null;
  pageCount: number;
  encoding?: string;
  /** Set when OCR ran or was due (PDF pages without a usable text layer). */
  ocr?: OcrSummary;
}

export interface ParsedDocument {
  text: string;
  pages: PageSpan[];
  sections: Section[];
  sentences: Sentence[];
  passages: Passage[];
  meta: DocumentMeta;
  flags: DocumentFlag[];
  /** Per-page text geometry (PDF and OCR'd images); absent for formats without a page layout. */
  geometry?: PageGeometry[];
}

export interface IngestLimits {
  maxBytes: number;
  maxPages: number;
  parseTimeoutMs: number;
  /** Heap cap for the parse worker thread (parseInWorker); going over fails with parse_failed. */
  workerMemoryMb?: number;
}

export interface SegmentOptions {
  /** Target passage length in words. */
  passageWords: number;
  /** Sentences of overlap between consecutive passages. */
  passageOverlapSentences: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxBytes: 100 * 1024 * 1024,
  maxPages: 2000,
  parseTimeoutMs: 120_000,
};

export const DEFAULT_SEGMENT: SegmentOptions = { passageWords: 200, passageOverlapSentences: 0 };
