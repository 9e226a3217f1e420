import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';

/** Every table (any lib's) with a document_id column, and how many rows it holds for `id`. */
export function rowsForDocument(dbPath: string, id: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const out: Record<string, number> = {};
    for (const t of tables) {
      const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(t) as { name: string }[];
      const col = t === 'documents' ? 'id' : cols.some((c) => c.name === 'document_id') ? 'document_id' : null;
      if (!col) continue;
      out[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}" WHERE ${col} = ?`).get(id) as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

export function query<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** One write statement against the service's database (tests that simulate rows from an older version). */
export function execute(dbPath: string, sql: string, ...params: unknown[]): number {
  const db = new Database(dbPath);
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Backend-neutral helpers (suites run by both the `integration` and `integration-pg` projects):
// the same SQL (with `?` placeholders) against the SQLite file or the suite's PostgreSQL database.

/** What the helpers need of a suite's Env (test/support/services.ts). */
export interface DbEnv {
  dataDir: string;
  dbPath: string;
  databaseUrl: string | null;
}

const PG_INT8 = 20;
const pgTypes = {
  // count(*) is bigint: read it as a number, as SQLite returns it.
  getTypeParser: (oid: number, format?: string) =>
    oid === PG_INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
} as unknown as pg.CustomTypesConfig;

const toPgPlaceholders = (sql: string) => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

async function pgRun<T>(url: string, sql: string, params: unknown[]): Promise<{ rows: T[]; rowCount: number }> {
  const client = new pg.Client({ connectionString: url, types: pgTypes });
  await client.connect();
  try {
    const r = await client.query(toPgPlaceholders(sql), params);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

/** Rows of one query against the service's database (SQLite file or PostgreSQL). */
export async function dbQuery<T>(env: DbEnv, sql: string, ...params: unknown[]): Promise<T[]> {
  if (!env.databaseUrl) return query<T>(env.dbPath, sql, ...params);
  return (await pgRun<T>(env.databaseUrl, sql, params)).rows;
}

/** One write statement against the service's database; returns the rows changed. */
export async function dbExecute(env: DbEnv, sql: string, ...params: unknown[]): Promise<number> {
  if (!env.databaseUrl) return execute(env.dbPath, sql, ...params);
  return (await pgRun(env.databaseUrl, sql, params)).rowCount;
}

async function pgHasTable(url: string, table: string): Promise<boolean> {
  const rows = await pgRun(
    url,
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ?",
    [table],
  );
  return rows.rows.length > 0;
}

/** With PostgreSQL, the retrieval index's machine-local SQLite file (until it moves into PostgreSQL). */
const localRetrievalPath = (env: DbEnv) => join(env.dataDir, 'retrieval.db');

/**
 * A query on libs/retrieval's tables (rt_*): the SQLite file on SQLite; on PostgreSQL the database
 * when it holds them, else the machine-local retrieval.db the API and worker share through DATA_DIR.
 */
export async function retrievalQuery<T>(env: DbEnv, sql: string, ...params: unknown[]): Promise<T[]> {
  if (env.databaseUrl && !(await pgHasTable(env.databaseUrl, 'rt_passages'))) {
    return query<T>(localRetrievalPath(env), sql, ...params);
  }
  return dbQuery<T>(env, sql, ...params);
}

/** rowsForDocument on either backend: every table with a document_id column (the retrieval index's too). */
export async function dbRowsForDocument(env: DbEnv, id: string): Promise<Record<string, number>> {
  if (!env.databaseUrl) return rowsForDocument(env.dbPath, id);
  const tables = await pgRun<{ table_name: string; column_name: string }>(
    env.databaseUrl,
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND (c.column_name = 'document_id' OR (c.table_name = 'documents' AND c.column_name = 'id'))`,
    [],
  );
  const out: Record<string, number> = {};
  for (const t of tables.rows) {
    // The retrieval change log keeps one delete marker (the id and a time, no content) so that
    // other processes' vector indexes learn of the delete; it is pruned with the log.
    const marker = t.table_name === 'rt_changes' ? " AND op <> 'delete'" : '';
    const r = await pgRun<{ n: number }>(
      env.databaseUrl,
      `SELECT count(*) AS n FROM "${t.table_name}" WHERE ${t.column_name} = ?${marker}`,
      [id],
    );
    out[t.table_name] = r.rows[0]!.n;
  }
  if (!('rt_passages' in out) && existsSync(localRetrievalPath(env))) {
    Object.assign(out, rowsForDocument(localRetrievalPath(env), id));
  }
  return out;
}

/** Whether the blob store holds `hash`: a file under DATA_DIR/blobs, or a pg_blobs row. */
export async function blobStored(env: DbEnv, hash: string): Promise<boolean> {
  if (!env.databaseUrl) return existsSync(join(env.dataDir, 'blobs', hash.slice(0, 2), hash));
  return (await pgRun(env.databaseUrl, 'SELECT 1 FROM pg_blobs WHERE sha256 = ?', [hash])).rows.length > 0;
}

/** Every blob the store holds (hashes). */
export async function storedBlobs(env: DbEnv): Promise<string[]> {
  if (!env.databaseUrl) {
    const dir = join(env.dataDir, 'blobs');
    if (!existsSync(dir)) return [];
    return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.length > 2).map((f) => basename(f));
  }
  return (await pgRun<{ sha256: string }>(env.databaseUrl, 'SELECT sha256 FROM pg_blobs ORDER BY sha256', [])).rows.map(
    (r) => r.sha256,
  );
}

/**
 * Fault injection on the real database: every insert into `pages` fails (like a broken disk) until
 * the returned function clears it. A SQLite trigger, or a PostgreSQL trigger function.
 */
export async function failPageWrites(env: DbEnv): Promise<() => Promise<void>> {
  if (!env.databaseUrl) {
    execute(
      env.dbPath,
      `CREATE TRIGGER fault_pages BEFORE INSERT ON pages BEGIN SELECT RAISE(ABORT, 'injected disk fault'); END`,
    );
    return async () => void execute(env.dbPath, 'DROP TRIGGER IF EXISTS fault_pages');
  }
  const url = env.databaseUrl;
  await pgRun(
    url,
    `CREATE FUNCTION fault_pages() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION 'injected disk fault'; END $f$`,
    [],
  );
  await pgRun(url, 'CREATE TRIGGER fault_pages BEFORE INSERT ON pages FOR EACH ROW EXECUTE FUNCTION fault_pages()', []);
  return async () => {
    await pgRun(url, 'DROP TRIGGER IF EXISTS fault_pages ON pages', []);
    await pgRun(url, 'DROP FUNCTION IF EXISTS fault_pages()', []);
  };
}
