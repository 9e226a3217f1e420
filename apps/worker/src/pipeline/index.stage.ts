import { ElegansError } from '@elegans/common';
import { documentSentences } from '@elegans/model';
import type { UnitVectors } from '@elegans/retrieval';
import { Injectable } from '@nestjs/common';
import type { PipelineStage, StageContext } from './stage';

/**
 * Writes the document's passages and sentences into the retrieval index (libs/retrieval's repository
 * over the storage database, SQLite or PostgreSQL: BM25 and the liquid vectors from the embed stage, tagged with the model version), replacing
 * what an earlier run or version indexed. Without vectors (embed stage disabled or a count
 * mismatch) the document is still searchable lexically; `elegans reindex` adds vectors later.
 */
@Injectable()
export class IndexStage implements PipelineStage {
  readonly name = 'indexing' as const;
  enabled(): boolean {
    return true;
  }

  async run(ctx: StageContext): Promise<void> {
    const doc = ctx.parsed;
    if (!doc) throw new ElegansError('internal_error', 'index stage ran without a parsed document');
    await ctx.progress(0);
    const v = ctx.vectors;
    let vectors: UnitVectors | undefined;
    if (v && v.passages.length === doc.passages.length && v.sentences.length === doc.sentences.length) {
      vectors = { modelVersion: v.modelVersion, passages: v.passages, sentences: v.sentences };
    } else if (v) {
      ctx.logger.warn(
        { passages: [v.passages.length, doc.passages.length], sentences: [v.sentences.length, doc.sentences.length] },
        'vector counts do not match the parse; indexing lexically only',
      );
    }
    // Boundaries (sentence / paragraph / page) are stored so reindexing can replay the document
    // through the model with the same timesteps without the original text layout.
    const boundaries = documentSentences(doc).map((s) => s.boundary ?? 'sentence');
    const res = await ctx.storage.retrieval.indexDocument({
      tenantId: ctx.document.tenantId,
      documentId: ctx.document.id,
      collection: ctx.document.collection,
      passages: doc.passages,
      sentences: doc.sentences.map((s, i) => ({
        index: s.index,
        start: s.start,
        end: s.end,
        page: s.page,
        section: s.section,
        boundary: boundaries[i],
        text: s.text,
        // Answers rank notes, references, index and TOC below the body (libs/analysis).
        ...(s.role ? { role: s.role } : {}),
      })),
      vectors,
    });
    ctx.logger.info(
      { passages: res.passageIds.length, sentences: res.sentenceIds.length, vectors: vectors?.modelVersion ?? null },
      'indexed',
    );
    await ctx.progress(1);
  }
}
