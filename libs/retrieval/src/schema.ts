import type { MigrationSet } from '@elegans/storage';

/**
 * Tables owned by libs/retrieval. They carry no foreign key, so the same set works in a bare
 * in-memory database (the BEIR eval, the benchmark, unit tests) and in the service database.
 * In the service, `RETRIEVAL_CASCADE_MIGRATIONS` adds a trigger on storage's `documents` table so
 * that deleting a document also deletes its passages, sentences and vectors (the effect of
 * ON DELETE CASCADE, which SQLite cannot add to an existing table). `RetrievalStore.deleteDocument`
 * does the same explicitly.
 *
 * - rt_passages / rt_sentences: the text units with their char offsets and pages, scoped by
 *   tenant (always), collection and document.
 * - rt_passages_fts / rt_sentences_fts: FTS5 external-content indexes kept in sync by triggers,
 *   over `text` and `scope` (tenant/collection/document tokens, see scope.ts). Porter stemming
 *   over unicode61 (diacritics folded); bm25() ranks with k1 = 1.2, b = 0.75 (FTS5's fixed
 *   constants).
 * - rt_vectors: one vector per unit and model version (float32 blob, plus an int8 copy with its
 *   scale). Several versions may coexist during a reindex; search only reads the current one.
 * - rt_state: write generations, so a process holding vectors in memory notices other
 *   processes' writes with one cheap read.
 * - `role` on passages and sentences (v3): the structure role libs/ingest detected (notes,
 *   references, toc…), so answers can prefer body sentences; NULL reads as body.
 */
