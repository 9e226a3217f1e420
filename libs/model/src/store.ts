import type { Database } from 'better-sqlite3';
import type { MigrationSet } from '@elegans/storage';
import { deserializeCheckpoint, serializeCheckpoint } from './checkpoint';
import type { DocumentCheckpoint } from './liquid-model';
import { LiquidState } from './state';

/**
 * Tables owned by libs/model (applied after storage's set: they reference documents(id), so deleting
 * a document deletes its state and checkpoints).
 * - model_document_states: the final recurrent state of each document (LiquidState bytes, the whole
 *   document's context in 2 KB) and its document vector, per model version.
 * - model_checkpoints / model_partial_vectors: a long document's progress while it streams, so a retried
 *   job resumes where the last attempt stopped instead of starting over. Removed once the document is done.
 * Vectors are float32 little-endian BLOBs.
 */
export const MODEL_MIGRATIONS: MigrationSet = {
  name: 'model',
  migrations: [
    {
      version: 1,
      name: 'document-states-checkpoints',
      sql: `
CREATE TABLE model_document_states (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  sentences INTEGER NOT NULL,
  state BLOB NOT NULL,
  document_vector BLOB NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE model_checkpoints (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  sentences INTEGER NOT NULL,
  next_sentence INTEGER NOT NULL,
  checkpoint BLOB NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE model_partial_vectors (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('sentence', 'passage')),
  idx INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (document_id, kind, idx)
) WITHOUT ROWID;
`,
    },
  ],
};

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

/** SQLite side effects of document streaming: final states and resumable checkpoints. */
export class ModelStateStore {
  constructor(readonly db: Database) {}

  saveDocumentState(documentId: string, s: StoredDocumentState): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO model_document_states (document_id, model_version, tokens, sentences, state, document_vector)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(documentId, s.modelVersion, s.tokens, s.sentences, s.state.serialize(), vectorToBlob(s.documentVector));
  }

  getDocumentState(documentId: string): StoredDocumentState | null {
    const row = this.db
      .prepare(
        'SELECT model_version, tokens, sentences, state, document_vector FROM model_document_states WHERE document_id = ?',
      )
      .get(documentId) as
      { model_version: string; tokens: number; sentences: number; state: Buffer; document_vector: Buffer } | undefined;
    if (!row) return null;
    return {
      modelVersion: row.model_version,
      tokens: row.tokens,
      sentences: row.sentences,
      state: LiquidState.deserialize(row.state),
      documentVector: blobToVector(row.document_vector),
    };
  }

  /** Records a checkpoint together with the vectors emitted since the previous one (one transaction). */
  saveCheckpoint(
    documentId: string,
    sentencesTotal: number,
    cp: DocumentCheckpoint,
    newSentences: ReadonlyArray<[number, Float32Array]>,
    newPassages: ReadonlyArray<[number, Float32Array]>,
  ): void {
    const putVec = this.db.prepare(
      'INSERT OR REPLACE INTO model_partial_vectors (document_id, kind, idx, vector) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const [i, v] of newSentences) putVec.run(documentId, 'sentence', i, vectorToBlob(v));
      for (const [i, v] of newPassages) putVec.run(documentId, 'passage', i, vectorToBlob(v));
      this.db
        .prepare(
          `INSERT OR REPLACE INTO model_checkpoints (document_id, model_version, sentences, next_sentence, checkpoint)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(documentId, cp.state.modelVersion, sentencesTotal, cp.nextSentence, serializeCheckpoint(cp));
    })();
  }

  /**
   * The last checkpoint of a document, only if it was made by `modelVersion` for a parse with the same
   * number of sentences (anything else is stale and is cleared).
   */
  loadCheckpoint(documentId: string, modelVersion: string, sentencesTotal: number): StoredProgress | null {
    const row = this.db
      .prepare('SELECT model_version, sentences, checkpoint FROM model_checkpoints WHERE document_id = ?')
      .get(documentId) as { model_version: string; sentences: number; checkpoint: Buffer } | undefined;
    if (!row) return null;
    if (row.model_version !== modelVersion || row.sentences !== sentencesTotal) {
      this.clearCheckpoint(documentId);
      return null;
    }
    const checkpoint = deserializeCheckpoint(row.checkpoint, { modelVersion });
    const sentences = new Map<number, Float32Array>();
    const passages = new Map<number, Float32Array>();
    const rows = this.db
      .prepare('SELECT kind, idx, vector FROM model_partial_vectors WHERE document_id = ?')
      .all(documentId) as Array<{ kind: string; idx: number; vector: Buffer }>;
    for (const r of rows) (r.kind === 'sentence' ? sentences : passages).set(r.idx, blobToVector(r.vector));
    return { checkpoint, sentences, passages };
  }

  clearCheckpoint(documentId: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM model_partial_vectors WHERE document_id = ?').run(documentId);
      this.db.prepare('DELETE FROM model_checkpoints WHERE document_id = ?').run(documentId);
    })();
  }
}
