import { randomUUID } from 'node:crypto';
import type { TenantRepository } from '../repositories';
import type { Tenant } from '../types';
import type { PgQueryable } from './database';

interface TenantRow {
  id: string;
  name: string;
  created_at: string;
}

const toTenant = (r: TenantRow): Tenant => ({ id: r.id, name: r.name, createdAt: r.created_at });

export class PgTenantRepository implements TenantRepository {
  constructor(private readonly db: PgQueryable) {}

  async create(name: string): Promise<Tenant> {
    const row: TenantRow = { id: `ten_${randomUUID().replace(/-/g, '')}`, name, created_at: new Date().toISOString() };
    await this.db.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [
      row.id,
      row.name,
      row.created_at,
    ]);
    return toTenant(row);
  }

  async getById(id: string): Promise<Tenant | null> {
    const r = await this.db.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
    return r.rows[0] ? toTenant(r.rows[0]) : null;
  }

  async getByName(name: string): Promise<Tenant | null> {
    const r = await this.db.query<TenantRow>('SELECT * FROM tenants WHERE name = $1', [name]);
    return r.rows[0] ? toTenant(r.rows[0]) : null;
  }

  async ensure(name: string): Promise<Tenant> {
    await this.db.query(
      'INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
      [`ten_${randomUUID().replace(/-/g, '')}`, name, new Date().toISOString()],
    );
    return (await this.getByName(name))!;
  }

  async list(): Promise<Tenant[]> {
    const r = await this.db.query<TenantRow>('SELECT * FROM tenants ORDER BY created_at COLLATE "C", id COLLATE "C"');
    return r.rows.map(toTenant);
  }
}
