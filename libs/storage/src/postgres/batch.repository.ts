import type { BatchFileRecord, BatchRecord, BatchRepository } from '../repositories';
import { toBatch, toBatchFile } from '../sqlite/batch.repository';
import { inTransaction, pgText, type PgPool } from './database';

/** batches + batch_items (storage's set) and analysis_batch_files (batch files set), in PostgreSQL. */
export class PgBatchRepository implements BatchRepository {
  constructor(private readonly pool: PgPool) {}

  async create(input: { id: string; tenantId: string; total: number }): Promise<BatchRecord> {
    const now = new Date().toISOString();
    const r = await this.pool.query(
      `INSERT INTO batches (id, tenant_id, status, total, created_at, updated_at)
       VALUES ($1, $2, 'processing', $3, $4, $4) RETURNING *`,
      [input.id, input.tenantId, input.total, now],
    );
    return toBatch(r.rows[0]);
  }

  async getForTenant(tenantId: string, id: string): Promise<BatchRecord | null> {
    const r = await this.pool.query('SELECT * FROM batches WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    return r.rows[0] ? toBatch(r.rows[0]) : null;
  }

  async addFiles(batchId: string, files: BatchFileRecord[]): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO analysis_batch_files (batch_id, position, filename, document_id, error_code, error_message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])`,
        [
          batchId,
          files.map((f) => f.position),
          files.map((f) => (f.filename === null ? null : pgText(f.filename))),
          files.map((f) => f.documentId),
          files.map((f) => f.error?.code ?? null),
          files.map((f) => (f.error ? pgText(f.error.message) : null)),
        ],
      );
      await c.query(
        `INSERT INTO batch_items (batch_id, document_id) SELECT $1, d FROM unnest($2::text[]) AS d
         ON CONFLICT DO NOTHING`,
        [batchId, [...new Set(files.flatMap((f) => (f.documentId ? [f.documentId] : [])))]],
      );
    });
  }

  async listFiles(batchId: string): Promise<BatchFileRecord[]> {
    const r = await this.pool.query(
      `SELECT position, filename, document_id, error_code, error_message FROM analysis_batch_files
       WHERE batch_id = $1 ORDER BY position`,
      [batchId],
    );
    return r.rows.map(toBatchFile);
  }

  async countDocumentsByStatus(batchId: string): Promise<Record<string, number>> {
    const r = await this.pool.query<{ status: string; n: number }>(
      `SELECT d.status AS status, count(*)::int AS n FROM batch_items b JOIN documents d ON d.id = b.document_id
       WHERE b.batch_id = $1 GROUP BY d.status`,
      [batchId],
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
  }

  async setStatus(batchId: string, status: string): Promise<void> {
    await this.pool.query('UPDATE batches SET status = $1, updated_at = $2 WHERE id = $3', [
      status,
      new Date().toISOString(),
      batchId,
    ]);
  }

  async delete(batchId: string): Promise<void> {
    await this.pool.query('DELETE FROM batches WHERE id = $1', [batchId]);
  }
}
