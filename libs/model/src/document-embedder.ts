import type { LaneOptions } from './document-lanes';
import type { LiquidModel } from './liquid-model';
import type { ModelStateStore } from './store';
import type { SentenceInput } from './timesteps';

export interface ResumableEmbedOptions {
  /** Checkpoint about every N tokens (default 8192; 0 disables checkpoints). */
  checkpointEveryTokens?: number;
  /** Parallel lanes for one long document (see LiquidModel.embedDocument); absent = exact carried state. */
  lanes?: Partial<LaneOptions>;
  /** `tokens`: stream position in the document; `streamed`: tokens this call has run through the model so far. */
  onProgress?: (p: {
    sentencesDone: number;
    sentencesTotal: number;
    tokens: number;
    streamed: number;
  }) => void | Promise<void>;
}

export interface StoredDocumentVectors {
  modelVersion: string;
  /** One per sentence, in parse order. */
  sentences: Float32Array[];
  /** One per passage, in the order given. */
  passages: Float32Array[];
  document: Float32Array;
  /** Tokens in the whole document. */
  tokens: number;
  /** Tokens streamed by this call (fewer than `tokens` when resumed). */
  tokensStreamed: number;
  /** Sentence the stream resumed at (0 for a fresh run). */
  resumedAt: number;
  /** Most segments streamed at once: 1 = the exact carried state, more = parallel lanes. */
  lanes: number;
}

/**
 * Streams one document through the model with periodic checkpoints in the database, resuming from the last
 * checkpoint when a previous attempt stopped midway (crash, SIGTERM, lost lock), and stores the final
 * state and document vector. The result is the same as one uninterrupted run.
 */
export async function embedDocumentResumable(
  model: LiquidModel,
  store: ModelStateStore,
  documentId: string,
  sentences: ReadonlyArray<SentenceInput>,
  passages: ReadonlyArray<{ sentenceStart: number; sentenceEnd: number }>,
  opts: ResumableEmbedOptions = {},
): Promise<StoredDocumentVectors> {
  const N = sentences.length;
  let prior = await store.loadCheckpoint(documentId, model.version, N);
  if (prior) {
    const cut = prior.checkpoint.nextSentence;
    const complete =
      Array.from({ length: cut }, (_, i) => i).every((i) => prior!.sentences.has(i)) &&
      passages.every((p, i) => p.sentenceEnd > cut || prior!.passages.has(i));
    if (!complete) {
      await store.clearCheckpoint(documentId);
      prior = null;
    }
  }
  const sentenceVectors: Float32Array[] = new Array(N);
  const passageVectors: Float32Array[] = new Array(passages.length);
  prior?.sentences.forEach((v, i) => (sentenceVectors[i] = v));
  prior?.passages.forEach((v, i) => (passageVectors[i] = v));
  let newSentences: Array<[number, Float32Array]> = [];
  let newPassages: Array<[number, Float32Array]> = [];
  const startTokens = prior?.checkpoint.state.position ?? 0;
  const every = opts.checkpointEveryTokens ?? 8192;

  const res = await model.embedDocument(sentences, {
    passages,
    resume: prior?.checkpoint,
    collect: false,
    lanes: opts.lanes,
    checkpointEveryTokens: every > 0 ? every : undefined,
    onSentence: (i, v) => {
      sentenceVectors[i] = v;
      newSentences.push([i, v]);
    },
    onPassage: (i, v) => {
      passageVectors[i] = v;
      newPassages.push([i, v]);
    },
    onCheckpoint: async (cp) => {
      // Take this round's vectors before the write awaits, so none emitted meanwhile is dropped.
      const [s, p] = [newSentences, newPassages];
      newSentences = [];
      newPassages = [];
      await store.saveCheckpoint(documentId, N, cp, s, p);
    },
    onProgress: opts.onProgress && ((p) => opts.onProgress!({ ...p, streamed: p.tokens - startTokens })),
  });
  await store.finishDocument(documentId, {
    modelVersion: model.version,
    tokens: res.tokens,
    sentences: N,
    state: res.state,
    documentVector: res.documentVector,
  });
  return {
    modelVersion: model.version,
    sentences: sentenceVectors,
    passages: passageVectors,
    document: res.documentVector,
    tokens: res.tokens,
    tokensStreamed: res.tokens - startTokens,
    resumedAt: res.firstSentence,
    lanes: res.lanes,
  };
}
