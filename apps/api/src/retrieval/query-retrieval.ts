import { Retriever, type LiquidEmbedder, type RetrievalRepository } from '@elegans/retrieval';
import { Inject, Injectable } from '@nestjs/common';
import type { AppStorage } from '../../../shared/src/app-storage';
import { STORAGE } from '../../../shared/src/storage.module';
import { QueryModel } from '../model/query-model';
import { SEARCH_LIMITS } from '../search/search.schemas';

/**
 * The API process's one query side of retrieval: one Retriever (so one in-memory vector index per
 * unit kind and model version, kept up to date with the database before each query) over the storage's
 * RetrievalRepository (SQLite or PostgreSQL), with the process's one QueryModel. Search, ask and chat
 * (through ask) all query through it.
 */
@Injectable()
export class QueryRetrieval {
  readonly repo: RetrievalRepository;
  private readonly retriever: Retriever;

  constructor(
    @Inject(STORAGE) storage: AppStorage,
    private readonly queryModel: QueryModel,
  ) {
    this.repo = storage.retrieval;
    this.retriever = new Retriever(this.repo, null, {
      maxK: SEARCH_LIMITS.maxK,
      maxOffset: SEARCH_LIMITS.maxOffset,
      maxQueryChars: SEARCH_LIMITS.maxQueryChars,
    });
  }

  /** The retriever without loading the model (lexical queries); its embedder is whatever was set last. */
  get lexical(): Retriever {
    return this.retriever;
  }

  /**
   * The shared model (null when it cannot load) set on the shared retriever: a model reloaded from disk
   * with a new version switches the vector indexes to that version; the same version keeps them.
   */
  async current(): Promise<{ retriever: Retriever; model: LiquidEmbedder | null }> {
    const model = await this.queryModel.current();
    this.retriever.setEmbedder(model);
    return { retriever: this.retriever, model };
  }
}
