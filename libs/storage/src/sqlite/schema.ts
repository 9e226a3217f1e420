import type { MigrationSet } from './migrate';

/**
 * Tables owned by libs/storage. Every table that describes one document carries `document_id`
 * with ON DELETE CASCADE, so deleting the document row removes everything; other libraries'
 * tables (retrieval, analysis) should reference `documents(id)` the same way.
 * Offsets are `[char_start, char_end)` into the document text (see libs/ingest/src/types.ts).
 */
export const storageMigrations: MigrationSet = {
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
  bytes INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  title TEXT,
  language TEXT,
  status TEXT NOT NULL,
  progress INTEGER NOT NULL DEFAULT 0,
  timings TEXT NOT NULL DEFAULT '{}',
  page_count INTEGER,
  char_count INTEGER,
  token_count INTEGER,
  sentence_count INTEGER,
  passage_count INTEGER,
  flags TEXT NOT NULL DEFAULT '[]',
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
  data TEXT NOT NULL,
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
      // Issue 14: structure roles (libs/ingest/src/structure). NULL = parsed before roles existed (read as body).
      version: 2,
      name: 'structure-roles',
      sql: `
ALTER TABLE sections ADD COLUMN role TEXT;
ALTER TABLE sentences ADD COLUMN role TEXT;
ALTER TABLE passages ADD COLUMN role TEXT;
`,
    },
    {
      // Issue 13: admin keys open the operator surfaces (Bull Board at /admin/queues). Keys made
      // before this migration are tenant keys (0); only `elegans keys create --admin` sets 1.
      version: 3,
      name: 'api-key-admin',
      sql: `
ALTER TABLE api_keys ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
`,
    },
    {
      // Issue 15: where each page's words sit, for citation highlights (libs/ingest PageGeometry).
      // One row per page, boxes packed as little-endian arrays: `offsets` Int32 [start, end] and
      // `rects` Float32 [x, y, width, height] per box (24 bytes a word; JSON would be ~80).
      // char_start/char_end are the page's text span, so a character range finds its pages by index.
      // Sentences by page: the pages route reads one page's sentences without the whole document.
      version: 4,
      name: 'page-geometry',
      sql: `
CREATE TABLE page_geometry (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  page INTEGER NOT NULL,
  width REAL NOT NULL,
  height REAL NOT NULL,
  char_start INTEGER NOT NULL,
  char_end INTEGER NOT NULL,
  box_count INTEGER NOT NULL,
  offsets BLOB NOT NULL,
  rects BLOB NOT NULL,
  ocr_confidence REAL,
  ocr_words INTEGER,
  PRIMARY KEY (document_id, page)
);
CREATE INDEX page_geometry_range ON page_geometry(document_id, char_start);
CREATE INDEX sentences_page ON sentences(document_id, page);
`,
    },
  ],
};
