import type { MigrationSet } from './migrate';

/**
 * Tables of libs/model's document streaming, written through ModelStateRepository (owner name `model`
 * kept, so existing databases see no new migration). Applied after storage's set: they reference
 * documents(id), so deleting a document deletes its state and checkpoints.
 * - model_document_states: the final recurrent state of each document (LiquidState bytes, the whole
 *   document's context in 2 KB) and its document vector, per model version.
 * - model_checkpoints / model_partial_vectors: a long document's progress while it streams, so a retried
 *   job resumes where the last attempt stopped instead of starting over. Removed once the document is done.
 * Vectors are float32 little-endian BLOBs.
 */
export const modelStateMigrations: MigrationSet = {
  name: 'model',
  migrations: [
    {
      version: 1,
      name: 'document-states-checkpoints',
      sql: `
CREATE TABLE model_document_states (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  sentences INTEGER NOT NULL,
  state BLOB NOT NULL,
  document_vector BLOB NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE model_checkpoints (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  sentences INTEGER NOT NULL,
  next_sentence INTEGER NOT NULL,
  checkpoint BLOB NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE model_partial_vectors (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('sentence', 'passage')),
  idx INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (document_id, kind, idx)
) WITHOUT ROWID;
`,
    },
  ],
};

/**
 * Batch file lines, written through BatchRepository (owner name `analysis` kept, so existing databases
 * see no new migration). `analysis_batch_files` keeps every file of a batch in upload order,
 * including those refused before a document existed (unsupported type, empty), so a batch's results
 * have one line per file sent.
 */
export const batchFileMigrations: MigrationSet = {
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
