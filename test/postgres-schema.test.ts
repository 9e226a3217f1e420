import { openDatabase, PG_ONLY_SETS, runMigrations, runPgMigrations } from '@elegans/storage';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  MIGRATION_SETS,
  PG_MIGRATION_SETS,
  PG_NOT_YET_MIRRORED,
  PG_ONLY_APP_SETS,
  SQLITE_ONLY_TABLES,
} from '../apps/shared/src/migrations';

/**
 * The PostgreSQL schema against a real server (initdb'd by the test, as root through the `postgres`
 * user): migrations run once when many processes start together, and every SQLite table and column
 * of a mirrored owner has its PostgreSQL counterpart, so a migration added on one side only fails here.
 */
const postgresUrl = inject('postgresUrl');

describe.skipIf(!postgresUrl)('PostgreSQL schema (issue 16)', () => {
  let admin: pg.Pool;
  let db = 0;

  /** A fresh database per test, on the one throwaway server. */
  async function freshPool(max = 4): Promise<{ url: string; pool: pg.Pool }> {
    const name = `schema_${process.pid}_${db++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = postgresUrl!.replace(/\/postgres$/, `/${name}`);
    return { url, pool: new pg.Pool({ connectionString: url, max }) };
  }

  beforeAll(() => {
    // The run's one private server (test/setup/postgres-setup.ts); a fresh database per test.
    admin = new pg.Pool({ connectionString: postgresUrl!, max: 2 });
  });

  afterAll(async () => {
    await admin?.end();
  });

  it('applies each migration once when eight processes migrate at the same moment', async () => {
    const { url, pool } = await freshPool();
    // Separate pools = separate sessions, as separate processes would hold.
    const pools = Array.from({ length: 8 }, () => new pg.Pool({ connectionString: url, max: 1 }));
    try {
      const runs = await Promise.all(pools.map((p) => runPgMigrations(p, PG_MIGRATION_SETS)));
      const applied = runs.flatMap((r) => r.applied);
      const expected = PG_MIGRATION_SETS.flatMap((s) => s.migrations.map((m) => `${s.name}@${m.version}:${m.name}`));
      expect(applied.sort()).toEqual(expected.sort());
      expect(runs.filter((r) => r.applied.length > 0)).toHaveLength(1);
      const rows = await pool.query('SELECT owner, version FROM schema_migrations');
      expect(rows.rowCount).toBe(expected.length);
      // Idempotent afterwards, too.
      expect((await runPgMigrations(pool, PG_MIGRATION_SETS)).applied).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await pool.end();
    }
  });

  it('a failing migration leaves nothing half-applied', async () => {
    const { pool } = await freshPool();
    try {
      const bad = {
        name: 'broken',
        migrations: [{ version: 1, name: 'bad', sql: 'CREATE TABLE ok_t (a int); SELECT nope;' }],
      };
      await expect(runPgMigrations(pool, [...PG_MIGRATION_SETS, bad])).rejects.toThrow(/nope/);
      const t = await pool.query("SELECT to_regclass('public.ok_t') AS t, to_regclass('public.tenants') AS s");
      expect(t.rows[0]).toEqual({ t: null, s: null });
    } finally {
      await pool.end();
    }
  });

  it('every SQLite owner, table and column has a PostgreSQL counterpart (or is listed as not yet mirrored)', async () => {
    const pgOnly = new Set([...PG_ONLY_SETS, ...PG_ONLY_APP_SETS]);
    const mirrored = new Set(PG_MIGRATION_SETS.map((s) => s.name).filter((n) => !pgOnly.has(n)));
    // A PostgreSQL-only set must really have no SQLite twin (else it is a mirror and must match it).
    expect(MIGRATION_SETS.filter((s) => pgOnly.has(s.name))).toEqual([]);
    const unmirrored = MIGRATION_SETS.map((s) => s.name).filter((n) => !mirrored.has(n));
    expect(unmirrored.sort()).toEqual([...PG_NOT_YET_MIRRORED].sort());
    // Versions match per owner: a new SQLite migration needs its PostgreSQL twin.
    for (const set of PG_MIGRATION_SETS.filter((s) => mirrored.has(s.name))) {
      const sqlite = MIGRATION_SETS.find((s) => s.name === set.name)!;
      expect(set.migrations.map((m) => m.version).sort(), set.name).toEqual(
        sqlite.migrations.map((m) => m.version).sort(),
      );
    }

    const lite = openDatabase(':memory:');
    runMigrations(
      lite,
      MIGRATION_SETS.filter((s) => mirrored.has(s.name)),
    );
    const liteSchema: Record<string, string[]> = {};
    const tables = lite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    for (const { name } of tables) {
      if (SQLITE_ONLY_TABLES(name)) continue;
      liteSchema[name] = (lite.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[])
        .map((c) => c.name)
        .sort();
    }
    lite.close();

    const { pool } = await freshPool();
    try {
      await runPgMigrations(pool, PG_MIGRATION_SETS);
      const cols = await pool.query<{ t: string; c: string }>(
        "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const pgSchema: Record<string, string[]> = {};
      for (const r of cols.rows) (pgSchema[r.t] ??= []).push(r.c);
      for (const t of Object.keys(liteSchema)) {
        expect(pgSchema[t]?.sort(), `PostgreSQL table for ${t}`).toEqual(liteSchema[t]);
      }
      // And the other way: a PostgreSQL table of a mirrored set must exist in SQLite too.
      const pgOnlyTables = new Set<string>();
      const probe = await freshPool();
      try {
        await runPgMigrations(
          probe.pool,
          PG_MIGRATION_SETS.filter((s) => !pgOnly.has(s.name)),
        );
        const t = await probe.pool.query<{ t: string }>(
          "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'",
        );
        for (const name of Object.keys(pgSchema)) if (!t.rows.some((r) => r.t === name)) pgOnlyTables.add(name);
        for (const r of t.rows) {
          if (r.t === 'schema_migrations') continue;
          expect(liteSchema[r.t], `SQLite table for PostgreSQL's ${r.t}`).toBeDefined();
        }
      } finally {
        await probe.pool.end();
      }
      expect([...pgOnlyTables].sort()).toEqual([
        'pg_blob_chunks',
        'pg_blobs',
        'rt_changes',
        'rt_lex_postings',
        'rt_lex_totals',
        'rt_lex_units',
      ]);
    } finally {
      await pool.end();
    }
  });
});
