import type {
  ModelCheckpointRecord,
  ModelStateRecord,
  ModelStateRepository,
  PartialVectorRecord,
} from '../repositories';
import { inTransaction, type PgClient, type PgPool } from './database';

const bytes = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** model_document_states, model_checkpoints, model_partial_vectors (BYTEA) in PostgreSQL. */
export class PgModelStateRepository implements ModelStateRepository {
  constructor(private readonly pool: PgPool) {}

  async getDocumentState(documentId: string): Promise<ModelStateRecord | null> {
    const r = await this.pool.query<{
      model_version: string;
      tokens: number;
      sentences: number;
      state: Buffer;
      document_vector: Buffer;
    }>(
      'SELECT model_version, tokens, sentences, state, document_vector FROM model_document_states WHERE document_id = $1',
      [documentId],
    );
    const row = r.rows[0];
    return row
      ? {
          modelVersion: row.model_version,
          tokens: row.tokens,
          sentences: row.sentences,
          state: row.state,
          documentVector: row.document_vector,
        }
      : null;
  }

  async finishDocument(documentId: string, s: ModelStateRecord): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO model_document_states (document_id, model_version, tokens, sentences, state, document_vector, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (document_id) DO UPDATE SET model_version = excluded.model_version, tokens = excluded.tokens,
           sentences = excluded.sentences, state = excluded.state, document_vector = excluded.document_vector,
           updated_at = excluded.updated_at`,
        [
          documentId,
          s.modelVersion,
          s.tokens,
          s.sentences,
          bytes(s.state),
          bytes(s.documentVector),
          new Date().toISOString(),
        ],
      );
      await clear(c, documentId);
    });
  }

  async saveCheckpoint(documentId: string, cp: ModelCheckpointRecord, vectors: PartialVectorRecord[]): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      if (vectors.length > 0) {
        await c.query(
          `INSERT INTO model_partial_vectors (document_id, kind, idx, vector)
           SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bytea[])
           ON CONFLICT (document_id, kind, idx) DO UPDATE SET vector = excluded.vector`,
          [documentId, vectors.map((v) => v.kind), vectors.map((v) => v.idx), vectors.map((v) => bytes(v.vector))],
        );
      }
      await c.query(
        `INSERT INTO model_checkpoints (document_id, model_version, sentences, next_sentence, checkpoint, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (document_id) DO UPDATE SET model_version = excluded.model_version, sentences = excluded.sentences,
           next_sentence = excluded.next_sentence, checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
        [documentId, cp.modelVersion, cp.sentences, cp.nextSentence, bytes(cp.checkpoint), new Date().toISOString()],
      );
    });
  }

  async loadCheckpoint(
    documentId: string,
  ): Promise<{ checkpoint: ModelCheckpointRecord; vectors: PartialVectorRecord[] } | null> {
    const r = await this.pool.query<{
      model_version: string;
      sentences: number;
      next_sentence: number;
      checkpoint: Buffer;
    }>('SELECT model_version, sentences, next_sentence, checkpoint FROM model_checkpoints WHERE document_id = $1', [
      documentId,
    ]);
    const row = r.rows[0];
    if (!row) return null;
    const v = await this.pool.query<PartialVectorRecord>(
      'SELECT kind, idx, vector FROM model_partial_vectors WHERE document_id = $1',
      [documentId],
    );
    return {
      checkpoint: {
        modelVersion: row.model_version,
        sentences: row.sentences,
        nextSentence: row.next_sentence,
        checkpoint: row.checkpoint,
      },
      vectors: v.rows,
    };
  }

  async clearCheckpoint(documentId: string): Promise<void> {
    await inTransaction(this.pool, (c) => clear(c, documentId));
  }
}

async function clear(c: PgClient, documentId: string): Promise<void> {
  await c.query('DELETE FROM model_partial_vectors WHERE document_id = $1', [documentId]);
  await c.query('DELETE FROM model_checkpoints WHERE document_id = $1', [documentId]);
}
