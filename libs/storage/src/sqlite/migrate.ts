import type { Database } from 'better-sqlite3';

/**
 * Each library that owns tables (storage, retrieval, analysis…) ships one MigrationSet.
 * Versions only grow; an applied migration is never edited, a change is a new version.
 */
export interface Migration {
  version: number;
  name: string;
  /** Plain SQL, run inside one transaction with the bookkeeping row. */
  sql: string;
}

export interface MigrationSet {
  /** Owner of the tables, e.g. 'storage' or 'retrieval'. */
  name: string;
  migrations: Migration[];
}

/** Applies every pending migration of every set, in set order then version order. Idempotent. */
export function runMigrations(db: Database, sets: MigrationSet[]): { applied: string[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    owner TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (owner, version)
  )`);
  const done = db.prepare('SELECT 1 FROM schema_migrations WHERE owner = ? AND version = ?');
  const mark = db.prepare('INSERT INTO schema_migrations (owner, version, name) VALUES (?, ?, ?)');
  const applied: string[] = [];
  for (const set of sets) {
    const sorted = [...set.migrations].sort((a, b) => a.version - b.version);
    for (const m of sorted) {
      if (done.get(set.name, m.version)) continue;
      // IMMEDIATE takes the write lock first, and the check is repeated under it: the API and
      // the workers start together and may race to apply the same migration.
      const ran = db
        .transaction(() => {
          if (done.get(set.name, m.version)) return false;
          db.exec(m.sql);
          mark.run(set.name, m.version, m.name);
          return true;
        })
        .immediate();
      if (ran) applied.push(`${set.name}@${m.version}:${m.name}`);
    }
  }
  return { applied };
}
