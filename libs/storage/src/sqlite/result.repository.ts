import type { ResultRepository } from '../repositories';
import type { ResultRecord } from '../types';
import type { SqliteDatabase } from './database';

interface ResultRow {
  document_id: string;
  kind: string;
  data: string;
  created_at: string;
}

const toResult = (r: ResultRow): ResultRecord => ({
  documentId: r.document_id,
  kind: r.kind,
  data: JSON.parse(r.data) as unknown,
  createdAt: r.created_at,
});

/** Per-document outputs of later stages (summary, doc state…), one JSON value per kind. */
export class SqliteResultRepository implements ResultRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async put(documentId: string, kind: string, data: unknown): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO results (document_id, kind, data, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (document_id, kind) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
      )
      .run(documentId, kind, JSON.stringify(data), new Date().toISOString());
  }

  async get(documentId: string, kind: string): Promise<ResultRecord | null> {
    const r = this.db.prepare('SELECT * FROM results WHERE document_id = ? AND kind = ?').get(documentId, kind) as
      ResultRow | undefined;
    return r ? toResult(r) : null;
  }

  async list(documentId: string): Promise<ResultRecord[]> {
    return (
      this.db.prepare('SELECT * FROM results WHERE document_id = ? ORDER BY kind').all(documentId) as ResultRow[]
    ).map(toResult);
  }
}
