import { ElegansError } from '@elegans/common';
import { RetrievalInputError, RetrievalStore, Retriever, type SearchHit } from '@elegans/retrieval';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { STORAGE } from '../../../shared/src/storage.module';
import { QueryModel } from '../model/query-model';
import { SEARCH_LIMITS, type SearchBody, type SearchResponseView, type SearchResultView } from './search.schemas';

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

  /** `body` was validated by the route (search.schemas.ts). */
  async search(tenantId: string, body: SearchBody): Promise<SearchResponseView> {
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
