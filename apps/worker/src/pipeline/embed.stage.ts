import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ElegansError } from '@elegans/common';
import {
  defaultModelDir,
  documentSentences,
  embedDocumentResumable,
  LiquidModel,
  ModelStateStore,
  type ResumableEmbedOptions,
} from '@elegans/model';
import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../../../shared/src/config';
import { CONFIG } from '../../../shared/src/storage.module';
import type { PipelineStage, StageContext } from './stage';

/**
 * Streams the parsed document through the liquid model (libs/model) with one carried state:
 * sentence and passage vectors (handed to the index stage, which stores them as float32 BLOBs in
 * retrieval's tables, and to the summarize stage) and the final document state plus document vector
 * (stored in libs/model's tables). Long documents checkpoint every MODEL_CHECKPOINT_TOKENS tokens, so
 * a retried job resumes where the previous attempt stopped.
 *
 * Settings (apps/shared/src/config.ts): ELEGANS_MODEL_DIR (default models/liquid), MODEL_THREADS,
 * MODEL_CHUNK_TOKENS, MODEL_CHECKPOINT_TOKENS, and MODEL_LANES with MODEL_LANE_*: a long document streams in
 * parallel lanes (libs/model document-lanes.ts), each warmed up over the text before its segment; 1 = the
 * exactly carried state. Documents shorter than two segments always take the exact path.
 *
 * The model call runs on the event loop thread but yields after every call (a few ms), so job locks
 * keep being renewed.
 */
@Injectable()
export class EmbedStage implements PipelineStage {
  readonly name = 'embedding' as const;
  private readonly modelDir = defaultModelDir();
  private readonly available = existsSync(join(this.modelDir, 'manifest.json'));
  private model: Promise<LiquidModel> | null = null;
  private store: ModelStateStore | null = null;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  /** Disabled (skipped honestly, lexical only) when no model is shipped in modelDir. */
  enabled(): boolean {
    return this.available;
  }

  /** Loaded once per process on first use; the ONNX session is shared by every job. */
  private loadModel(): Promise<LiquidModel> {
    this.model ??= LiquidModel.load({
      modelDir: this.modelDir,
      intraOpNumThreads: this.config.MODEL_THREADS,
      interOpNumThreads: 1,
      chunkSize: this.config.MODEL_CHUNK_TOKENS,
    }).catch((err: unknown) => {
      this.model = null;
      throw err;
    });
    return this.model;
  }

  /** Lanes for one long document, or undefined for the exact carried state (MODEL_LANES=1). */
  private laneOptions(): ResumableEmbedOptions['lanes'] {
    const c = this.config;
    if (c.MODEL_LANES <= 1) return undefined;
    return {
      lanes: c.MODEL_LANES,
      warmupTokens: c.MODEL_LANE_WARMUP_TOKENS,
      minSegmentTokens: c.MODEL_LANE_MIN_SEGMENT_TOKENS,
      maxSegmentTokens: c.MODEL_LANE_MAX_SEGMENT_TOKENS,
    };
  }

  async run(ctx: StageContext): Promise<void> {
    const doc = ctx.parsed;
    if (!doc) throw new ElegansError('internal_error', 'embed stage ran without a parsed document');
    await ctx.progress(0);
    const model = await this.loadModel();
    if (!this.store || this.store.repo !== ctx.storage.modelStates)
      this.store = new ModelStateStore(ctx.storage.modelStates);
    // Tokens really run through the model, counted as they go (elegans_tokens_streamed_total): a killed
    // attempt's work is counted too, which is what shows a resumed retry does not redo it.
    let counted = 0;
    const res = await embedDocumentResumable(model, this.store, ctx.document.id, documentSentences(doc), doc.passages, {
      checkpointEveryTokens: this.config.MODEL_CHECKPOINT_TOKENS,
      lanes: this.laneOptions(),
      onProgress: async (p) => {
        await ctx.addTokens(p.streamed - counted);
        counted = p.streamed;
        // Also the cancellation point: throws when the document was deleted meanwhile.
        await ctx.progress(p.sentencesTotal > 0 ? p.sentencesDone / p.sentencesTotal : 1);
      },
    });
    ctx.vectors = {
      modelVersion: res.modelVersion,
      sentences: res.sentences,
      passages: res.passages,
      document: res.document,
    };
    await ctx.addTokens(res.tokensStreamed - counted);
    // The document's token count is the whole document, also when this attempt resumed midway.
    ctx.documentTokens = res.tokens;
    ctx.logger.info(
      {
        modelVersion: res.modelVersion,
        tokens: res.tokens,
        streamed: res.tokensStreamed,
        resumedAt: res.resumedAt,
        lanes: res.lanes,
      },
      'embedded',
    );
    await ctx.progress(1);
  }
}
