import type { BatchFileRecord, BatchRecord, BatchRepository } from '../repositories';
import type { SqliteDatabase } from './database';

interface BatchRow {
  id: string;
  tenant_id: string;
  status: string;
  total: number;
  created_at: string;
  updated_at: string;
}

interface FileRow {
  position: number;
  filename: string | null;
  document_id: string | null;
  error_code: string | null;
  error_message: string | null;
}

export const toBatch = (r: BatchRow): BatchRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  status: r.status,
  total: r.total,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toBatchFile = (r: FileRow): BatchFileRecord => ({
  position: r.position,
  filename: r.filename,
  documentId: r.document_id,
  error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
});

/** batches + batch_items (storage's set) and analysis_batch_files (batchFileMigrations). */
export class SqliteBatchRepository implements BatchRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async create(input: { id: string; tenantId: string; total: number }): Promise<BatchRecord> {
    const now = new Date().toISOString();
    const row: BatchRow = {
      id: input.id,
      tenant_id: input.tenantId,
      status: 'processing',
      total: input.total,
      created_at: now,
      updated_at: now,
    };
    this.db
      .prepare(
        `INSERT INTO batches (id, tenant_id, status, total, created_at, updated_at)
         VALUES (@id, @tenant_id, @status, @total, @created_at, @updated_at)`,
      )
      .run(row);
    return toBatch(row);
  }

  async getForTenant(tenantId: string, id: string): Promise<BatchRecord | null> {
    const r = this.db.prepare('SELECT * FROM batches WHERE id = ? AND tenant_id = ?').get(id, tenantId) as
      BatchRow | undefined;
    return r ? toBatch(r) : null;
  }

  async addFiles(batchId: string, files: BatchFileRecord[]): Promise<void> {
    const insertFile = this.db.prepare(
      `INSERT INTO analysis_batch_files (batch_id, position, filename, document_id, error_code, error_message)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const insertItem = this.db.prepare('INSERT OR IGNORE INTO batch_items (batch_id, document_id) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const f of files) {
        insertFile.run(batchId, f.position, f.filename, f.documentId, f.error?.code ?? null, f.error?.message ?? null);
        if (f.documentId) insertItem.run(batchId, f.documentId);
      }
    })();
  }

  async listFiles(batchId: string): Promise<BatchFileRecord[]> {
    return (
      this.db
        .prepare(
          `SELECT position, filename, document_id, error_code, error_message FROM analysis_batch_files
           WHERE batch_id = ? ORDER BY position`,
        )
        .all(batchId) as FileRow[]
    ).map(toBatchFile);
  }

  async countDocumentsByStatus(batchId: string): Promise<Record<string, number>> {
    const rows = this.db
      .prepare(
        `SELECT d.status AS status, count(*) AS n FROM batch_items b JOIN documents d ON d.id = b.document_id
         WHERE b.batch_id = ? GROUP BY d.status`,
      )
      .all(batchId) as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async setStatus(batchId: string, status: string): Promise<void> {
    this.db
      .prepare('UPDATE batches SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, new Date().toISOString(), batchId);
  }

  async delete(batchId: string): Promise<void> {
    this.db.prepare('DELETE FROM batches WHERE id = ?').run(batchId);
  }
}
