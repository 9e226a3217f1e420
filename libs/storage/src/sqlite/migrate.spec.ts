import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runMigrations, type MigrationSet } from './migrate';

describe('runMigrations', () => {
  const set: MigrationSet = {
    name: 'demo',
    migrations: [
      { version: 2, name: 'add-col', sql: 'ALTER TABLE t ADD COLUMN b TEXT' },
      { version: 1, name: 'create', sql: 'CREATE TABLE t (a INTEGER)' },
    ],
  };

  it('applies in version order, once', () => {
    const db = new Database(':memory:');
    expect(runMigrations(db, [set]).applied).toEqual(['demo@1:create', 'demo@2:add-col']);
    expect(runMigrations(db, [set]).applied).toEqual([]);
    const cols = db.prepare("SELECT name FROM pragma_table_info('t')").all() as { name: string }[];
    expect(cols.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('rolls back a failing migration and its bookkeeping together', () => {
    const db = new Database(':memory:');
    const bad: MigrationSet = {
      name: 'bad',
      migrations: [{ version: 1, name: 'broken', sql: 'CREATE TABLE x (a); SELECT * FROM nope' }],
    };
    expect(() => runMigrations(db, [bad])).toThrow(/nope/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
  });
});
