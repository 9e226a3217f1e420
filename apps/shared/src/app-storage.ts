import { porterStem } from '@elegans/analysis';
import { retrievalRepositoryFor, type RetrievalRepository } from '@elegans/retrieval';
import { openPgStorage, openStorage, type Storage } from '@elegans/storage';
import type { Config } from './config';
import { MIGRATION_SETS, PG_MIGRATION_SETS } from './migrations';

/**
 * Storage as the apps use it: libs/storage's repositories plus libs/retrieval's repository over the
 * same database. libs/retrieval depends on libs/storage (migration types, the PostgreSQL helpers), so
 * the retrieval repository is added here, in the apps' composition root, not inside libs/storage.
 */
export interface AppStorage extends Storage {
  retrieval: RetrievalRepository;
}

/**
 * The one way the apps (API, worker, CLI, `npm start`) open storage, with every app migration set:
 * PostgreSQL when DATABASE_URL is set (everything, the retrieval index included, in PostgreSQL; DATA_DIR
 * holds only caches and temp files), else the SQLite file at DATABASE_PATH (the embedded default).
 */
export async function openAppStorage(config: Config): Promise<AppStorage> {
  const storage = config.DATABASE_URL
    ? await openPgStorage({
        databaseUrl: config.DATABASE_URL,
        dataDir: config.DATA_DIR,
        pgMigrations: PG_MIGRATION_SETS,
        poolMax: config.DATABASE_POOL_MAX,
      })
    : openStorage({ databasePath: config.DATABASE_PATH, dataDir: config.DATA_DIR, migrations: MIGRATION_SETS });
  return withRetrieval(storage);
}

/** Adds the retrieval repository over the storage's database (its schema migrated already). */
export function withRetrieval(storage: Storage): AppStorage {
  return Object.assign(storage, { retrieval: retrievalRepositoryFor(storage, { stem: porterStem }) });
}
