import { batchFileMigrations, type MigrationSet } from '@elegans/storage';

/** The batch-files table (defined in libs/storage, which writes it through BatchRepository). */
export const ANALYSIS_MIGRATIONS: MigrationSet = batchFileMigrations;
