import { DenseIndex } from './dense-index';
import { queryTerms } from './fts-query';
import { convexFusion, mmr, weightedRrf } from './fusion';
import { normalize } from './quantize';
import type { RetrievalRepository, VectorPrecision } from './repository';
import type { StructureRole } from '@elegans/ingest';
import type {
  QueryEmbedder,
  ScoredId,
  SearchFilter,
  SearchMode,
  StoredPassage,
  StoredSentence,
  UnitKind,
} from './types';

export interface RetrieverOptions {
  /** Dense weight of the convex fusion; tuned on Cranfield only (see README). */
  denseWeight: number;
  /** Candidates taken from each ranking before fusion. */
  candidates: number;
  /**
   * 'rerank': fuse over the BM25 candidates only (dense re-scores them; no full vector scan).
   * 'union': also add the dense top candidates (a full scan; finds documents BM25 missed).
   */
  hybrid: 'rerank' | 'union';
  /** 'convex' (normalised scores) or 'rrf' (weighted reciprocal ranks, k = 60). */
  fusion: 'convex' | 'rrf';
  /** Score normalisation of the convex fusion (see fusion.ts). */
  normalization: 'minmax' | 'z';
  /** Rocchio-style dense pseudo-relevance feedback: BM25 top-m vectors added to the query. */
  prfDocs: number;
  prfWeight: number;
  precision: VectorPrecision;
  maxK: number;
  maxOffset: number;
  maxQueryChars: number;
}

export const DEFAULT_RETRIEVER_OPTIONS: RetrieverOptions = {
  denseWeight: 0.5,
  candidates: 1000,
  hybrid: 'rerank',
  fusion: 'convex',
  normalization: 'minmax',
  prfDocs: 3,
  prfWeight: 4,
  precision: 'f32',
  maxK: 100,
  maxOffset: 1000,
  maxQueryChars: 2000,
};

export interface SearchRequest extends SearchFilter {
  query: string;
  mode?: SearchMode;
  unit?: UnitKind;
  k?: number;
  offset?: number;
  /** MMR trade-off λ in (0, 1]; absent = no diversification. */
  mmrLambda?: number;
  /** Surrounding sentences to return on each side of a hit. */
  neighbours?: number;
}

export interface SearchHit {
  id: number;
  unit: UnitKind;
  documentId: string;
  collection: string | null;
  index: number;
  start: number;
  end: number;
  pageStart: number;
  pageEnd: number;
  /**
   * The page a link to this hit should open: for a passage over several pages, the page of its
   * sentence that holds the most query words (ties: the first); otherwise `pageStart`.
   */
  matchPage: number;
  text: string;
  /** FTS5 highlight with <mark>…</mark> when the hit matches query words, else the text's head. */
  snippet: string;
  score: number;
  scores: { lexical: number | null; dense: number | null };
  /** Structure role of the passage or sentence (libs/ingest); absent means body. */
  role?: StructureRole;
  context?: { before: StoredSentence[]; after: StoredSentence[] };
}

export interface SearchResponse {
  mode: SearchMode;
  unit: UnitKind;
  k: number;
  offset: number;
  /** Offset of the next page, or null when this page was the last the candidates allow. */
  nextOffset: number | null;
  modelVersion: string | null;
  hits: SearchHit[];
}

