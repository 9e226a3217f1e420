import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;
/** A pool or a client inside a transaction: repositories run the same queries on either. */
export type PgQueryable = Pick<pg.Pool, 'query'>;

export interface OpenPgPoolOptions {
  /** Connections per process (API replicas and workers each hold their own pool). */
  max?: number;
}

export function openPgPool(url: string, options: OpenPgPoolOptions = {}): PgPool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client that loses its connection (server restart) emits 'error' on the pool; without a
  // listener that would crash the process. The next query simply gets a fresh connection.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** PostgreSQL's foreign_key_violation (a row referenced a document deleted meanwhile). */
export function isPgForeignKeyError(err: unknown): boolean {
  return (err as { code?: string }).code === '23503';
}

/** TEXT cannot hold NUL; U+FFFD keeps the string's length, so every stored char offset stays valid. */
export function pgText(s: string): string {
  return s.includes('\0') ? s.replace(/\0/g, '\uFFFD') : s;
}

/** JSON text for a JSONB parameter; JSONB rejects \u0000 in strings as TEXT does (see pgText). */
export function pgJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? pgText(v) : v));
}

/**
 * Creates database `name` on the server of `adminUrl` and returns its URL (tests and benchmarks:
 * one throwaway database per suite on one shared server).
 */
export async function createPgDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
