import { ElegansError } from '@elegans/common';
import {
  loadLiquidEmbedder,
  RetrievalInputError,
  RetrievalStore,
  Retriever,
  type LiquidEmbedder,
  type SearchHit,
} from '@elegans/retrieval';
import { defaultModelDir, loadManifest } from '@elegans/model';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, STORAGE } from '../../../shared/src/storage.module';
import { SEARCH_LIMITS, type SearchBody, type SearchResponseView, type SearchResultView } from './search.schemas';

/** How often the API looks at the model manifest for a new version. */
const MANIFEST_CHECK_MS = 30_000;

/**
 * Search over the tenant's indexed passages or sentences (libs/retrieval). The query model is
 * loaded once, lazily, on the first search that needs it; if it cannot load, hybrid degrades to
 * lexical (the response's `mode` says so) and mode=dense is refused with a 400 that says why.
 */
@Injectable()
export class SearchService implements OnApplicationShutdown {
  private readonly retriever: Retriever;
  private model: Promise<LiquidEmbedder | null> | null = null;
  private lastManifestCheck = 0;

  constructor(
    @Inject(STORAGE) storage: Storage,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.retriever = new Retriever(new RetrievalStore(storage.sqlite), null, {
      maxK: SEARCH_LIMITS.maxK,
      maxOffset: SEARCH_LIMITS.maxOffset,
      maxQueryChars: SEARCH_LIMITS.maxQueryChars,
    });
  }

  /**
   * A new model drop (models/liquid/manifest.json version) is picked up without a restart: the
   * worker then writes vectors of the new version and `elegans reindex` converts older ones.
   */
  private async currentModel(): Promise<LiquidEmbedder | null> {
    const now = Date.now();
    if (this.model && now - this.lastManifestCheck > MANIFEST_CHECK_MS) {
      this.lastManifestCheck = now;
      const loaded = await this.model;
      let onDisk: string | null = null;
      try {
        onDisk = loadManifest(defaultModelDir()).version;
      } catch {
        onDisk = null;
      }
      if (onDisk && onDisk !== (loaded?.modelVersion ?? null)) {
        this.logger.info(
          { from: loaded?.modelVersion ?? null, to: onDisk },
          'search: model changed on disk; reloading',
        );
        this.model = null;
        // Searches already holding the old session finish first.
        if (loaded) setTimeout(() => void loaded.release(), 10_000).unref();
      }
    }
    return this.loadModel();
  }

  private loadModel(): Promise<LiquidEmbedder | null> {
    this.model ??= loadLiquidEmbedder().then(
      (m) => {
        this.retriever.setEmbedder(m);
        this.logger.info({ modelVersion: m.modelVersion }, 'search: query model loaded');
        return m;
      },
      (err: unknown) => {
        this.logger.warn({ err: { message: (err as Error).message } }, 'search: model unavailable; lexical only');
        return null;
      },
    );
    return this.model;
  }

  /** `body` was validated by the route (search.schemas.ts). */
  async search(tenantId: string, body: SearchBody): Promise<SearchResponseView> {
    const model = body.mode === 'lexical' ? null : await this.currentModel();
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

  async onApplicationShutdown(): Promise<void> {
    const m = await this.model;
    await m?.release();
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
