import { ANALYSIS_MIGRATIONS } from '@elegans/analysis';
import { MODEL_MIGRATIONS } from '@elegans/model';
import { RETRIEVAL_CASCADE_MIGRATIONS, RETRIEVAL_MIGRATIONS } from '@elegans/retrieval';
import { STORAGE_PG_SETS, storageMigrations, type MigrationSet, type PgMigrationSet } from '@elegans/storage';

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
 * PostgreSQL mirrors of MIGRATION_SETS (issue 16), same owner names and versions, plus the
 * PostgreSQL-only sets (PG_ONLY_SETS: blobs). Sets listed in PG_NOT_YET_MIRRORED have no PostgreSQL
 * schema yet; test/postgres-schema.test.ts fails for any other SQLite set, table or column without a
 * PostgreSQL counterpart.
 */
export const PG_MIGRATION_SETS: PgMigrationSet[] = STORAGE_PG_SETS;
export const PG_NOT_YET_MIRRORED: string[] = ['retrieval', 'retrieval-cascade'];

/**
 * With PostgreSQL, the SQLite file left on each machine holds only libs/retrieval's index (no
 * storage tables, so no cascade trigger: DocumentsService deletes a document's index rows itself).
 */
export const PG_LOCAL_SQLITE_SETS: MigrationSet[] = [RETRIEVAL_MIGRATIONS];
