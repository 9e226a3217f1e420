import type { PgMigrationSet } from './migrate';

/**
 * PostgreSQL mirror of storage's SQLite set (`../sqlite/schema.ts`): same tables, same columns, same
 * version numbers. Timestamps stay ISO-8601 TEXT, as in SQLite, so both backends hand the services
 * identical strings and cursors; JSON columns are JSONB; byte counts are BIGINT.
 */
export const storagePgMigrations: PgMigrationSet = {
  name: 'storage',
  migrations: [
    {
      version: 1,
      name: 'tenants-keys-documents-content',
      sql: `
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_tenant ON api_keys(tenant_id);
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  collection TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  filename TEXT,
  mime_type TEXT,
  format TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  metadata JSONB NOT NULL DEFAULT '{}',
  title TEXT,
  language TEXT,
  status TEXT NOT NULL,
  progress INTEGER NOT NULL DEFAULT 0,
  timings JSONB NOT NULL DEFAULT '{}',
  page_count INTEGER,
  char_count INTEGER,
  token_count INTEGER,
  sentence_count INTEGER,
  passage_count INTEGER,
  flags JSONB NOT NULL DEFAULT '[]',
  error_code TEXT,
  error_message TEXT,
  job_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, content_hash)
);
CREATE INDEX documents_tenant_created ON documents(tenant_id, created_at DESC, id DESC);
CREATE INDEX documents_content_hash ON documents(content_hash);
CREATE TABLE document_texts (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  text TEXT NOT NULL
);
CREATE TABLE pages (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (document_id, number)
);
CREATE TABLE sections (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  title TEXT NOT NULL,
  level INTEGER NOT NULL,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  page INTEGER NOT NULL,
  PRIMARY KEY (document_id, idx)
);
CREATE TABLE sentences (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  page INTEGER NOT NULL,
  section INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (document_id, idx)
);
CREATE TABLE passages (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  page_start INTEGER NOT NULL,
  page_end INTEGER NOT NULL,
  sentence_start INTEGER NOT NULL,
  sentence_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (document_id, idx)
);
CREATE TABLE results (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  data JSONB NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (document_id, kind)
);
CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE batch_items (
  batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  PRIMARY KEY (batch_id, document_id)
);
CREATE INDEX batch_items_document ON batch_items(document_id);
`,
    },
    {
      version: 2,
      name: 'structure-roles',
      sql: `
ALTER TABLE sections ADD COLUMN role TEXT;
ALTER TABLE sentences ADD COLUMN role TEXT;
ALTER TABLE passages ADD COLUMN role TEXT;
`,
    },
    {
      version: 3,
      name: 'api-key-admin',
      sql: `
ALTER TABLE api_keys ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
`,
    },
    {
      // Packed boxes as BYTEA, the same little-endian bytes as SQLite's BLOBs.
      version: 4,
      name: 'page-geometry',
      sql: `
CREATE TABLE page_geometry (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  page INTEGER NOT NULL,
  width DOUBLE PRECISION NOT NULL,
  height DOUBLE PRECISION NOT NULL,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  box_count INTEGER NOT NULL,
  offsets BYTEA NOT NULL,
  rects BYTEA NOT NULL,
  ocr_confidence DOUBLE PRECISION,
  ocr_words INTEGER,
  PRIMARY KEY (document_id, page)
);
CREATE INDEX page_geometry_range ON page_geometry(document_id, char_start);
CREATE INDEX sentences_page ON sentences(document_id, page);
`,
    },
  ],
};

/** PostgreSQL mirror of `modelStateMigrations` (../sqlite/state-schema.ts): BLOB → BYTEA. */
export const modelStatePgMigrations: PgMigrationSet = {
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
  state BYTEA NOT NULL,
  document_vector BYTEA NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE model_checkpoints (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  sentences INTEGER NOT NULL,
  next_sentence INTEGER NOT NULL,
  checkpoint BYTEA NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE model_partial_vectors (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('sentence', 'passage')),
  idx INTEGER NOT NULL,
  vector BYTEA NOT NULL,
  PRIMARY KEY (document_id, kind, idx)
);
`,
    },
  ],
};

/** PostgreSQL mirror of `batchFileMigrations` (../sqlite/state-schema.ts). */
export const batchFilePgMigrations: PgMigrationSet = {
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

/**
 * PostgreSQL only (SQLite keeps blobs as files, FsBlobStore): content-addressed blobs in 1 MiB
 * BYTEA chunks, so no value nears the 1 GB field limit and reads stream chunk by chunk.
 * `pg_blobs` is written last, in the same transaction as the chunks: a blob is visible only whole.
 */
export const blobPgMigrations: PgMigrationSet = {
  name: 'pg-blobs',
  migrations: [
    {
      version: 1,
      name: 'chunked-blobs',
      sql: `
CREATE TABLE pg_blobs (
  sha256 TEXT PRIMARY KEY,
  bytes BIGINT NOT NULL,
  chunks INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE pg_blob_chunks (
  sha256 TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (sha256, seq)
);
`,
    },
  ],
};

/** Every storage-owned PostgreSQL set, in order (what `openPgStorage` applies by default). */
export const STORAGE_PG_SETS: PgMigrationSet[] = [
  storagePgMigrations,
  modelStatePgMigrations,
  batchFilePgMigrations,
  blobPgMigrations,
];

/** PostgreSQL sets with no SQLite twin, on purpose (the drift test allows exactly these). */
export const PG_ONLY_SETS: string[] = [blobPgMigrations.name];
