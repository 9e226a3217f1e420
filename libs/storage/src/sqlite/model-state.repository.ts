import type {
  ModelCheckpointRecord,
  ModelStateRecord,
  ModelStateRepository,
  PartialVectorRecord,
} from '../repositories';
import type { SqliteDatabase } from './database';

/** model_document_states, model_checkpoints, model_partial_vectors (modelStateMigrations). */
export class SqliteModelStateRepository implements ModelStateRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async getDocumentState(documentId: string): Promise<ModelStateRecord | null> {
    const r = this.db
      .prepare(
        'SELECT model_version, tokens, sentences, state, document_vector FROM model_document_states WHERE document_id = ?',
      )
      .get(documentId) as
      { model_version: string; tokens: number; sentences: number; state: Buffer; document_vector: Buffer } | undefined;
    return r
      ? {
          modelVersion: r.model_version,
          tokens: r.tokens,
          sentences: r.sentences,
          state: r.state,
          documentVector: r.document_vector,
        }
      : null;
  }

  async finishDocument(documentId: string, s: ModelStateRecord): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO model_document_states (document_id, model_version, tokens, sentences, state, document_vector)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(documentId, s.modelVersion, s.tokens, s.sentences, Buffer.from(s.state), Buffer.from(s.documentVector));
      this.clear(documentId);
    })();
  }

  async saveCheckpoint(documentId: string, cp: ModelCheckpointRecord, vectors: PartialVectorRecord[]): Promise<void> {
    const putVec = this.db.prepare(
      'INSERT OR REPLACE INTO model_partial_vectors (document_id, kind, idx, vector) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const v of vectors) putVec.run(documentId, v.kind, v.idx, Buffer.from(v.vector));
      this.db
        .prepare(
          `INSERT OR REPLACE INTO model_checkpoints (document_id, model_version, sentences, next_sentence, checkpoint)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(documentId, cp.modelVersion, cp.sentences, cp.nextSentence, Buffer.from(cp.checkpoint));
    })();
  }

  async loadCheckpoint(
    documentId: string,
  ): Promise<{ checkpoint: ModelCheckpointRecord; vectors: PartialVectorRecord[] } | null> {
    const r = this.db
      .prepare(
        'SELECT model_version, sentences, next_sentence, checkpoint FROM model_checkpoints WHERE document_id = ?',
      )
      .get(documentId) as
      { model_version: string; sentences: number; next_sentence: number; checkpoint: Buffer } | undefined;
    if (!r) return null;
    const vectors = this.db
      .prepare('SELECT kind, idx, vector FROM model_partial_vectors WHERE document_id = ?')
      .all(documentId) as PartialVectorRecord[];
    return {
      checkpoint: {
        modelVersion: r.model_version,
        sentences: r.sentences,
        nextSentence: r.next_sentence,
        checkpoint: r.checkpoint,
      },
      vectors,
    };
  }

  async clearCheckpoint(documentId: string): Promise<void> {
    this.db.transaction(() => this.clear(documentId))();
  }

  private clear(documentId: string): void {
    this.db.prepare('DELETE FROM model_partial_vectors WHERE document_id = ?').run(documentId);
    this.db.prepare('DELETE FROM model_checkpoints WHERE document_id = ?').run(documentId);
  }
}
