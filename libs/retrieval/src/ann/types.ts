import type { ScoredId } from '../types';

/**
 * An approximate nearest-neighbour index over L2-normalised vectors, scored by inner product
 * (= cosine). Keys are unit ids (non-negative integers below 2^53). Implementations answer
 * unfiltered top-k only; filters, selectivity and the exact fallback live in `filteredSearch`
 * and `AnnPartitions`, so another library (or pgvector) can stand in behind the same interface.
 */
export interface ApproximateIndex {
  readonly dimension: number;
  /** Live (not removed) vectors. */
  readonly size: number;
  /**
   * Adds `ids.length` vectors given row-major in `vectors` (length ids.length · dimension).
   * An id already present is replaced: its old vector is never returned again.
   */
  add(ids: ArrayLike<number>, vectors: Float32Array): void;
  /** Removes the ids (unknown ids are ignored); returns how many were present. */
  remove(ids: ArrayLike<number>): number;
  has(id: number): boolean;
  /**
   * About `k` nearest ids, best first, with their inner products as the index computes them
   * (quantised when the index is). `ef` is the search beam (candidates kept while walking the
   * graph); at least `k` is used. Fewer than `k` come back only when the index holds fewer.
   */
  search(q: Float32Array, k: number, ef?: number): ScoredId[];
  /** Estimated resident bytes (vectors + graph). */
  memoryBytes(): number;
  /** Drops every vector. */
  clear(): void;
}

export type AnnQuantization = 'f32' | 'f16' | 'i8';

export interface AnnConfig {
  /**
   * A tenant's vectors get an approximate index once it holds this many (per unit kind and model
   * version); below it, and for selective filters, search stays the exact scan.
   */
  minVectors: number;
  /** Default search beam (RETRIEVAL_ANN_EF). */
  ef: number;
  /** HNSW links per node (M). */
  connectivity: number;
  /** Beam while inserting (efConstruction). */
  expansionAdd: number;
  /** Scalar type of the vectors inside the ANN index; results are re-scored exactly anyway. */
  quantization: AnnQuantization;
  /** Threads for building (search is single-threaded: one query per call). */
  buildThreads: number;
  /**
   * Vectors added per background step while a tenant's index is first built (one step per
   * macrotask; the tenant is searched exactly until it is complete). 0 = build synchronously.
   */
  buildChunk: number;
  /** Most candidates one filtered search may ask the index for before falling back to the exact scan. */
  maxCandidates: number;
}
