import type { Pool, PoolClient } from 'pg';
import type { Migration } from '../sqlite/migrate';

/**
 * PostgreSQL counterpart of a library's SQLite MigrationSet: same owner name, same version
 * numbers, PostgreSQL SQL. A SQLite migration without a PostgreSQL one (or a column that exists on
 * one side only) is caught by test/postgres-schema.test.ts, which compares both schemas.
 */
export interface PgMigrationSet {
  name: string;
  migrations: Migration[];
}

/** Any key shared by every Elegans process; the value only has to be stable (it reads "elegans1"). */
export const MIGRATION_LOCK_KEY = 0x656c6567616e7331n;

/**
 * Applies every pending migration of every set, in set order then version order, once, even when
 * the API replicas and the workers of several machines start together: the whole run holds a
 * transaction-level advisory lock, so a second process waits, then sees the bookkeeping rows and
 * applies nothing. Each migration commits with its bookkeeping row (DDL is transactional here).
 */
export async function runPgMigrations(pool: Pool, sets: PgMigrationSet[]): Promise<{ applied: string[] }> {
  const client: PoolClient = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      owner TEXT NOT NULL,
      version INTEGER NOT NULL,
      name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, version)
    )`);
    const done = await client.query<{ owner: string; version: number }>('SELECT owner, version FROM schema_migrations');
    const have = new Set(done.rows.map((r) => `${r.owner}@${r.version}`));
    for (const set of sets) {
      for (const m of [...set.migrations].sort((a, b) => a.version - b.version)) {
        if (have.has(`${set.name}@${m.version}`)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (owner, version, name) VALUES ($1, $2, $3)', [
          set.name,
          m.version,
          m.name,
        ]);
        applied.push(`${set.name}@${m.version}:${m.name}`);
      }
    }
    await client.query('COMMIT');
    return { applied };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
