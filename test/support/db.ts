import Database from 'better-sqlite3';

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
