import { randomUUID } from 'node:crypto';
import type { DocumentRepository } from '../repositories';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  PATCH_COLUMNS,
  toRecord,
  type DocumentRow,
} from '../sqlite/document.repository';
import type {
  CollectionSummary,
  DocumentListQuery,
  DocumentPage,
  DocumentPatch,
  DocumentRecord,
  NewDocument,
} from '../types';
import { pgJson, pgText, type PgQueryable } from './database';

/**
 * Documents in PostgreSQL. Ordering and cursors compare with COLLATE "C" (byte order, as SQLite
 * compares TEXT), so pages come out in the same order whatever the database's locale.
 */
export class PgDocumentRepository implements DocumentRepository {
  constructor(private readonly db: PgQueryable) {}

  async create(input: NewDocument): Promise<DocumentRecord | null> {
    const now = new Date().toISOString();
    const id = `doc_${randomUUID().replace(/-/g, '')}`;
    const r = await this.db.query<DocumentRow>(
      `INSERT INTO documents (id, tenant_id, collection, content_hash, filename, mime_type, format, bytes, metadata,
         status, progress, job_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 'queued', 0, $10, $11, $11)
       ON CONFLICT (tenant_id, content_hash) DO NOTHING
       RETURNING *`,
      [
        id,
        input.tenantId,
        input.collection,
        input.contentHash,
        input.filename === null ? null : pgText(input.filename),
        input.mimeType,
        input.format,
        input.bytes,
        pgJson(input.metadata),
        input.jobId,
        now,
      ],
    );
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }

  async getForTenant(tenantId: string, id: string): Promise<DocumentRecord | null> {
    const r = await this.db.query<DocumentRow>('SELECT * FROM documents WHERE id = $1 AND tenant_id = $2', [
      id,
      tenantId,
    ]);
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }

  async getById(id: string): Promise<DocumentRecord | null> {
    const r = await this.db.query<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }

  async getByHash(tenantId: string, contentHash: string): Promise<DocumentRecord | null> {
    const r = await this.db.query<DocumentRow>('SELECT * FROM documents WHERE tenant_id = $1 AND content_hash = $2', [
      tenantId,
      contentHash,
    ]);
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }

  async list(q: DocumentListQuery): Promise<DocumentPage> {
    const params: unknown[] = [q.tenantId];
    const where = ['tenant_id = $1'];
    if (q.collection !== undefined) {
      params.push(q.collection);
      where.push(`collection = $${params.length}`);
    }
    if (q.status !== undefined) {
      params.push(q.status);
      where.push(`status = $${params.length}`);
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (!c) throw new InvalidCursorError();
      params.push(c[0], c[1]);
      where.push(
        `(created_at COLLATE "C", id COLLATE "C") < ($${params.length - 1} COLLATE "C", $${params.length} COLLATE "C")`,
      );
    }
    params.push(q.limit + 1);
    const r = await this.db.query<DocumentRow>(
      `SELECT * FROM documents WHERE ${where.join(' AND ')}
       ORDER BY created_at COLLATE "C" DESC, id COLLATE "C" DESC LIMIT $${params.length}`,
      params,
    );
    const items = r.rows.slice(0, q.limit).map(toRecord);
    const nextCursor = r.rows.length > q.limit ? encodeCursor(items[items.length - 1]!) : null;
    return { items, nextCursor };
  }

  async update(id: string, patch: DocumentPatch): Promise<boolean> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, [column, encode]] of Object.entries(PATCH_COLUMNS)) {
      const v = (patch as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const encoded = (encode as (x: unknown) => unknown)(v);
      values.push(typeof encoded === 'string' ? pgText(encoded) : encoded);
      sets.push(`${column} = $${values.length}`);
    }
    if (patch.error !== undefined) {
      values.push(patch.error?.code ?? null, patch.error ? pgText(patch.error.message) : null);
      sets.push(`error_code = $${values.length - 1}`, `error_message = $${values.length}`);
    }
    values.push(new Date().toISOString());
    sets.push(`updated_at = $${values.length}`);
    values.push(id);
    const r = await this.db.query(`UPDATE documents SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
    return (r.rowCount ?? 0) > 0;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db.query('DELETE FROM documents WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    return (r.rowCount ?? 0) > 0;
  }

  async countByHash(contentHash: string): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE content_hash = $1', [
      contentHash,
    ]);
    return r.rows[0]!.n;
  }

  async countByStatus(): Promise<Record<string, number>> {
    const r = await this.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM documents GROUP BY status',
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
  }

  async listCollections(tenantId: string): Promise<CollectionSummary[]> {
    const r = await this.db.query<CollectionSummary>(
      `SELECT collection AS name, count(*)::int AS documents, min(created_at COLLATE "C") AS "createdAt"
         FROM documents WHERE tenant_id = $1 GROUP BY collection ORDER BY collection COLLATE "C"`,
      [tenantId],
    );
    return r.rows;
  }
}
