import type { StructureRole } from '@elegans/ingest';
import type { SentenceBoundary, StoredPassage, StoredSentence } from './types';

/**
 * Rows of rt_passages / rt_sentences as both backends read them, and their mapping to the stored
 * units. `id` is a number from SQLite and a string from PostgreSQL (BIGINT), hence Number().
 */
export interface PassageRow {
  id: number | string;
  tenant_id: string;
  collection: string | null;
  document_id: string;
  idx: number;
  start: number;
  end: number;
  page_start: number;
  page_end: number;
  sentence_start: number;
  sentence_end: number;
  text: string;
  role: string | null;
}

export interface SentenceRow {
  id: number | string;
  tenant_id: string;
  collection: string | null;
  document_id: string;
  idx: number;
  start: number;
  end: number;
  page: number;
  section: number;
  boundary: string;
  text: string;
  role: string | null;
}

/** The stored role (written from libs/ingest's roles only), or nothing: NULL (indexed before roles) reads as body. */
export function roleOf(r: { role: string | null }): { role?: StructureRole } {
  return r.role ? { role: r.role as StructureRole } : {};
}

export function toPassage(r: PassageRow): StoredPassage {
  return {
    id: Number(r.id),
    tenantId: r.tenant_id,
    collection: r.collection,
    documentId: r.document_id,
    index: r.idx,
    start: r.start,
    end: r.end,
    pageStart: r.page_start,
    pageEnd: r.page_end,
    sentenceStart: r.sentence_start,
    sentenceEnd: r.sentence_end,
    text: r.text,
    ...roleOf(r),
  };
}

export function toSentence(r: SentenceRow): StoredSentence {
  return {
    id: Number(r.id),
    tenantId: r.tenant_id,
    collection: r.collection,
    documentId: r.document_id,
    index: r.idx,
    start: r.start,
    end: r.end,
    page: r.page,
    section: r.section,
    boundary: (['sentence', 'paragraph', 'page'].includes(r.boundary) ? r.boundary : 'sentence') as SentenceBoundary,
    text: r.text,
    ...roleOf(r),
  };
}
