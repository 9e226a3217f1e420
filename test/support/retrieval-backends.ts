import { porterStem } from '@elegans/analysis';
import {
  PgRetrievalRepository,
  RETRIEVAL_CASCADE_MIGRATIONS,
  RETRIEVAL_CASCADE_PG_MIGRATIONS,
  RETRIEVAL_MIGRATIONS,
  RETRIEVAL_PG_SETS,
  SqliteRetrievalRepository,
  type RetrievalRepository,
} from '@elegans/retrieval';
import {
  createPgDatabase,
  openDatabase,
  runMigrations,
  runPgMigrations,
  STORAGE_PG_SETS,
  storageMigrations,
} from '@elegans/storage';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The retrieval repository specs run on both backends: SQLite (in memory, or a file when a second
 * connection is wanted) and PostgreSQL (a fresh database per `open` on the run's private server,
 * test/setup/postgres-setup.ts). `service` adds storage's schema and the cascade set, as the apps do.
 */
export interface OpenedIndex {
  repo: RetrievalRepository;
  /** An independent connection to the same database: another process (API replica, worker). */
  another(): RetrievalRepository;
  /** Raw SQL for assertions (and for storage rows in service mode). */
  sql(query: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface IndexBackend {
  name: 'sqlite' | 'postgres';
  open(opts?: { service?: boolean; requireDocument?: boolean }): Promise<OpenedIndex>;
}

let seq = 0;

export function retrievalBackends(postgresUrl: string | null | undefined): IndexBackend[] {
  const sqlite: IndexBackend = {
    name: 'sqlite',
    async open(opts = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'elegans-rt-'));
      const path = join(dir, 'rt.db');
      const db = openDatabase(path);
      runMigrations(
        db,
        opts.service ? [storageMigrations, RETRIEVAL_MIGRATIONS, RETRIEVAL_CASCADE_MIGRATIONS] : [RETRIEVAL_MIGRATIONS],
      );
      const handles: Database.Database[] = [db];
      const make = (d: Database.Database) =>
        new SqliteRetrievalRepository(d, { requireDocument: opts.requireDocument ?? false });
      return {
        repo: make(db),
        another: () => {
          const d = openDatabase(path);
          handles.push(d);
          return make(d);
        },
        sql: async (q, ...params) => {
          const st = db.prepare(q.replace(/\$\d+/g, '?'));
          return st.reader ? (st.all(...params) as Record<string, unknown>[]) : (st.run(...params), []);
        },
        close: async () => {
          for (const h of handles) h.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
  const postgres: IndexBackend = {
    name: 'postgres',
    async open(opts = {}) {
      const url = await createPgDatabase(postgresUrl!, `rt_${process.pid}_${seq++}`);
      const pools: pg.Pool[] = [];
      const pool = () => {
        const p = new pg.Pool({ connectionString: url, max: 4 });
        p.on('error', () => undefined);
        pools.push(p);
        return p;
      };
      const main = pool();
      await runPgMigrations(
        main,
        opts.service ? [...STORAGE_PG_SETS, ...RETRIEVAL_PG_SETS, RETRIEVAL_CASCADE_PG_MIGRATIONS] : RETRIEVAL_PG_SETS,
      );
      const make = (p: pg.Pool) =>
        new PgRetrievalRepository(p, { stem: porterStem, requireDocument: opts.requireDocument ?? false });
      return {
        repo: make(main),
        another: () => make(pool()),
        sql: async (q, ...params) => (await main.query(q, params)).rows as Record<string, unknown>[],
        close: async () => {
          await Promise.all(pools.map((p) => p.end()));
        },
      };
    },
  };
  return postgresUrl ? [sqlite, postgres] : [sqlite];
}
