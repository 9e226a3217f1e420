import type { Passage, StructureRole } from '@elegans/ingest';

/** Which text unit an index entry is: passages answer search, sentences feed answers. */
export type UnitKind = 'passage' | 'sentence';

export type SearchMode = 'lexical' | 'dense' | 'hybrid';

/** A passage as libs/ingest produces it: the index stores it unchanged. */
export type PassageInput = Passage;

export interface SentenceInput {
  index: number;
  start: number;
  end: number;
  page: number;
  text: string;
  section?: number;
  /** What the sentence opens for the model's timesteps; kept so reindex can replay the document. */
  boundary?: SentenceBoundary;
  /** Structure role from libs/ingest; absent means body. */
  role?: StructureRole;
}

export type SentenceBoundary = 'sentence' | 'paragraph' | 'page';

export interface UnitVectors {
  /** Version string of the model that produced the vectors (manifest.version). */
  modelVersion: string;
  /** One L2-normalised vector per passage, in `passages` order. */
  passages?: Float32Array[];
  /** One L2-normalised vector per sentence, in `sentences` order. */
  sentences?: Float32Array[];
}

export interface IndexDocumentInput {
  tenantId: string;
  documentId: string;
  collection?: string | null;
  passages: PassageInput[];
  sentences: SentenceInput[];
  vectors?: UnitVectors;
}

/** Scope of every read. The tenant is mandatory: there is no cross-tenant search. */
export interface SearchFilter {
  tenantId: string;
  collection?: string | null;
  documentIds?: string[];
}

export interface ScoredId {
  id: number;
  score: number;
}

export interface StoredPassage {
  id: number;
  tenantId: string;
  collection: string | null;
  documentId: string;
  index: number;
  start: number;
  end: number;
  pageStart: number;
  pageEnd: number;
  sentenceStart: number;
  sentenceEnd: number;
  text: string;
  /** Structure role (libs/ingest); absent when none was stored (read as body). */
  role?: StructureRole;
}

export interface StoredSentence {
  id: number;
  tenantId: string;
  collection: string | null;
  documentId: string;
  index: number;
  start: number;
  end: number;
  page: number;
  section: number;
  boundary: SentenceBoundary;
  text: string;
  /** Structure role (libs/ingest); absent when none was stored (read as body). */
  role?: StructureRole;
}

/** What retrieval needs from the model: query vectors in the same space as the stored ones. */
export interface QueryEmbedder {
  readonly modelVersion: string;
  embedQuery(text: string): Promise<Float32Array>;
}
