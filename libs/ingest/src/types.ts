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

export interface Section {
  title: string;
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
}

export type DocumentFlag = 'no_text_layer' | 'encrypted' | 'truncated' | 'ocr_needed';

export interface DocumentMeta {
  format: DocumentFormat;
  contentHash: string;
  bytes: number;
  language: string | null;
  title: string | null;
  pageCount: number;
  encoding?: string;
}

export interface ParsedDocument {
  text: string;
  pages: PageSpan[];
  sections: Section[];
  sentences: Sentence[];
  passages: Passage[];
  meta: DocumentMeta;
  flags: DocumentFlag[];
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
