import type { Vector } from './vectors';

/**
 * What analysis needs from the liquid model, kept as a narrow interface so the lib stays pure and the
 * apps adapt libs/model to it (a worker pool, an in-process session, or a remote service).
 */
export interface TextUnit {
  text: string;
  start: number;
  end: number;
  page: number;
}

export interface SegmentedText {
  text: string;
  sentences: readonly TextUnit[];
  /** Sentence ranges `[sentenceStart, sentenceEnd)` of each passage. */
  passages: readonly { sentenceStart: number; sentenceEnd: number }[];
  /** Page and paragraph breaks, by sentence index: the model's ts grows there. Optional. */
  paragraphStarts?: ReadonlySet<number>;
}

export interface DocumentVectors {
  sentences: Vector[];
  passages: Vector[];
  document: Vector;
}

export interface Embedder {
  /** A short id of the model (manifest version), for reports. */
  readonly version: string;
  embedDocument(doc: SegmentedText): Promise<DocumentVectors>;
  embedQuery(text: string): Promise<Vector>;
  /** Many queries at once (batched by the model when it can). */
  embedQueries?(texts: readonly string[]): Promise<Vector[]>;
}
