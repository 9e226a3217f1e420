import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ElegansError } from '@elegans/common';
import {
  defaultModelDir,
  documentSentences,
  embedDocumentResumable,
  LiquidModel,
  ModelStateStore,
} from '@elegans/model';
import { Injectable } from '@nestjs/common';
import type { PipelineStage, StageContext } from './stage';

/** Positive integer from the environment, or the default; a bad value fails loudly at start. */
function envInt(name: string, def: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return v;
}

/**
 * Streams the parsed document through the liquid model (libs/model) with one carried state:
 * sentence and passage vectors (handed to the index stage, which stores them as float32 BLOBs in
 * retrieval's tables, and to the summarize stage) and the final document state plus document vector
 * (stored in libs/model's tables). Long documents checkpoint every MODEL_CHECKPOINT_TOKENS tokens, so
 * a retried job resumes where the previous attempt stopped.
 *
 * Settings (environment): ELEGANS_MODEL_DIR (default models/liquid), MODEL_THREADS (ONNX Runtime
 * intra-op threads, default 1: jobs run concurrently and the recurrent graph gains little from more),
 * MODEL_CHUNK_TOKENS (tokens per model call, default 64), MODEL_CHECKPOINT_TOKENS (default 8192, 0 = off).
 * The model call runs on the event loop thread but yields after every call (a few ms), so job locks
 * keep being renewed.
 */
@Injectable()
export class EmbedStage implements PipelineStage {
  readonly name = 'embedding' as const;
  private readonly modelDir = defaultModelDir();
  private readonly available = existsSync(join(this.modelDir, 'manifest.json'));
  private readonly threads = envInt('MODEL_THREADS', 1, 1);
  private readonly chunkSize = envInt('MODEL_CHUNK_TOKENS', 64, 1);
  private readonly checkpointEvery = envInt('MODEL_CHECKPOINT_TOKENS', 8192, 0);
  // One long document in parallel lanes (libs/model document-lanes.ts). Default 1 = the exact carried state:
  // the lanes' retrieval loss against it is not yet measured (issue 14).
  private readonly lanes = envInt('MODEL_LANES', 1, 1);
  private readonly laneWarmup = envInt('MODEL_LANE_WARMUP_TOKENS', 1024, 0);
  private readonly laneMinSegment = envInt('MODEL_LANE_MIN_SEGMENT_TOKENS', 2048, 1);
  private model: Promise<LiquidModel> | null = null;
  private store: ModelStateStore | null = null;

  /** Disabled (skipped honestly, lexical only) when no model is shipped in modelDir. */
  enabled(): boolean {
    return this.available;
  }

  /** Loaded once per process on first use; the ONNX session is shared by every job. */
  private loadModel(): Promise<LiquidModel> {
    this.model ??= LiquidModel.load({
      modelDir: this.modelDir,
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      chunkSize: this.chunkSize,
    }).catch((err: unknown) => {
      this.model = null;
      throw err;
    });
    return this.model;
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
      checkpointEveryTokens: this.checkpointEvery,
      lanes:
        this.lanes > 1
          ? { lanes: this.lanes, warmupTokens: this.laneWarmup, minSegmentTokens: this.laneMinSegment }
          : undefined,
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
      { modelVersion: res.modelVersion, tokens: res.tokens, streamed: res.tokensStreamed, resumedAt: res.resumedAt },
      'embedded',
    );
    await ctx.progress(1);
  }
}