/** The ids of `hits` re-sorted by the given scores (NaN last). */
function rankBy(hits: ScoredId[], scores: number[]): ScoredId[] {
  return hits
    .map((h, i) => ({ id: h.id, score: Number.isFinite(scores[i]!) ? scores[i]! : -Infinity }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

export class RetrievalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetrievalInputError';
  }
}

/**
 * Ranked units for a query: BM25, dense or hybrid, within a tenant-scoped filter, over any
 * RetrievalRepository (SQLite or PostgreSQL). One per API process: it holds the in-memory vector
 * index of each unit kind for the current model version.
 */
export class Retriever {
  readonly options: RetrieverOptions;
  private readonly dense = new Map<string, DenseIndex>();

  constructor(
    readonly repo: RetrievalRepository,
    private embedder: QueryEmbedder | null,
    options: Partial<RetrieverOptions> = {},
  ) {
    this.options = { ...DEFAULT_RETRIEVER_OPTIONS, ...options };
  }

  get modelVersion(): string | null {
    return this.embedder?.modelVersion ?? null;
  }

  /**
   * Swaps the query model (after a model upgrade); vectors of the new version are used from now on.
   * The same version again keeps the loaded vector indexes.
   */
  setEmbedder(embedder: QueryEmbedder | null): void {
    const changed = (embedder?.modelVersion ?? null) !== this.modelVersion;
    this.embedder = embedder;
    if (changed) this.dense.clear();
  }

  /** The vector index of one kind for the current model, brought up to date with the database. */
  async denseIndex(kind: UnitKind): Promise<DenseIndex | null> {
    if (!this.embedder) return null;
    const key = `${kind}:${this.embedder.modelVersion}`;
    let idx = this.dense.get(key);
    if (!idx) {
      idx = new DenseIndex(this.repo, kind, this.embedder.modelVersion, this.options.precision);
      this.dense.set(key, idx);
    }
    await idx.refresh();
    return idx;
  }

  async search(req: SearchRequest): Promise<SearchResponse> {
    const o = this.options;
    if (!req.tenantId) throw new RetrievalInputError('tenantId is required');
    if (typeof req.query !== 'string' || req.query.trim() === '') throw new RetrievalInputError('query is empty');
    if (req.query.length > o.maxQueryChars) {
      throw new RetrievalInputError(`query longer than ${o.maxQueryChars} characters`);
    }
    const k = req.k ?? 10;
    const offset = req.offset ?? 0;
    if (!Number.isInteger(k) || k < 1 || k > o.maxK) throw new RetrievalInputError(`k must be 1..${o.maxK}`);
    if (!Number.isInteger(offset) || offset < 0 || offset > o.maxOffset) {
      throw new RetrievalInputError(`offset must be 0..${o.maxOffset}`);
    }
    const mode: SearchMode = req.mode ?? (this.embedder ? 'hybrid' : 'lexical');
    if (mode !== 'lexical' && !this.embedder) {
      throw new RetrievalInputError(`mode ${mode} needs the model, which is not loaded`);
    }
    const unit: UnitKind = req.unit ?? 'passage';
    const filter: SearchFilter = { tenantId: req.tenantId, collection: req.collection, documentIds: req.documentIds };
    const want = offset + k;
    // One more than the page needs, so the response can say whether a next page exists.
    const ranked = await this.rank(req.query, mode, unit, filter, want + 1);
    let page = ranked;
    if (req.mmrLambda !== undefined && mode !== 'lexical') {
      const idx = (await this.denseIndex(unit))!;
      page = mmr(ranked, (id) => idx.vector(id), req.mmrLambda, want + 1);
    }
    page = page.slice(offset, offset + k);
    const hits = await this.materialize(req.query, unit, page, req.neighbours ?? 0);
    return {
      mode,
      unit,
      k,
      offset,
      nextOffset: ranked.length > offset + k ? offset + k : null,
      modelVersion: mode === 'lexical' ? null : this.modelVersion,
      hits,
    };
  }

  /** Ranking only (ids and scores): what the eval and the benchmark time. */
  async rank(
    query: string,
    mode: SearchMode,
    unit: UnitKind,
    filter: SearchFilter,
    want: number,
  ): Promise<(ScoredId & { lexical: number | null; dense: number | null })[]> {
    const o = this.options;
    const n = Math.max(want, o.candidates);
    if (mode === 'lexical') {
      return (await this.repo.lexical(unit, query, filter, want)).map((h) => ({ ...h, lexical: h.score, dense: null }));
    }
    // The model runs on ONNX Runtime's threads: start it, then do the database work meanwhile.
    const pending = this.embedder!.embedQuery(query);
    let idx: DenseIndex;
    let lex: ScoredId[];
    try {
      // The vector index catches up with the database while the repository ranks BM25 candidates.
      const [i, l] = await Promise.all([
        this.denseIndex(unit),
        mode === 'dense' ? [] : this.repo.lexical(unit, query, filter, n),
      ]);
      idx = i!;
      lex = l;
    } catch (err) {
      await pending.catch(() => undefined);
      throw err;
    }
    if (mode === 'dense') {
      const q = await pending;
      return idx.search(q, filter, want).map((h) => ({ ...h, lexical: null, dense: h.score }));
    }
    const q = await pending;
    const qv = this.feedback(q, lex, idx);
    // With no lexical match at all, the dense ranking is all there is.
    const dense = o.hybrid === 'union' || lex.length === 0 ? idx.search(qv, filter, n) : [];
    if (o.fusion === 'rrf') {
      const lexDense = lex.length
        ? rankBy(
            lex,
            idx.scores(
              qv,
              lex.map((h) => h.id),
            ),
          )
        : [];
      const fused = weightedRrf([lex, o.hybrid === 'union' ? dense : lexDense], [1 - o.denseWeight, o.denseWeight]);
      const lexOf = new Map(lex.map((h) => [h.id, h.score]));
      return fused.slice(0, n).map((h) => ({ ...h, lexical: lexOf.get(h.id) ?? null, dense: null }));
    }
    return convexFusion(lex, dense, (ids) => idx.scores(qv, ids), {
      denseWeight: o.denseWeight,
      normalization: o.normalization,
    }).slice(0, n);
  }

  /** q' = normalise(q + β · mean of the top-m BM25 hits' vectors) (Rocchio in vector space). */
  private feedback(q: Float32Array, lex: ScoredId[], idx: DenseIndex): Float32Array {
    const { prfDocs, prfWeight } = this.options;
    if (prfDocs <= 0 || prfWeight <= 0 || lex.length === 0) return q;
    const out = Float32Array.from(q);
    let m = 0;
    for (const h of lex.slice(0, prfDocs)) {
      const v = idx.vector(h.id);
      if (!v) continue;
      for (let j = 0; j < out.length; j++) out[j]! += (prfWeight * v[j]!) / prfDocs;
      m++;
    }
    return m > 0 ? normalize(out) : q;
  }

  /** Rows, snippets and neighbours of a page; a unit deleted since it was ranked is left out. */
  private async materialize(
    query: string,
    unit: UnitKind,
    page: (ScoredId & { lexical?: number | null; dense?: number | null })[],
    neighbours: number,
  ): Promise<SearchHit[]> {
    const ids = page.map((h) => h.id);
    const [snippets, rows] = await Promise.all([
      this.repo.snippets(unit, query, ids),
      unit === 'passage' ? this.repo.passages(ids) : this.repo.sentences(ids),
    ]);
    const head = (t: string) => (t.length > 240 ? `${t.slice(0, 240)}…` : t);
    const units = rows as Map<number, StoredPassage | StoredSentence>;
    return Promise.all(
      page.flatMap((h) => {
        const u = units.get(h.id);
        return u ? [this.hit(u, h, snippets.get(h.id) ?? head(u.text), neighbours, query)] : [];
      }),
    );
  }

  private async hit(
    u: StoredPassage | StoredSentence,
    h: ScoredId & { lexical?: number | null; dense?: number | null },
    snippet: string,
    neighbours: number,
    query: string,
  ): Promise<SearchHit> {
    const isPassage = 'pageStart' in u;
    const from = isPassage ? u.sentenceStart : u.index;
    const to = isPassage ? u.sentenceEnd : u.index + 1;
    const hit: SearchHit = {
      id: u.id,
      unit: isPassage ? 'passage' : 'sentence',
      documentId: u.documentId,
      collection: u.collection,
      index: u.index,
      start: u.start,
      end: u.end,
      pageStart: isPassage ? u.pageStart : u.page,
      pageEnd: isPassage ? u.pageEnd : u.page,
      matchPage: isPassage ? u.pageStart : u.page,
      text: u.text,
      snippet,
      score: h.score,
      scores: { lexical: h.lexical ?? null, dense: h.dense ?? null },
      ...(u.role ? { role: u.role } : {}),
    };
    if (isPassage && u.pageEnd > u.pageStart) {
      hit.matchPage = matchingPage(await this.repo.sentenceRange(u.documentId, from, to), query) ?? u.pageStart;
    }
    if (neighbours > 0) {
      const [before, after] = await Promise.all([
        this.repo.sentenceRange(u.documentId, Math.max(0, from - neighbours), from),
        this.repo.sentenceRange(u.documentId, to, to + neighbours),
      ]);
      hit.context = { before, after };
    }
    return hit;
  }
}

/** Case- and accent-folded word tokens, as unicode61 splits them. */
function words(text: string): string[] {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/**
 * The page of the sentence with the most query words, or null when none has one. A word matches a
 * query term when one is a prefix of the other and the shorter has 4+ letters (or they are equal),
 * a stand-in for the index's Porter stems that is enough to choose between a passage's pages.
 */
export function matchingPage(sentences: { page: number; text: string }[], query: string): number | null {
  const terms = queryTerms(words(query).join(' '));
  if (terms.length === 0) return null;
  const matches = (w: string, t: string) =>
    w === t || (Math.min(w.length, t.length) >= 4 && (w.startsWith(t) || t.startsWith(w)));
  let best: number | null = null;
  let bestCount = 0;
  for (const s of sentences) {
    const ws = new Set(words(s.text));
    let n = 0;
    for (const t of terms) if ([...ws].some((w) => matches(w, t))) n++;
    if (n > bestCount) {
      bestCount = n;
      best = s.page;
    }
  }
  return best;
}
