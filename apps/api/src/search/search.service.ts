import { ElegansError } from '@elegans/common';
import { RetrievalInputError, type SearchHit } from '@elegans/retrieval';
import { Injectable } from '@nestjs/common';
import { QueryRetrieval } from '../retrieval/query-retrieval';
import { type SearchBody, type SearchResponseView, type SearchResultView } from './search.schemas';

/**
 * Search over the tenant's indexed passages or sentences (libs/retrieval). Retrieval and the query
 * model are the API's shared ones (QueryRetrieval: one Retriever, one vector index); if the model cannot load, hybrid degrades to lexical (the response's `mode`
 * says so) and mode=dense is refused with a 400 that says why.
 */
@Injectable()
export class SearchService {
  constructor(private readonly retrieval: QueryRetrieval) {}

  /** `body` was validated by the route (search.schemas.ts). */
  async search(tenantId: string, body: SearchBody): Promise<SearchResponseView> {
    // The shared model may have been reloaded (new version on disk) since the last search.
    const { retriever, model } =
      body.mode === 'lexical' ? { retriever: this.retrieval.lexical, model: null } : await this.retrieval.current();
    if (!model && body.mode === 'dense') {
      throw new ElegansError('bad_request', 'dense search needs the liquid model, which is not available');
    }
    const mode = body.mode ?? (model ? 'hybrid' : 'lexical');
    try {
      const res = await retriever.search({
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
    matchPage: h.matchPage,
    start: h.start,
    end: h.end,
    text: h.text,
    snippet: h.snippet,
    ...(h.role ? { role: h.role } : {}),
    ...(h.context ? { context: { before: h.context.before.map(sentence), after: h.context.after.map(sentence) } } : {}),
  };
}
