import { openStorage, type Storage } from '@elegans/storage';
import type { Config } from './config';
import { MIGRATION_SETS } from './migrations';

/**
 * The one way the apps (API, worker, CLI, `npm start`) open storage, with every app migration set:
 * the SQLite file at DATABASE_PATH.
 */
export async function openAppStorage(config: Config): Promise<Storage> {
  return openStorage({ databasePath: config.DATABASE_PATH, dataDir: config.DATA_DIR, migrations: MIGRATION_SETS });
}
