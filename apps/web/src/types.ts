// The JSON shapes the web app reads (see /docs/openapi.json). Written out here because the web app
// is built by Vite, apart from the server's TypeScript project.

export type Status = 'queued' | 'parsing' | 'embedding' | 'indexing' | 'summarizing' | 'ready' | 'failed' | 'cancelled';

export const STAGES = ['parsing', 'embedding', 'indexing', 'summarizing'] as const;

export interface DocumentView {
  id: string;
  status: Status;
  progress: number;
  collection: string;
  filename: string | null;
  format: string | null;
  bytes: number;
  contentHash: string;
  metadata: Record<string, unknown>;
  title: string | null;
  language: string | null;
  pages: number | null;
  characters: number | null;
  tokens: number | null;
  sentences: number | null;
  passages: number | null;
  flags: string[];
  timings: Record<string, number> | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** Where a citation points: a document, its page and [start, end) offsets into its text. */
export interface Citation {
  documentId: string;
  page: number;
  start: number;
  end: number;
  text?: string;
}

export interface SummarySentence {
  sentence: number;
  text: string;
  page: number;
  start: number;
  end: number;
  role?: string;
  citation: Citation;
}

export interface SummaryView {
  documentId: string;
  model: string | null;
  summary: SummarySentence[];
  sections: { title: string; page: number; role?: string; summary: SummarySentence[] }[];
}

export interface SectionsView {
  documentId: string;
  sections: { index: number; title: string; level: number; page: number; start: number; end: number; role?: string }[];
}

export interface PageText {
  documentId: string;
  format: string;
  pageCount: number;
  pages: {
    number: number;
    start: number;
    end: number;
    text?: string;
    sentences?: { index: number; start: number; end: number; role?: string }[];
  }[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `GET /v1/documents/:id/geometry`: boxes in PDF points of the displayed page (origin top-left). */
export interface Geometry {
  documentId: string;
  start?: number;
  end?: number;
  /** False: the document has no page geometry (a format without pages, or parsed before it was stored). */
  geometry?: boolean;
  pages: { page: number; width: number; height: number; boxes: Box[] }[];
}

export interface SearchResult {
  documentId: string;
  collection: string | null;
  score: number;
  page: number;
  pageEnd: number;
  start: number;
  end: number;
  text: string;
  snippet: string;
  role?: string;
}

export interface SearchResponse {
  mode: string;
  nextOffset: number | null;
  results: SearchResult[];
}

export interface ChatCitation extends Citation {
  index: number;
  text: string;
}

export interface Chunk {
  choices: { delta: { content?: string }; finish_reason: string | null }[];
  citations?: ChatCitation[];
  elegans?: {
    answered: boolean;
    confidence: number;
    reason: string | null;
    closest?: (Citation & { text: string }) | null;
  };
}
