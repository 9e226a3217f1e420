import type {
  ApiKeyRecord,
  CollectionSummary,
  DocumentListQuery,
  DocumentPage,
  DocumentPatch,
  DocumentRecord,
  NewDocument,
  ParsedDocument,
  ResultRecord,
  StoredPage,
  Tenant,
} from './types';
import type { PageGeometry, PageSpan, Section, Sentence } from '@elegans/ingest';
import type { Readable } from 'node:stream';

/**
 * Repository interfaces: services depend on these, never on SQLite. Every method is async so a
 * PostgreSQL (or remote blob store) implementation can slot in without touching the services.
 */
export interface TenantRepository {
  create(name: string): Promise<Tenant>;
  getById(id: string): Promise<Tenant | null>;
  getByName(name: string): Promise<Tenant | null>;
  /** Returns the tenant named `name`, creating it when missing. */
  ensure(name: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
}

export interface ApiKeyRepository {
  /** Stores only the key's hash; the plaintext never reaches storage. */
  create(input: {
    tenantId: string;
    keyHash: string;
    prefix: string;
    label?: string | null;
    /** Default false: a tenant key. */
    isAdmin?: boolean;
  }): Promise<ApiKeyRecord>;
  /** The active (not revoked) key with this hash, or null. */
  findActiveByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  touch(id: string, at?: Date): Promise<void>;
  revoke(id: string): Promise<void>;
  listForTenant(tenantId: string): Promise<ApiKeyRecord[]>;
}

export interface DocumentRepository {
  /** Inserts a queued document; returns null when the tenant already has this content hash. */
  create(input: NewDocument): Promise<DocumentRecord | null>;
  /** Only the tenant's own documents: another tenant's id reads as missing. */
  getForTenant(tenantId: string, id: string): Promise<DocumentRecord | null>;
  /** Unscoped read, for workers that hold a job payload already bound to a tenant. */
  getById(id: string): Promise<DocumentRecord | null>;
  getByHash(tenantId: string, contentHash: string): Promise<DocumentRecord | null>;
  list(query: DocumentListQuery): Promise<DocumentPage>;
  /** Returns false when the document no longer exists (deleted meanwhile). */
  update(id: string, patch: DocumentPatch): Promise<boolean>;
  /** Deletes the row and, by cascade, every row keyed by its id. Returns false when missing. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** How many documents (any tenant) still point at this blob. */
  countByHash(contentHash: string): Promise<number>;
  countByStatus(): Promise<Record<string, number>>;
  /** The tenant's collections (every one holding at least one document), by name. */
  listCollections(tenantId: string): Promise<CollectionSummary[]>;
}

/** The parsed structure of a document: text, pages, sections, sentences, passages. */
export interface ContentRepository {
  /** Replaces everything stored for the document in one transaction (a retried parse is idempotent). */
  replaceParsed(documentId: string, parsed: ParsedDocument): Promise<void>;
  /** Rebuilds the ParsedDocument stored by replaceParsed (meta comes from the document row). */
  loadParsed(documentId: string): Promise<ParsedDocument | null>;
  getPages(documentId: string): Promise<StoredPage[]>;
  /** One page with its text, or null. */
  getPage(documentId: string, number: number): Promise<StoredPage | null>;
  /** Page spans (no text), all or pages `from..to` (1-based, inclusive). */
  getPageSpans(documentId: string, range?: { from: number; to: number }): Promise<PageSpan[]>;
  countPages(documentId: string): Promise<number>;
  /** The sentences of one page (no sentence crosses a page), in order. */
  getSentencesOnPage(documentId: string, page: number): Promise<Sentence[]>;
  getSections(documentId: string): Promise<Section[]>;
  /**
   * The stored geometry of the pages whose text overlaps `[start, end)`, packed; `[]` when none
   * does; null when the document has no geometry at all (formats without a page layout, or
   * parsed before geometry was stored).
   */
  getGeometry(documentId: string, start: number, end: number): Promise<PageGeometry[] | null>;
  countRows(documentId: string): Promise<Record<string, number>>;
}

export interface ResultRepository {
  put(documentId: string, kind: string, data: unknown): Promise<void>;
  get(documentId: string, kind: string): Promise<ResultRecord | null>;
  list(documentId: string): Promise<ResultRecord[]>;
}

export interface BlobWriteResult {
  sha256: string;
  bytes: number;
  /** First bytes of the content (for magic-byte detection). */
  head: Uint8Array;
}

/** A pending upload: bytes land in a temp file while hashed; commit() makes it addressable. */
export interface PendingBlob {
  readonly tempPath: string;
  commit(sha256: string): Promise<void>;
  discard(): Promise<void>;
}

/** Content-addressed blobs keyed by sha256. */
export interface BlobStore {
  /** Streams `source` into a pending blob while hashing and counting; rejects past maxBytes. */
  write(source: Readable, maxBytes: number): Promise<{ pending: PendingBlob } & BlobWriteResult>;
  read(sha256: string): Promise<Uint8Array>;
  exists(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
  /**
   * A file on this machine holding the blob, for readers that need a path (the parser thread, ranged
   * downloads): the blob itself with FsBlobStore, a local cached copy with PgBlobStore.
   */
  localPath(sha256: string): Promise<string>;
}

/** One file of a batch, in upload order: a document, or the reason it was refused before one existed. */
export interface BatchFileRecord {
  position: number;
  filename: string | null;
  /** Null when refused, or when the document was deleted since (ON DELETE SET NULL). */
  documentId: string | null;
  error: { code: string; message: string } | null;
}

export interface BatchRecord {
  id: string;
  tenantId: string;
  status: string;
  total: number;
  createdAt: string;
  updatedAt: string;
}

/** Batches (one multipart request, many files) and their files; the API writes them, the worker finalizes. */
export interface BatchRepository {
  create(input: { id: string; tenantId: string; total: number }): Promise<BatchRecord>;
  /** Only the tenant's own batch: another tenant's id reads as missing. */
  getForTenant(tenantId: string, id: string): Promise<BatchRecord | null>;
  /** Records every file line, and a batch item for each file with a document, in one transaction. */
  addFiles(batchId: string, files: BatchFileRecord[]): Promise<void>;
  listFiles(batchId: string): Promise<BatchFileRecord[]>;
  /** The batch's documents (those still existing) counted by their status. */
  countDocumentsByStatus(batchId: string): Promise<Record<string, number>>;
  setStatus(batchId: string, status: string): Promise<void>;
  delete(batchId: string): Promise<void>;
}

/** A document's final recurrent state (bytes as libs/model serializes them). */
export interface ModelStateRecord {
  modelVersion: string;
  tokens: number;
  sentences: number;
  state: Uint8Array;
  /** float32 little-endian. */
  documentVector: Uint8Array;
}

export interface ModelCheckpointRecord {
  modelVersion: string;
  /** Sentences of the parse the checkpoint belongs to (another count means another parse). */
  sentences: number;
  nextSentence: number;
  checkpoint: Uint8Array;
}

/** A unit vector emitted before a checkpoint (float32 little-endian). */
export interface PartialVectorRecord {
  kind: 'sentence' | 'passage';
  idx: number;
  vector: Uint8Array;
}

/**
 * libs/model's side effects while a document streams: resumable checkpoints and the final state.
 * Bytes only; serialization stays in libs/model (ModelStateStore).
 */
export interface ModelStateRepository {
  getDocumentState(documentId: string): Promise<ModelStateRecord | null>;
  /** Stores the final state and removes the document's checkpoint and partial vectors, in one transaction. */
  finishDocument(documentId: string, state: ModelStateRecord): Promise<void>;
  /** Records a checkpoint together with the vectors emitted since the previous one (one transaction). */
  saveCheckpoint(documentId: string, checkpoint: ModelCheckpointRecord, vectors: PartialVectorRecord[]): Promise<void>;
  loadCheckpoint(
    documentId: string,
  ): Promise<{ checkpoint: ModelCheckpointRecord; vectors: PartialVectorRecord[] } | null>;
  clearCheckpoint(documentId: string): Promise<void>;
}
