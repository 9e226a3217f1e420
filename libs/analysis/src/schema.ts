import type { MigrationSet } from '@elegans/storage';

/**
 * Tables analysis features own. `analysis_batch_files` keeps every file of a batch in upload order,
 * including those refused before a document existed (unsupported type, empty), so a batch's results
 * have one line per file sent.
 */
export const ANALYSIS_MIGRATIONS: MigrationSet = {
  name: 'analysis',
  migrations: [
    {
      version: 1,
      name: 'batch files',
      sql: `
CREATE TABLE analysis_batch_files (
  batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  filename TEXT,
  document_id TEXT REFERENCES documents(id) ON DELETE SET NULL,
  error_code TEXT,
  error_message TEXT,
  PRIMARY KEY (batch_id, position)
);
CREATE INDEX analysis_batch_files_document ON analysis_batch_files(document_id);
`,
    },
  ],
};
