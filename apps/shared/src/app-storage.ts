import { openPgStorage, openStorage, type Storage } from '@elegans/storage';
import { join } from 'node:path';
import type { Config } from './config';
import { MIGRATION_SETS, PG_LOCAL_SQLITE_SETS, PG_MIGRATION_SETS } from './migrations';

/** With PostgreSQL, the machine-local SQLite file that holds only the retrieval index. */
export const retrievalDatabasePath = (config: Config) => join(config.DATA_DIR, 'retrieval.db');

/**
 * The one way the apps (API, worker, CLI, `npm start`) open storage, with every app migration set:
 * PostgreSQL when DATABASE_URL is set, else the SQLite file at DATABASE_PATH (the embedded default).
 */
export async function openAppStorage(config: Config): Promise<Storage> {
  if (config.DATABASE_URL) {
    return openPgStorage({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      pgMigrations: PG_MIGRATION_SETS,
      localDatabasePath: retrievalDatabasePath(config),
      localMigrations: PG_LOCAL_SQLITE_SETS,
      poolMax: config.DATABASE_POOL_MAX,
    });
  }
  return openStorage({ databasePath: config.DATABASE_PATH, dataDir: config.DATA_DIR, migrations: MIGRATION_SETS });
}