export const RETRIEVAL_MIGRATIONS: MigrationSet = {
  name: 'retrieval',
  migrations: [
    {
      version: 1,
      name: 'units-fts-vectors',
      sql: `
CREATE TABLE rt_passages (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  collection TEXT,
  document_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page_start INTEGER NOT NULL,
  page_end INTEGER NOT NULL,
  sentence_start INTEGER NOT NULL,
  sentence_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (document_id, idx)
);
CREATE INDEX rt_passages_tenant ON rt_passages (tenant_id, collection);

CREATE TABLE rt_sentences (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  collection TEXT,
  document_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  page INTEGER NOT NULL,
  section INTEGER NOT NULL DEFAULT -1,
  boundary TEXT NOT NULL DEFAULT 'sentence',
  text TEXT NOT NULL,
  UNIQUE (document_id, idx)
);
CREATE INDEX rt_sentences_tenant ON rt_sentences (tenant_id, collection);

CREATE VIRTUAL TABLE rt_passages_fts USING fts5(
  text, content='rt_passages', content_rowid='id',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER rt_passages_ai AFTER INSERT ON rt_passages BEGIN
  INSERT INTO rt_passages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER rt_passages_ad AFTER DELETE ON rt_passages BEGIN
  INSERT INTO rt_passages_fts (rt_passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  DELETE FROM rt_vectors WHERE kind = 'passage' AND unit_id = old.id;
END;

CREATE VIRTUAL TABLE rt_sentences_fts USING fts5(
  text, content='rt_sentences', content_rowid='id',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER rt_sentences_ai AFTER INSERT ON rt_sentences BEGIN
  INSERT INTO rt_sentences_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER rt_sentences_ad AFTER DELETE ON rt_sentences BEGIN
  INSERT INTO rt_sentences_fts (rt_sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
  DELETE FROM rt_vectors WHERE kind = 'sentence' AND unit_id = old.id;
END;

CREATE TABLE rt_vectors (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('passage', 'sentence')),
  unit_id INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  model_version TEXT NOT NULL,
  dim INTEGER NOT NULL,
  f32 BLOB NOT NULL,
  i8 BLOB NOT NULL,
  i8_scale REAL NOT NULL,
  UNIQUE (kind, unit_id, model_version)
);
CREATE INDEX rt_vectors_version ON rt_vectors (kind, model_version, id);

CREATE TABLE rt_state (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO rt_state (key, value) VALUES ('insert_gen', 0), ('delete_gen', 0);
`,
    },
    {
      // Tenant, collection and document become FTS5 tokens in a `scope` column, so filters are
      // posting-list intersections inside FTS5 instead of a join on every matching row (2-3x
      // faster BM25 at 100k passages; see README). bm25() gives the scope column weight 0.
      version: 2,
      name: 'fts-scope-column',
      sql: `
ALTER TABLE rt_passages ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE rt_sentences ADD COLUMN scope TEXT NOT NULL DEFAULT '';
DROP TRIGGER rt_passages_ai;
DROP TRIGGER rt_passages_ad;
DROP TRIGGER rt_sentences_ai;
DROP TRIGGER rt_sentences_ad;
DROP TABLE rt_passages_fts;
DROP TABLE rt_sentences_fts;
CREATE VIRTUAL TABLE rt_passages_fts USING fts5(
  text, scope, content='rt_passages', content_rowid='id',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER rt_passages_ai AFTER INSERT ON rt_passages BEGIN
  INSERT INTO rt_passages_fts (rowid, text, scope) VALUES (new.id, new.text, new.scope);
END;
CREATE TRIGGER rt_passages_ad AFTER DELETE ON rt_passages BEGIN
  INSERT INTO rt_passages_fts (rt_passages_fts, rowid, text, scope) VALUES ('delete', old.id, old.text, old.scope);
  DELETE FROM rt_vectors WHERE kind = 'passage' AND unit_id = old.id;
END;
CREATE VIRTUAL TABLE rt_sentences_fts USING fts5(
  text, scope, content='rt_sentences', content_rowid='id',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER rt_sentences_ai AFTER INSERT ON rt_sentences BEGIN
  INSERT INTO rt_sentences_fts (rowid, text, scope) VALUES (new.id, new.text, new.scope);
END;
CREATE TRIGGER rt_sentences_ad AFTER DELETE ON rt_sentences BEGIN
  INSERT INTO rt_sentences_fts (rt_sentences_fts, rowid, text, scope) VALUES ('delete', old.id, old.text, old.scope);
  DELETE FROM rt_vectors WHERE kind = 'sentence' AND unit_id = old.id;
END;
`,
    },
    {
      // Issue 14: structure roles travel with the units, so /v1/ask's answerer can rank notes,
      // references, index and TOC below the body. NULL = indexed before roles existed (body).
      version: 3,
      name: 'unit-roles',
      sql: `
ALTER TABLE rt_passages ADD COLUMN role TEXT;
ALTER TABLE rt_sentences ADD COLUMN role TEXT;
`,
    },
  ],
};

/**
 * Service-only: ties retrieval rows to storage's `documents(id)`. Apply after the storage set.
 * A trigger rather than a foreign key, because the retrieval tables must also exist without
 * storage (eval, bench) and SQLite cannot add a foreign key to an existing table.
 */
export const RETRIEVAL_CASCADE_MIGRATIONS: MigrationSet = {
  name: 'retrieval-cascade',
  migrations: [
    {
      version: 1,
      name: 'documents-delete-cascade',
      sql: `
CREATE TRIGGER rt_documents_ad AFTER DELETE ON documents BEGIN
  DELETE FROM rt_passages WHERE document_id = old.id;
  DELETE FROM rt_sentences WHERE document_id = old.id;
  UPDATE rt_state SET value = value + 1 WHERE key = 'delete_gen';
END;
`,
    },
    {
      // Documents indexed before retrieval stored roles: copy them once from storage's content
      // tables (storage migration 2), so they need no re-ingest for answers to see their notes.
      version: 2,
      name: 'unit-roles-from-content',
      sql: `
UPDATE rt_sentences SET role = (
  SELECT s.role FROM sentences s WHERE s.document_id = rt_sentences.document_id AND s.idx = rt_sentences.idx
) WHERE role IS NULL;
UPDATE rt_passages SET role = (
  SELECT p.role FROM passages p WHERE p.document_id = rt_passages.document_id AND p.idx = rt_passages.idx
) WHERE role IS NULL;
`,
    },
  ],
};
