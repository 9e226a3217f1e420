import type { LiquidEmbedder } from './liquid';
import type { RetrievalRepository } from './repository';

export interface ReindexOptions {
  tenantId?: string;
  /** Re-embed every document, not only those lacking vectors of the embedder's version. */
  all?: boolean;
  progress?: (done: number, total: number, documentId: string) => void;
}

export interface ReindexResult {
  modelVersion: string;
  documents: number;
  passages: number;
  sentences: number;
  /** Documents already holding vectors of this version (skipped unless `all`). */
  upToDate: number;
  ms: number;
}

/**
 * Re-embeds indexed documents with the current model without re-parsing: sentences (with the
 * boundaries stored at indexing time) and passages are read back from the repository (SQLite or PostgreSQL), streamed through
 * the model with one carried state per document, and their vectors replaced in one transaction
 * per document. Documents already on this model version are skipped unless `all` is set.
 */
export async function reindexDocuments(
  store: RetrievalRepository,
  embedder: LiquidEmbedder,
  opts: ReindexOptions = {},
): Promise<ReindexResult> {
  const t0 = performance.now();
  const version = embedder.modelVersion;
  const every = await store.documents({ tenantId: opts.tenantId });
  const todo = opts.all ? every : await store.documents({ tenantId: opts.tenantId, staleFor: version });
  let passages = 0;
  let sentences = 0;
  for (let i = 0; i < todo.length; i++) {
    const { documentId } = todo[i]!;
    const units = await store.documentUnits(documentId);
    const out = await embedder.embedDocumentUnits(
      units.sentences.map((s) => ({ text: s.text, boundary: s.boundary })),
      units.passages.map((p) => ({ sentenceStart: p.sentenceStart, sentenceEnd: p.sentenceEnd, text: p.text })),
    );
    passages += await store.replaceVectors(documentId, 'passage', version, out.passages);
    if (units.sentences.length) sentences += await store.replaceVectors(documentId, 'sentence', version, out.sentences);
    opts.progress?.(i + 1, todo.length, documentId);
  }
  return {
    modelVersion: version,
    documents: todo.length,
    passages,
    sentences,
    upToDate: every.length - todo.length,
    ms: Math.round(performance.now() - t0),
  };
}
