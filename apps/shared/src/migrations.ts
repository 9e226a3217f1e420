import { ANALYSIS_MIGRATIONS } from '@elegans/analysis';
import { MODEL_MIGRATIONS } from '@elegans/model';
import { RETRIEVAL_CASCADE_MIGRATIONS, RETRIEVAL_MIGRATIONS } from '@elegans/retrieval';
import { storageMigrations, type MigrationSet } from '@elegans/storage';

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
