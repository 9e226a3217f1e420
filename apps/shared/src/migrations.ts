import { storageMigrations, type MigrationSet } from '@elegans/storage';

/**
 * Every MigrationSet the apps apply to the shared SQLite file, in order. storage comes first
 * (it owns `documents`); a lib that owns tables adds its set here, one line.
 */
export const MIGRATION_SETS: MigrationSet[] = [storageMigrations];
