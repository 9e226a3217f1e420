import { ANALYSIS_MIGRATIONS } from '@elegans/analysis';
import { MODEL_MIGRATIONS } from '@elegans/model';
import {
  PG_LEXICAL_MIGRATIONS,
  RETRIEVAL_CASCADE_MIGRATIONS,
  RETRIEVAL_CASCADE_PG_MIGRATIONS,
  RETRIEVAL_CHANGES_PG_MIGRATIONS,
  RETRIEVAL_MIGRATIONS,
  RETRIEVAL_PG_MIGRATIONS,
} from '@elegans/retrieval';
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
 * PostgreSQL-only sets (PG_ONLY_SETS: blobs; PG_ONLY_APP_SETS: retrieval's BM25 statistics and change
 * log, which do FTS5's and rt_state's work). Sets listed in PG_NOT_YET_MIRRORED have no PostgreSQL
 * schema yet; test/postgres-schema.test.ts fails for any other SQLite set, table or column without a
 * PostgreSQL counterpart (SQLITE_ONLY_TABLES aside).
 */
export const PG_MIGRATION_SETS: PgMigrationSet[] = [
  ...STORAGE_PG_SETS,
  RETRIEVAL_PG_MIGRATIONS,
  PG_LEXICAL_MIGRATIONS,
  RETRIEVAL_CHANGES_PG_MIGRATIONS,
  RETRIEVAL_CASCADE_PG_MIGRATIONS,
];
export const PG_ONLY_APP_SETS: string[] = [PG_LEXICAL_MIGRATIONS.name, RETRIEVAL_CHANGES_PG_MIGRATIONS.name];
export const PG_NOT_YET_MIRRORED: string[] = [];

/**
 * SQLite tables with no PostgreSQL twin: FTS5's virtual table and its shadow tables (PostgreSQL ranks
 * from rt_lex_* instead) and rt_state (PostgreSQL's vector indexes follow rt_changes instead).
 */
export const SQLITE_ONLY_TABLES = (name: string) =>
  /^rt_(passages|sentences)_fts(_|$)/.test(name) || name === 'rt_state';
