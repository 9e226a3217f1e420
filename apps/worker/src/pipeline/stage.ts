import type { ParsedDocument } from '@elegans/ingest';
import type { DocumentRecord } from '@elegans/storage';
import type { AppStorage } from '../../../shared/src/app-storage';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';

export type StageName = 'parsing' | 'ocr' | 'embedding' | 'indexing' | 'summarizing';

/** What a stage gets: the document, storage, and a progress reporter that doubles as a cancellation check. */
export interface StageContext {
  readonly document: DocumentRecord;
  readonly job: Job;
  readonly storage: AppStorage;
  readonly logger: Logger;
  /** Set by the parse stage (or loaded from storage for a reindex); later stages read it. */
  parsed: ParsedDocument | null;
  /**
   * Set by the embed stage when the liquid model ran: one vector per sentence and passage (parse
   * order) and the document vector. Later stages (summarize) use them; absent means lexical only.
   */
  vectors?: StageVectors | null;
  /**
   * Reports this stage's progress (0..1), mirrored into the document row and the job. Throws
   * ElegansError('cancelled') when the document was deleted meanwhile: call it between chunks.
   */
  progress(fraction: number): Promise<void>;
  /**
   * Moves the document to a stage that runs inside the current one (`ocr` inside parsing: OCR'd
   * text must go through the same layout and segmentation as the text layer, in the same parse).
   * The document's status, progress band and timings follow; `progress` reports within it from
   * then on. Stages only move forward.
   */
  enterStage(name: StageName): Promise<void>;
  /** Tokens streamed through the model: counted into /metrics and the document's `tokens`. */
  addTokens(count: number): Promise<void>;
  /**
   * Tokens in the whole document, when a stage knows it better than the streamed count (a retry
   * that resumed from a checkpoint streams only the rest). Overrides the sum of addTokens.
   */
  documentTokens?: number;
}

export interface StageVectors {
  modelVersion: string;
  sentences: Float32Array[];
  passages: Float32Array[];
  document: Float32Array;
}

/**
 * One step of the document pipeline. A stage that has nothing real to do yet reports
 * `enabled() === false`: the pipeline skips it (no status change, no timing, no fake result).
 */
export interface PipelineStage {
  readonly name: StageName;
  enabled(): boolean;
  run(ctx: StageContext): Promise<void>;
}

export const PIPELINE_STAGES = Symbol('PIPELINE_STAGES');
