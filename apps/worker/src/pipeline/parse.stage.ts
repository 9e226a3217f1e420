import { ElegansError } from '@elegans/common';
import { parseInWorker } from '@elegans/ingest';
import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../../../shared/src/config';
import { CONFIG } from '../../../shared/src/storage.module';
import type { PipelineStage, StageContext } from './stage';

/**
 * Bytes → ParsedDocument (libs/ingest) in a worker thread, so the event loop stays free to renew
 * the job lock; then pages, sections, sentences and passages are stored in one transaction.
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
    const parsed = await parseInWorker(await storage.blobs.localPath(doc.contentHash), {
      format: doc.format,
      ...(doc.filename ? { filename: doc.filename } : {}),
      limits: {
        maxBytes: this.config.maxUploadBytes,
        maxPages: this.config.MAX_PAGES,
        parseTimeoutMs: this.config.PARSE_TIMEOUT_MS,
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
      onProgress: (fraction) => {
        // Progress doubles as the cancellation check: a deleted document stops the parse thread.
        ctx.progress(fraction * 0.9).catch((err: unknown) => {
          cancelled ??= err;
          abort.abort();
        });
      },
    }).catch((err: unknown) => {
      throw cancelled ?? err;
    });
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
    });
    if (!written) throw new ElegansError('cancelled', 'document was deleted');
    ctx.logger.info(
      { pages: parsed.pages.length, chars: parsed.text.length, passages: parsed.passages.length },
      'parsed',
    );
  }
}
