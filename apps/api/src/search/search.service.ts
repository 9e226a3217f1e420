import { ElegansError } from '@elegans/common';
import {
  RetrievalInputError,
  RetrievalStore,
  Retriever,
  type SearchHit,
  type SearchResponse,
} from '@elegans/retrieval';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { STORAGE } from '../../../shared/src/storage.module';
import { QueryModel } from '../model/query-model';

/** Request limits; explicit so a client learns them from the 400 it gets. */
export const SEARCH_LIMITS = { maxQueryChars: 2000, maxK: 100, maxOffset: 1000, maxDocumentIds: 500, maxNeighbours: 5 };

export const searchBodySchema = z
  .object({
    query: z.string().trim().min(1).max(SEARCH_LIMITS.maxQueryChars),
    mode: z.enum(['hybrid', 'lexical', 'dense']).optional(),
    unit: z.enum(['passage', 'sentence']).default('passage'),
    collection: z.string().min(1).max(200).optional(),
    documentIds: z.array(z.string().min(1).max(200)).max(SEARCH_LIMITS.maxDocumentIds).optional(),
    k: z.number().int().min(1).max(SEARCH_LIMITS.maxK).default(10),
    offset: z.number().int().min(0).max(SEARCH_LIMITS.maxOffset).default(0),
    /** MMR λ: 1 = pure relevance, lower = more diverse results. */
    mmr: z.number().gt(0).max(1).optional(),
    neighbours: z.number().int().min(0).max(SEARCH_LIMITS.maxNeighbours).default(0),
  })
  .strict();
export type SearchBody = z.infer<typeof searchBodySchema>;

export interface SearchResultView {
  documentId: string;
  collection: string | null;
  unit: 'passage' | 'sentence';
  /** Passage (or sentence) index within the document. */
  index: number;
  score: number;
  scores: { lexical: number | null; dense: number | null };
  page: number;
  pageEnd: number;
  /** [start, end) UTF-16 offsets into the document text. */
  start: number;
  end: number;
  text: string;
  /** FTS5 highlight, query words wrapped in <mark>…</mark>. */
  snippet: string;
  context?: { before: { index: number; text: string; start: number; end: number; page: number }[]; after: unknown[] };
}

/**
 * Search over the tenant's indexed passages or sentences (libs/retrieval). The query model is the
 * API's shared one (QueryModel); if it cannot load, hybrid degrades to lexical (the response's `mode`
 * says so) and mode=dense is refused with a 400 that says why.
 */
@Injectable()
export class SearchService {
  private readonly retriever: Retriever;

  constructor(
    @Inject(STORAGE) storage: Storage,
    private readonly queryModel: QueryModel,
  ) {
    this.retriever = new Retriever(new RetrievalStore(storage.sqlite), null, {
      maxK: SEARCH_LIMITS.maxK,
      maxOffset: SEARCH_LIMITS.maxOffset,
      maxQueryChars: SEARCH_LIMITS.maxQueryChars,
    });
  }

  async search(
    tenantId: string,
    raw: unknown,
  ): Promise<Omit<SearchResponse, 'hits'> & { results: SearchResultView[] }> {
    const parsed = searchBodySchema.safeParse(raw ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ElegansError('validation_failed', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const body = parsed.data;
    const model = body.mode === 'lexical' ? null : await this.queryModel.current();
    // The shared model may have been reloaded (new version on disk) since the last search.
    if (model) this.retriever.setEmbedder(model);
    if (!model && body.mode === 'dense') {
      throw new ElegansError('bad_request', 'dense search needs the liquid model, which is not available');
    }
    const mode = body.mode ?? (model ? 'hybrid' : 'lexical');
    try {
      const res = await this.retriever.search({
        tenantId,
        query: body.query,
        mode: mode === 'hybrid' && !model ? 'lexical' : mode,
        unit: body.unit,
        collection: body.collection,
        documentIds: body.documentIds,
        k: body.k,
        offset: body.offset,
        mmrLambda: body.mmr,
        neighbours: body.neighbours,
      });
      const { hits, ...rest } = res;
      return { ...rest, results: hits.map(view) };
    } catch (err) {
      if (err instanceof RetrievalInputError) throw new ElegansError('validation_failed', err.message);
      throw err;
    }
  }
}

function view(h: SearchHit): SearchResultView {
  const sentence = (s: { index: number; text: string; start: number; end: number; page: number }) => ({
    index: s.index,
    text: s.text,
    start: s.start,
    end: s.end,
    page: s.page,
  });
  return {
    documentId: h.documentId,
    collection: h.collection,
    unit: h.unit,
    index: h.index,
    score: h.score,
    scores: h.scores,
    page: h.pageStart,
    pageEnd: h.pageEnd,
    start: h.start,
    end: h.end,
    text: h.text,
    snippet: h.snippet,
    ...(h.context ? { context: { before: h.context.before.map(sentence), after: h.context.after.map(sentence) } } : {}),
  };
}
