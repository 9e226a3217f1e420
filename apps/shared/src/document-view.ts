import type { DocumentRecord } from '@elegans/storage';
import type { DocumentView } from '../../api/src/documents/documents.schemas';

/** The public JSON shape of a document (API responses and SSE events): documentViewSchema. */
export function documentView(d: DocumentRecord): DocumentView {
  const self = `/v1/documents/${d.id}`;
  return {
    id: d.id,
    status: d.status,
    progress: d.progress,
    collection: d.collection,
    filename: d.filename,
    format: d.format,
    bytes: d.bytes,
    contentHash: d.contentHash,
    metadata: d.metadata,
    title: d.title,
    language: d.language,
    pages: d.pageCount,
    characters: d.charCount,
    tokens: d.tokenCount,
    sentences: d.sentenceCount,
    passages: d.passageCount,
    flags: d.flags,
    timings: d.timings,
    error: d.error,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    links: { self, events: `${self}/events` },
  };
}
export type { DocumentView };
