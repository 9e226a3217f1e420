import { randomUUID } from 'node:crypto';
import type { ApiKeyRepository } from '../repositories';
import type { ApiKeyRecord } from '../types';
import type { SqliteDatabase } from './database';

interface KeyRow {
  id: string;
  tenant_id: string;
  prefix: string;
  label: string | null;
  is_admin: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  prefix: r.prefix,
  label: r.label,
  isAdmin: r.is_admin === 1,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const COLUMNS = 'id, tenant_id, prefix, label, is_admin, created_at, last_used_at, revoked_at';

export class SqliteApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async create(input: {
    tenantId: string;
    keyHash: string;
    prefix: string;
    label?: string | null;
    isAdmin?: boolean;
  }): Promise<ApiKeyRecord> {
    const id = `key_${randomUUID().replace(/-/g, '')}`;
    this.db
      .prepare(
        'INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        input.tenantId,
        input.keyHash,
        input.prefix,
        input.label ?? null,
        input.isAdmin ? 1 : 0,
        new Date().toISOString(),
      );
    return toKey(this.db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`).get(id) as KeyRow);
  }

  async findActiveByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const r = this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`)
      .get(keyHash) as KeyRow | undefined;
    return r ? toKey(r) : null;
  }

  async touch(id: string, at: Date = new Date()): Promise<void> {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  async revoke(id: string): Promise<void> {
    this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  }

  async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    return (
      this.db
        .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = ? ORDER BY created_at`)
        .all(tenantId) as KeyRow[]
    ).map(toKey);
  }
}
