import { ElegansError } from '@elegans/common';
import { parseInWorker, type ProgressStage } from '@elegans/ingest';
import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../../../shared/src/config';
import { CONFIG } from '../../../shared/src/storage.module';
import type { PipelineStage, StageContext } from './stage';

/**
 * Bytes → ParsedDocument (libs/ingest) in a worker thread, so the event loop stays free to renew
 * the job lock; then pages, sections, sentences and passages are stored in one transaction.
 *
 * OCR is a stage of its own for status, progress and timings (`ocr`), but it runs inside this
 * parse: the parser reads every page's text layer first (`parsing`), then renders and recognizes
 * the pages without a usable one (`ocr`, page by page), then lays out and segments all pages
 * together, so OCR'd text gets the same boilerplate, heading, paragraph and role treatment as a
 * text layer. A separate pipeline stage would have to re-open the file or store half-parsed pages.
 */
@Injectable()
export class ParseStage implements PipelineStage {
  readonly name = 'parsing' as const;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  enabled(): boolean {
    return true;
  }

  async run(ctx: StageContext): Promise<void> {
    const { document: doc, storage } = ctx;
    if (!(await storage.blobs.exists(doc.contentHash))) {
      // DELETE removes the blob after the row; a missing row means cancellation, not corruption.
      if (!(await storage.documents.getById(doc.id))) throw new ElegansError('cancelled', 'document was deleted');
      throw new ElegansError('parse_failed', 'stored file is missing');
    }
    const abort = new AbortController();
    let cancelled: unknown = null;
    // Progress reports arrive from the parse thread as plain callbacks; they are applied in order
    // (the switch to `ocr` before the first OCR progress) and awaited before the stage ends.
    let reports: Promise<void> = Promise.resolve();
    let stage: ProgressStage = 'parsing';
    const parsed = await parseInWorker(await storage.blobs.localPath(doc.contentHash), {
      format: doc.format,
      ...(doc.filename ? { filename: doc.filename } : {}),
      limits: {
        maxBytes: this.config.maxUploadBytes,
        maxPages: this.config.MAX_PAGES,
        parseTimeoutMs: this.config.PARSE_TIMEOUT_MS,
        imageMaxPixels: this.config.IMAGE_MAX_PIXELS,
      },
      ocr: {
        mode: this.config.OCR,
        dpi: this.config.OCR_DPI,
        maxPages: this.config.OCR_MAX_PAGES,
        pageTimeoutMs: this.config.OCR_PAGE_TIMEOUT_MS,
        totalTimeoutMs: this.config.OCR_TOTAL_TIMEOUT_MS,
        minConfidence: this.config.OCR_MIN_CONFIDENCE,
      },
      signal: abort.signal,
      onProgress: (fraction, s) => {
        if (stage === 'ocr' && s === 'parsing') return;
        const enter = s !== stage;
        stage = s;
        reports = reports
          .then(async () => {
            if (enter) await ctx.enterStage('ocr');
            // Progress doubles as the cancellation check: a deleted document stops the parse thread.
            await ctx.progress(fraction * 0.9);
          })
          .catch((err: unknown) => {
            cancelled ??= err;
            abort.abort();
          });
      },
    }).catch((err: unknown) => {
      throw cancelled ?? err;
    });
    await reports;
    if (cancelled) throw cancelled;
    ctx.parsed = parsed;
    await storage.content.replaceParsed(doc.id, parsed);
    const written = await storage.documents.update(doc.id, {
      title: parsed.meta.title,
      language: parsed.meta.language,
      pageCount: parsed.pages.length,
      charCount: parsed.text.length,
      sentenceCount: parsed.sentences.length,
      passageCount: parsed.passages.length,
      flags: parsed.flags,
      ocr: parsed.meta.ocr
        ? {
            pages: parsed.meta.ocr.pages,
            words: parsed.meta.ocr.words,
            confidence: parsed.meta.ocr.confidence,
            failed: parsed.meta.ocr.failed,
          }
        : null,
    });
    if (!written) throw new ElegansError('cancelled', 'document was deleted');
    ctx.logger.info(
      {
        pages: parsed.pages.length,
        chars: parsed.text.length,
        passages: parsed.passages.length,
        ...(parsed.meta.ocr
          ? { ocrPages: parsed.meta.ocr.pages.length, ocrFailed: parsed.meta.ocr.failed.length }
          : {}),
      },
      'parsed',
    );
  }
}
