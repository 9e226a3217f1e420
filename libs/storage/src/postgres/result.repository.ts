import type { ResultRepository } from '../repositories';
import type { ResultRecord } from '../types';
import { pgJson, type PgQueryable } from './database';

interface ResultRow {
  document_id: string;
  kind: string;
  data: unknown;
  created_at: string;
}

const toResult = (r: ResultRow): ResultRecord => ({
  documentId: r.document_id,
  kind: r.kind,
  data: r.data,
  createdAt: r.created_at,
});

/** Per-document outputs of later stages (summary, doc state…), one JSONB value per kind. */
export class PgResultRepository implements ResultRepository {
  constructor(private readonly db: PgQueryable) {}

  async put(documentId: string, kind: string, data: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO results (document_id, kind, data, created_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (document_id, kind) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
      [documentId, kind, pgJson(data), new Date().toISOString()],
    );
  }

  async get(documentId: string, kind: string): Promise<ResultRecord | null> {
    const r = await this.db.query<ResultRow>('SELECT * FROM results WHERE document_id = $1 AND kind = $2', [
      documentId,
      kind,
    ]);
    return r.rows[0] ? toResult(r.rows[0]) : null;
  }

  async list(documentId: string): Promise<ResultRecord[]> {
    const r = await this.db.query<ResultRow>('SELECT * FROM results WHERE document_id = $1 ORDER BY kind COLLATE "C"', [
      documentId,
    ]);
    return r.rows.map(toResult);
  }
}
