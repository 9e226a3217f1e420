import type { DocumentStatus, ErrorCode } from '@elegans/common';
import type { DocumentFormat, ParsedDocument } from '@elegans/ingest';

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  /** First characters of the key, safe to display; never enough to authenticate. */
  prefix: string;
  label: string | null;
  /** Admin keys also open the operator surfaces (/admin/queues); tenant keys get 403 there. */
  isAdmin: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Milliseconds spent per stage, keyed by stage name ('parsing', 'embedding', …). */
export type StageTimings = Record<string, number>;

export interface DocumentRecord {
  id: string;
  tenantId: string;
  collection: string;
  contentHash: string;
  filename: string | null;
  mimeType: string | null;
  format: DocumentFormat;
  bytes: number;
  metadata: Record<string, unknown>;
  title: string | null;
  language: string | null;
  status: DocumentStatus;
  progress: number;
  timings: StageTimings;
  pageCount: number | null;
  charCount: number | null;
  tokenCount: number | null;
  sentenceCount: number | null;
  passageCount: number | null;
  flags: string[];
  error: { code: ErrorCode | string; message: string } | null;
  jobId: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewDocument {
  tenantId: string;
  collection: string;
  contentHash: string;
  filename: string | null;
  mimeType: string | null;
  format: DocumentFormat;
  bytes: number;
  metadata: Record<string, unknown>;
  jobId: string | null;
}

export interface DocumentListQuery {
  tenantId: string;
  collection?: string;
  status?: DocumentStatus;
  limit: number;
  /** Opaque cursor returned as `nextCursor` by the previous page. */
  cursor?: string;
}

export interface DocumentPage {
  items: DocumentRecord[];
  nextCursor: string | null;
}

/** Fields the pipeline updates as it goes; only the ones given are written. */
export interface DocumentPatch {
  status?: DocumentStatus;
  progress?: number;
  timings?: StageTimings;
  title?: string | null;
  language?: string | null;
  pageCount?: number | null;
  charCount?: number | null;
  tokenCount?: number | null;
  sentenceCount?: number | null;
  passageCount?: number | null;
  flags?: string[];
  error?: { code: string; message: string } | null;
  jobId?: string | null;
  attempts?: number;
}

export interface StoredPage {
  number: number;
  start: number;
  end: number;
  text: string;
}

export interface ResultRecord {
  documentId: string;
  kind: string;
  data: unknown;
  createdAt: string;
}

export type { ParsedDocument };

/** One collection of a tenant, as `GET /v1/models` lists it. */
export interface CollectionSummary {
  name: string;
  documents: number;
  /** ISO time of its oldest document. */
  createdAt: string;
}
