import type { DocumentStatus } from '@elegans/common';
import type { DocumentFormat } from '@elegans/ingest';
import { randomUUID } from 'node:crypto';
import type { DocumentRepository } from '../repositories';
import type {
  CollectionSummary,
  DocumentListQuery,
  DocumentPage,
  DocumentPatch,
  DocumentRecord,
  NewDocument,
} from '../types';
import type { SqliteDatabase } from './database';

export interface DocumentRow {
  id: string;
  tenant_id: string;
  collection: string;
  content_hash: string;
  filename: string | null;
  mime_type: string | null;
  format: string;
  bytes: number | string;
  metadata: unknown;
  title: string | null;
  language: string | null;
  status: string;
  progress: number;
  timings: unknown;
  page_count: number | null;
  char_count: number | null;
  token_count: number | null;
  sentence_count: number | null;
  passage_count: number | null;
  flags: unknown;
  error_code: string | null;
  error_message: string | null;
  job_id: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

/** JSON columns: TEXT in SQLite, already decoded JSONB in PostgreSQL. */
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Row → record, for both backends (PostgreSQL hands BIGINT as a string and JSONB decoded). */
export function toRecord(r: DocumentRow): DocumentRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    collection: r.collection,
    contentHash: r.content_hash,
    filename: r.filename,
    mimeType: r.mime_type,
    format: r.format as DocumentFormat,
    bytes: Number(r.bytes),
    metadata: json<Record<string, unknown>>(r.metadata),
    title: r.title,
    language: r.language,
    status: r.status as DocumentStatus,
    progress: r.progress,
    timings: json<Record<string, number>>(r.timings),
    pageCount: r.page_count,
    charCount: r.char_count,
    tokenCount: r.token_count,
    sentenceCount: r.sentence_count,
    passageCount: r.passage_count,
    flags: json<string[]>(r.flags),
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    jobId: r.job_id,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Patch field → column, with a value encoder. Only listed fields are writable. */
export const PATCH_COLUMNS: Record<Exclude<keyof DocumentPatch, 'error'>, [string, (v: never) => unknown]> = {
  status: ['status', (v: string) => v],
  progress: ['progress', (v: number) => Math.max(0, Math.min(100, Math.round(v)))],
  timings: ['timings', (v: object) => JSON.stringify(v)],
  title: ['title', (v: string | null) => v],
  language: ['language', (v: string | null) => v],
  pageCount: ['page_count', (v: number | null) => v],
  charCount: ['char_count', (v: number | null) => v],
  tokenCount: ['token_count', (v: number | null) => v],
  sentenceCount: ['sentence_count', (v: number | null) => v],
  passageCount: ['passage_count', (v: number | null) => v],
  flags: ['flags', (v: string[]) => JSON.stringify(v)],
  jobId: ['job_id', (v: string | null) => v],
  attempts: ['attempts', (v: number) => v],
};

export function encodeCursor(r: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.createdAt, r.id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  return null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
  }
}

export class SqliteDocumentRepository implements DocumentRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async create(input: NewDocument): Promise<DocumentRecord | null> {
    const now = new Date().toISOString();
    const id = `doc_${randomUUID().replace(/-/g, '')}`;
    const res = this.db
      .prepare(
        `INSERT INTO documents (id, tenant_id, collection, content_hash, filename, mime_type, format, bytes, metadata,
           status, progress, job_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
         ON CONFLICT (tenant_id, content_hash) DO NOTHING`,
      )
      .run(
        id,
        input.tenantId,
        input.collection,
        input.contentHash,
        input.filename,
        input.mimeType,
        input.format,
        input.bytes,
        JSON.stringify(input.metadata),
        input.jobId,
        now,
        now,
      );
    return res.changes === 0 ? null : this.getById(id);
  }

  async getForTenant(tenantId: string, id: string): Promise<DocumentRecord | null> {
    const r = this.db.prepare('SELECT * FROM documents WHERE id = ? AND tenant_id = ?').get(id, tenantId) as
      DocumentRow | undefined;
    return r ? toRecord(r) : null;
  }

  async getById(id: string): Promise<DocumentRecord | null> {
    const r = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return r ? toRecord(r) : null;
  }

  async getByHash(tenantId: string, contentHash: string): Promise<DocumentRecord | null> {
    const r = this.db
      .prepare('SELECT * FROM documents WHERE tenant_id = ? AND content_hash = ?')
      .get(tenantId, contentHash) as DocumentRow | undefined;
    return r ? toRecord(r) : null;
  }

  async list(q: DocumentListQuery): Promise<DocumentPage> {
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId: q.tenantId, limit: q.limit + 1 };
    if (q.collection !== undefined) {
      where.push('collection = @collection');
      params.collection = q.collection;
    }
    if (q.status !== undefined) {
      where.push('status = @status');
      params.status = q.status;
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (!c) throw new InvalidCursorError();
      where.push('(created_at, id) < (@cAt, @cId)');
      params.cAt = c[0];
      params.cId = c[1];
    }
    const rows = this.db
      .prepare(`SELECT * FROM documents WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`)
      .all(params) as DocumentRow[];
    const items = rows.slice(0, q.limit).map(toRecord);
    const nextCursor = rows.length > q.limit ? encodeCursor(items[items.length - 1]!) : null;
    return { items, nextCursor };
  }

  async update(id: string, patch: DocumentPatch): Promise<boolean> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, [column, encode]] of Object.entries(PATCH_COLUMNS)) {
      const v = (patch as Record<string, unknown>)[key];
      if (v === undefined) continue;
      sets.push(`${column} = ?`);
      values.push((encode as (x: unknown) => unknown)(v));
    }
    if (patch.error !== undefined) {
      sets.push('error_code = ?', 'error_message = ?');
      values.push(patch.error?.code ?? null, patch.error?.message ?? null);
    }
    sets.push('updated_at = ?');
    values.push(new Date().toISOString());
    const res = this.db.prepare(`UPDATE documents SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    return res.changes > 0;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM documents WHERE id = ? AND tenant_id = ?').run(id, tenantId).changes > 0;
  }

  async countByHash(contentHash: string): Promise<number> {
    return (
      this.db.prepare('SELECT count(*) AS n FROM documents WHERE content_hash = ?').get(contentHash) as { n: number }
    ).n;
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM documents GROUP BY status').all() as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async listCollections(tenantId: string): Promise<CollectionSummary[]> {
    return this.db
      .prepare(
        `SELECT collection AS name, count(*) AS documents, min(created_at) AS createdAt
           FROM documents WHERE tenant_id = ? GROUP BY collection ORDER BY collection`,
      )
      .all(tenantId) as CollectionSummary[];
  }
}
