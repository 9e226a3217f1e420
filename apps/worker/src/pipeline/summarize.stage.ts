import { buildStoredSummary } from '@elegans/analysis';
import { ElegansError } from '@elegans/common';
import { Injectable } from '@nestjs/common';
import type { PipelineStage, StageContext } from './stage';

/** The results row kind holding a document's StoredSummary (libs/analysis). */
export const SUMMARY_RESULT_KIND = 'summary';

/**
 * Builds the document summary (libs/analysis: salience from the liquid vectors when the embed stage
 * produced them, position and lexical centrality, MMR) and stores it as a `results` row with every
 * sentence's salience, so the API serves other lengths without the model.
 */
@Injectable()
export class SummarizeStage implements PipelineStage {
  readonly name = 'summarizing' as const;

  enabled(): boolean {
    return true;
  }

  async run(ctx: StageContext): Promise<void> {
    const doc = ctx.parsed;
    if (!doc) throw new ElegansError('internal_error', 'summarize stage ran without a parsed document');
    await ctx.progress(0);
    const v = ctx.vectors;
    const usable = v && v.sentences.length === doc.sentences.length ? v : null;
    const summary = buildStoredSummary(
      doc,
      usable ? { sentences: usable.sentences, passages: usable.passages, document: usable.document } : null,
      usable?.modelVersion ?? null,
    );
    await ctx.progress(0.9);
    await ctx.storage.results.put(ctx.document.id, SUMMARY_RESULT_KIND, summary);
    await ctx.progress(1);
  }
}
