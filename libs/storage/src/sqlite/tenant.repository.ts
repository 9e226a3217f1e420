import { randomUUID } from 'node:crypto';
import type { TenantRepository } from '../repositories';
import type { Tenant } from '../types';
import type { SqliteDatabase } from './database';

interface TenantRow {
  id: string;
  name: string;
  created_at: string;
}

const toTenant = (r: TenantRow): Tenant => ({ id: r.id, name: r.name, createdAt: r.created_at });

export class SqliteTenantRepository implements TenantRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async create(name: string): Promise<Tenant> {
    const row: TenantRow = { id: `ten_${randomUUID().replace(/-/g, '')}`, name, created_at: new Date().toISOString() };
    this.db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (@id, @name, @created_at)').run(row);
    return toTenant(row);
  }

  async getById(id: string): Promise<Tenant | null> {
    const r = this.db.prepare('SELECT * FROM tenants WHERE id = ?').get(id) as TenantRow | undefined;
    return r ? toTenant(r) : null;
  }

  async getByName(name: string): Promise<Tenant | null> {
    const r = this.db.prepare('SELECT * FROM tenants WHERE name = ?').get(name) as TenantRow | undefined;
    return r ? toTenant(r) : null;
  }

  async ensure(name: string): Promise<Tenant> {
    this.db
      .prepare('INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES (?, ?, ?)')
      .run(`ten_${randomUUID().replace(/-/g, '')}`, name, new Date().toISOString());
    return (await this.getByName(name))!;
  }

  async list(): Promise<Tenant[]> {
    return (this.db.prepare('SELECT * FROM tenants ORDER BY created_at, id').all() as TenantRow[]).map(toTenant);
  }
}
