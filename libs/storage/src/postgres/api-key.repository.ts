import { randomUUID } from 'node:crypto';
import type { ApiKeyRepository } from '../repositories';
import type { ApiKeyRecord } from '../types';
import type { PgQueryable } from './database';

interface KeyRow {
  id: string;
  tenant_id: string;
  prefix: string;
  label: string | null;
  is_admin: boolean;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  prefix: r.prefix,
  label: r.label,
  isAdmin: r.is_admin,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const COLUMNS = 'id, tenant_id, prefix, label, is_admin, created_at, last_used_at, revoked_at';

export class PgApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: PgQueryable) {}

  async create(input: {
    tenantId: string;
    keyHash: string;
    prefix: string;
    label?: string | null;
    isAdmin?: boolean;
  }): Promise<ApiKeyRecord> {
    const id = `key_${randomUUID().replace(/-/g, '')}`;
    const r = await this.db.query<KeyRow>(
      `INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label, is_admin, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        id,
        input.tenantId,
        input.keyHash,
        input.prefix,
        input.label ?? null,
        input.isAdmin ?? false,
        new Date().toISOString(),
      ],
    );
    return toKey(r.rows[0]!);
  }

  async findActiveByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const r = await this.db.query<KeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return r.rows[0] ? toKey(r.rows[0]) : null;
  }

  async touch(id: string, at: Date = new Date()): Promise<void> {
    await this.db.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at.toISOString(), id]);
  }

  async revoke(id: string): Promise<void> {
    await this.db.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2', [new Date().toISOString(), id]);
  }

  async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const r = await this.db.query<KeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at COLLATE "C"`,
      [tenantId],
    );
    return r.rows.map(toKey);
  }
}
