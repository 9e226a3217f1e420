import { modelStateMigrations, type MigrationSet, type ModelStateRepository } from '@elegans/storage';
import { deserializeCheckpoint, serializeCheckpoint } from './checkpoint';
import type { DocumentCheckpoint } from './liquid-model';
import { LiquidState } from './state';

/** libs/model's tables (defined in libs/storage, which writes them through ModelStateRepository). */
export const MODEL_MIGRATIONS: MigrationSet = modelStateMigrations;

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToVector(b: Buffer): Float32Array {
  // Copy: the Buffer may sit at an offset that is not 4-byte aligned.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export interface StoredDocumentState {
  modelVersion: string;
  tokens: number;
  sentences: number;
  state: LiquidState;
  documentVector: Float32Array;
}

export interface StoredProgress {
  checkpoint: DocumentCheckpoint;
  /** Vectors emitted before the checkpoint, by unit index. */
  sentences: Map<number, Float32Array>;
  passages: Map<number, Float32Array>;
}

/**
 * Document streaming's state, (de)serialized here and stored through storage's ModelStateRepository
 * (SQLite or PostgreSQL): final states and resumable checkpoints.
 */
export class ModelStateStore {
  constructor(readonly repo: ModelStateRepository) {}

  async getDocumentState(documentId: string): Promise<StoredDocumentState | null> {
    const row = await this.repo.getDocumentState(documentId);
    if (!row) return null;
    return {
      modelVersion: row.modelVersion,
      tokens: row.tokens,
      sentences: row.sentences,
      state: LiquidState.deserialize(Buffer.from(row.state)),
      documentVector: blobToVector(Buffer.from(row.documentVector)),
    };
  }

  /** Stores the final state and drops the checkpoint (one transaction). */
  async finishDocument(documentId: string, s: StoredDocumentState): Promise<void> {
    await this.repo.finishDocument(documentId, {
      modelVersion: s.modelVersion,
      tokens: s.tokens,
      sentences: s.sentences,
      state: s.state.serialize(),
      documentVector: vectorToBlob(s.documentVector),
    });
  }

  /** Records a checkpoint together with the vectors emitted since the previous one (one transaction). */
  async saveCheckpoint(
    documentId: string,
    sentencesTotal: number,
    cp: DocumentCheckpoint,
    newSentences: ReadonlyArray<[number, Float32Array]>,
    newPassages: ReadonlyArray<[number, Float32Array]>,
  ): Promise<void> {
    await this.repo.saveCheckpoint(
      documentId,
      {
        modelVersion: cp.state.modelVersion,
        sentences: sentencesTotal,
        nextSentence: cp.nextSentence,
        checkpoint: serializeCheckpoint(cp),
      },
      [
        ...newSentences.map(([idx, v]) => ({ kind: 'sentence' as const, idx, vector: vectorToBlob(v) })),
        ...newPassages.map(([idx, v]) => ({ kind: 'passage' as const, idx, vector: vectorToBlob(v) })),
      ],
    );
  }

  /**
   * The last checkpoint of a document, only if it was made by `modelVersion` for a parse with the same
   * number of sentences (anything else is stale and is cleared).
   */
  async loadCheckpoint(
    documentId: string,
    modelVersion: string,
    sentencesTotal: number,
  ): Promise<StoredProgress | null> {
    const row = await this.repo.loadCheckpoint(documentId);
    if (!row) return null;
    if (row.checkpoint.modelVersion !== modelVersion || row.checkpoint.sentences !== sentencesTotal) {
      await this.clearCheckpoint(documentId);
      return null;
    }
    const checkpoint = deserializeCheckpoint(Buffer.from(row.checkpoint.checkpoint), { modelVersion });
    const sentences = new Map<number, Float32Array>();
    const passages = new Map<number, Float32Array>();
    for (const r of row.vectors)
      (r.kind === 'sentence' ? sentences : passages).set(r.idx, blobToVector(Buffer.from(r.vector)));
    return { checkpoint, sentences, passages };
  }

  async clearCheckpoint(documentId: string): Promise<void> {
    await this.repo.clearCheckpoint(documentId);
  }
}
