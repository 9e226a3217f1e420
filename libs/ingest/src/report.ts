import { isElegansError } from '@elegans/common';
import { countWords } from './segment/segment';
import type { IngestLimits, OcrOptions, OcrSummary, ParsedDocument, SegmentOptions } from './types';
import { parseInWorker } from './worker';

/**
 * One file through parseInWorker, reduced to the figures `elegans parse` reports. Never throws:
 * every outcome is a status (`ok`, `no_text_layer`, or the error code).
 */
export interface ParseReport {
  path: string;
  status: string;
  format: string | null;
  pages: number;
  chars: number;
  words: number;
  sentences: number;
  passages: number;
  ms: number;
  language?: string | null;
  flags?: string[];
  /** What OCR did (only when OCR was on and some page lacked a usable text layer). */
  ocr?: OcrSummary;
  error?: string;
}

export async function parseFileReport(
  path: string,
  opts: {
    limits?: Partial<IngestLimits>;
    segment?: Partial<SegmentOptions>;
    ocr?: Partial<OcrOptions>;
    keep?: (doc: ParsedDocument) => void;
  } = {},
): Promise<ParseReport> {
  const started = performance.now();
  try {
    const doc = await parseInWorker(path, {
      limits: opts.limits,
      segment: opts.segment,
      ocr: opts.ocr,
      filename: path,
    });
    opts.keep?.(doc);
    return {
      path,
      status: doc.flags.includes('no_text_layer') ? 'no_text_layer' : 'ok',
      format: doc.meta.format,
      pages: doc.pages.length,
      chars: doc.text.length,
      words: countWords(doc.text),
      sentences: doc.sentences.length,
      passages: doc.passages.length,
      ms: Math.round(performance.now() - started),
      language: doc.meta.language,
      flags: doc.flags,
      ...(doc.meta.ocr ? { ocr: doc.meta.ocr } : {}),
    };
  } catch (err) {
    return {
      path,
      status: isElegansError(err) ? err.code : 'parse_failed',
      format: null,
      pages: 0,
      chars: 0,
      words: 0,
      sentences: 0,
      passages: 0,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
