import { createHash } from 'node:crypto';
import { ElegansError, isElegansError } from '@elegans/common';
import { detectFormat } from './detect';
import { parseDocx } from './formats/docx';
import { parseHtml } from './formats/html';
import { parseImage } from './formats/image';
import { parseMarkdown } from './formats/markdown';
import { parsePdf } from './formats/pdf';
import { decodeText, parseText } from './formats/text';
import type { FormatContext, FormatResult } from './formats/types';
import { detectLanguage } from './language';
import { segment } from './segment/segment';
import { assignRoles } from './structure/roles';
import {
  DEFAULT_LIMITS,
  DEFAULT_OCR,
  DEFAULT_SEGMENT,
  type DocumentFormat,
  type IngestLimits,
  type OcrOptions,
  type ParsedDocument,
  type ProgressStage,
  type SegmentOptions,
} from './types';

export interface ParseOptions {
  limits?: Partial<IngestLimits>;
  segment?: Partial<SegmentOptions>;
  /** Only used to tell Markdown from plain text (".md"); bytes always decide the rest. */
  filename?: string;
  /** Skip detection (the caller already knows the format). */
  format?: DocumentFormat;
  /** OCR of PDF pages without a usable text layer (default off). */
  ocr?: Partial<OcrOptions>;
  /**
   * Called with 0..1 as pages are read (`parsing`), then as pages are OCR'd (`ocr`, only when some
   * page needs it). The stage never goes back from `ocr` to `parsing`.
   */
  onProgress?: (fraction: number, stage: ProgressStage) => void;
}

export function resolveLimits(limits?: Partial<IngestLimits>): IngestLimits {
  return { ...DEFAULT_LIMITS, ...stripUndefined(limits ?? {}) };
}

export function resolveSegment(opts?: Partial<SegmentOptions>): SegmentOptions {
  return { ...DEFAULT_SEGMENT, ...stripUndefined(opts ?? {}) };
}

export function resolveOcr(opts?: Partial<OcrOptions>): OcrOptions {
  return { ...DEFAULT_OCR, ...stripUndefined(opts ?? {}) };
}

/** The parse time limit, plus the OCR budget when OCR is on (OCR has its own explicit limits). */
export function parseDeadlineMs(limits: IngestLimits, ocr: OcrOptions): number {
  return limits.parseTimeoutMs + (ocr.mode === 'off' ? 0 : ocr.totalTimeoutMs);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Bytes → ParsedDocument in the current thread. Prefer `parseInWorker` anywhere a slow or
 * hostile file must not block the event loop; this function only enforces the time limit
 * cooperatively (between pages). Failures are `ElegansError`s with stable codes; anything
 * unexpected becomes `parse_failed`.
 */
export async function parseDocument(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedDocument> {
  const limits = resolveLimits(options.limits);
  const started = Date.now();
  if (bytes.length > limits.maxBytes) {
    throw new ElegansError('too_large', `document is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  }
  if (bytes.length === 0) throw new ElegansError('empty_document', 'document is empty');
  const format = options.format ?? refineByName(detectFormat(bytes), options.filename);
  if (!format)
    throw new ElegansError('unsupported_format', 'not a PDF, DOCX, HTML, Markdown, text, PNG, JPEG or TIFF document');
  const ocr = resolveOcr(options.ocr);
  const deadlineMs = parseDeadlineMs(limits, ocr);
  let stage: ProgressStage = 'parsing';
  const ctx: FormatContext = {
    limits,
    ocr,
    onProgress: (fraction, s) => {
      stage = s;
      options.onProgress?.(fraction, s);
    },
    checkDeadline: () => {
      if (Date.now() - started > deadlineMs) {
        throw new ElegansError('parse_timeout', `parsing took longer than ${deadlineMs} ms`);
      }
    },
  };
  let result: FormatResult;
  try {
    result = await parseFormat(format, bytes, ctx);
  } catch (err) {
    if (isElegansError(err)) throw err;
    throw new ElegansError('parse_failed', `${format} parser failed: ${(err as Error)?.message ?? String(err)}`);
  }
  const hasText = /\S/.test(result.text);
  if (!hasText && !result.flags.includes('no_text_layer')) {
    throw new ElegansError('empty_document', 'document contains no text');
  }
  ctx.checkDeadline();
  const seg = segment({
    text: result.text,
    pages: result.pages,
    headings: result.headings,
    softLineBreaks: result.softLineBreaks,
    options: resolveSegment(options.segment),
  });
  options.onProgress?.(1, stage);
  const roled = assignRoles({ ...seg, pageCount: result.pages.length });
  return {
    text: result.text,
    pages: result.pages,
    sections: roled.sections,
    sentences: roled.sentences,
    passages: roled.passages,
    meta: {
      format,
      contentHash: contentHash(bytes),
      bytes: bytes.length,
      language: hasText ? await detectLanguage(result.text) : null,
      title: result.title,
      pageCount: result.pages.length,
      ...(result.encoding ? { encoding: result.encoding } : {}),
      ...(result.ocr ? { ocr: result.ocr } : {}),
    },
    flags: result.flags,
    ...(result.geometry ? { geometry: result.geometry } : {}),
  };
}

function parseFormat(
  format: DocumentFormat,
  bytes: Uint8Array,
  ctx: FormatContext,
): Promise<FormatResult> | FormatResult {
  switch (format) {
    case 'pdf':
      return parsePdf(bytes, ctx);
    case 'docx':
      return parseDocx(bytes, ctx.limits.maxBytes);
    case 'html':
      return parseHtml(decodeText(bytes).text);
    case 'markdown':
      return parseMarkdown(decodeText(bytes).text);
    case 'text':
      return parseText(bytes);
    case 'png':
    case 'jpeg':
    case 'tiff':
      return parseImage(bytes, format, ctx);
  }
}

/** The name may only move text to Markdown (or back); it never overrides binary detection. */
function refineByName(format: DocumentFormat | null, filename?: string): DocumentFormat | null {
  if (!filename || (format !== 'text' && format !== 'markdown')) return format;
  if (/\.(md|markdown|mdown|mkd)$/i.test(filename)) return 'markdown';
  if (/\.(txt|text|log)$/i.test(filename)) return 'text';
  return format;
}
