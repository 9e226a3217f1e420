import type { IndexDocumentInput, ScoredId, SearchFilter, StoredPassage, StoredSentence, UnitKind } from './types';

export type VectorPrecision = 'f32' | 'i8';

/** One stored vector as the in-memory index loads it (raw little-endian bytes of the chosen precision). */
export interface VectorRow {
  unitId: number;
  tenantId: string;
  collection: string | null;
  documentId: string;
  dim: number;
  /** float32 bytes (precision f32) or int8 bytes (precision i8). */
  bytes: Uint8Array;
  /** int8 scale (meaningful for i8). */
  scale: number;
}

/**
 * What an in-memory vector index receives while it catches up with the database, in this order:
 * `reset` (drop everything) or `remove` (drop these documents' rows), then `add` for each current row.
 */
export interface VectorSink {
  reset(): void;
  remove(documentIds: string[]): void;
  add(row: VectorRow): void;
}

/**
 * Everything retrieval stores and reads, behind one async interface with a SQLite implementation
 * (FTS5, `SqliteRetrievalRepository`) and a PostgreSQL one (BM25 in SQL, `PgRetrievalRepository`).
 * Scoping is identical on both: every read that ranks takes a tenant-scoped filter.
 *
 * The in-memory dense index (DenseIndex) follows the database through `readVectors`: a cursor
 * (opaque string) says how far it has read; given one, the repository answers `null` when nothing
 * changed (one cheap read), else it streams what changed since into the sink and returns the new cursor.
 */
export interface RetrievalRepository {
  readonly backend: 'sqlite' | 'postgres';

  /** Replaces whatever was indexed for the document with these units (and vectors), in one transaction. */
  indexDocument(input: IndexDocumentInput): Promise<{ passageIds: number[]; sentenceIds: number[] }>;
  /** Replaces one document's vectors of one kind with those of a model version (unit-index order). */
  replaceVectors(documentId: string, kind: UnitKind, modelVersion: string, vectors: Float32Array[]): Promise<number>;
  /** Removes every unit, vector and lexical entry of the document. Returns the passages removed. */
  deleteDocument(documentId: string): Promise<number>;

  /** BM25 over one kind within the filter, best first; `query` is the user's text (no words: []). */
  lexical(kind: UnitKind, query: string, filter: SearchFilter, limit: number): Promise<ScoredId[]>;
  /** `<mark>`-highlighted snippets (FTS5 snippet()) of the given units that match the query; others absent. */
  snippets(kind: UnitKind, query: string, ids: number[], tokens?: number): Promise<Map<number, string>>;

  passages(ids: number[]): Promise<Map<number, StoredPassage>>;
  sentences(ids: number[]): Promise<Map<number, StoredSentence>>;
  /** Sentences `[from, to)` of a document, in order (neighbour expansion). */
  sentenceRange(documentId: string, from: number, to: number): Promise<StoredSentence[]>;
  /** Every unit of a document, in order: what reindexing feeds back to the model. */
  documentUnits(documentId: string): Promise<{ passages: StoredPassage[]; sentences: StoredSentence[] }>;
  /** Documents, optionally only one tenant's and only those with a passage lacking a vector of `staleFor`. */
  documents(opts?: { tenantId?: string; staleFor?: string }): Promise<{ tenantId: string; documentId: string }[]>;
  /** Vector counts per model version for one kind. */
  vectorVersions(kind?: UnitKind): Promise<Record<string, number>>;

  /** Changes whenever anything is written or deleted (a cheap read). */
  changeToken(): Promise<string>;
  /**
   * Catches an in-memory index of (kind, modelVersion) up with the database: with `cursor` null,
   * a full load (sink.reset, then every row); otherwise null when nothing changed since the cursor,
   * or the changes streamed into the sink. Returns the cursor to pass next time.
   */
  readVectors(
    kind: UnitKind,
    modelVersion: string,
    precision: VectorPrecision,
    cursor: string | null,
    sink: VectorSink,
  ): Promise<string | null>;
}
