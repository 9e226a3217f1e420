import { ANALYSIS_MIGRATIONS } from '@elegans/analysis';
import { MODEL_MIGRATIONS } from '@elegans/model';
import { RETRIEVAL_CASCADE_MIGRATIONS, RETRIEVAL_MIGRATIONS } from '@elegans/retrieval';
import { storageMigrations, storagePgMigrations, type MigrationSet, type PgMigrationSet } from '@elegans/storage';

/**
 * Every MigrationSet the apps apply to the shared SQLite file, in order. storage comes first
 * (it owns `documents`, which the others reference); a lib that owns tables adds its set here.
 */
export const MIGRATION_SETS: MigrationSet[] = [
  storageMigrations,
  RETRIEVAL_MIGRATIONS,
  RETRIEVAL_CASCADE_MIGRATIONS,
  ANALYSIS_MIGRATIONS,
  MODEL_MIGRATIONS,
];

/**
 * PostgreSQL mirrors of MIGRATION_SETS (issue 16), same owner names and versions. Sets listed in
 * PG_NOT_YET_MIRRORED have no PostgreSQL schema yet; test/postgres-schema.test.ts fails for any
 * other SQLite set, table or column without a PostgreSQL counterpart.
 */
export const PG_MIGRATION_SETS: PgMigrationSet[] = [storagePgMigrations];
export const PG_NOT_YET_MIRRORED: string[] = ['retrieval', 'retrieval-cascade', 'analysis', 'model'];
