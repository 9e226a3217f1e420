import { Index, MetricKind, ScalarKind } from 'usearch';
import type { ScoredId } from '../types';
import type { AnnQuantization, ApproximateIndex } from './types';

export interface UsearchOptions {
  connectivity?: number;
  expansionAdd?: number;
  quantization?: AnnQuantization;
  buildThreads?: number;
}

const SCALAR: Record<AnnQuantization, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 };
const SCALAR_BYTES: Record<AnnQuantization, number> = { f32: 4, f16: 2, i8: 1 };

function keysOf(ids: ArrayLike<number>): BigUint64Array {
  const keys = new BigUint64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isSafeInteger(id) || id < 0) throw new Error(`ann: id must be a non-negative integer, got ${id}`);
    keys[i] = BigInt(id);
  }
  return keys;
}

/**
 * HNSW from USearch (unum-cloud/usearch, npm `usearch` 2.25.3: prebuilt N-API binary for
 * linux-x64/arm64, darwin and win32 inside the package, so `npm ci` compiles nothing).
 * Metric: inner product; USearch reports `1 − ip` as the distance, turned back into the score here.
 *
 * USearch widens the search beam to the number of results asked for
 * (`expansion = max(expansion_search, wanted)`), so a per-query `ef` is "ask for max(k, ef),
 * keep the best k"; the index itself is built with a small fixed expansion_search.
 */
export class UsearchIndex implements ApproximateIndex {
  private index: Index;
  private readonly opts: Required<UsearchOptions>;

  constructor(
    readonly dimension: number,
    options: UsearchOptions = {},
  ) {
    this.opts = {
      connectivity: options.connectivity ?? 16,
      expansionAdd: options.expansionAdd ?? 64,
      quantization: options.quantization ?? 'f16',
      buildThreads: options.buildThreads ?? 1,
    };
    this.index = this.make();
  }

  private make(): Index {
    return new Index({
      dimensions: this.dimension,
      metric: MetricKind.IP,
      quantization: SCALAR[this.opts.quantization],
      connectivity: this.opts.connectivity,
      expansion_add: this.opts.expansionAdd,
      expansion_search: 16,
      multi: false,
    });
  }

  get size(): number {
    return this.index.size();
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): void {
    if (ids.length === 0) return;
    if (vectors.length !== ids.length * this.dimension) {
      throw new Error(`ann: ${ids.length} ids but ${vectors.length / this.dimension} vectors of ${this.dimension}`);
    }
    const keys = keysOf(ids);
    // multi: false, so an existing key would be a second entry: drop the old vector first.
    const present =
      keys.length === 1 ? [this.index.contains(keys[0]!) as boolean] : (this.index.contains(keys) as boolean[]);
    const stale = keys.filter((_, i) => present[i]);
    if (stale.length) this.index.remove(stale);
    this.index.add(keys, vectors, this.opts.buildThreads);
  }

  remove(ids: ArrayLike<number>): number {
    if (ids.length === 0) return 0;
    const keys = keysOf(ids);
    const present =
      keys.length === 1 ? [this.index.contains(keys[0]!) as boolean] : (this.index.contains(keys) as boolean[]);
    const live = keys.filter((_, i) => present[i]);
    if (live.length) this.index.remove(live);
    return live.length;
  }

  has(id: number): boolean {
    return this.index.contains(BigInt(id)) as boolean;
  }

  search(q: Float32Array, k: number, ef = k): ScoredId[] {
    if (q.length !== this.dimension) throw new Error(`ann: query has ${q.length} dims, index ${this.dimension}`);
    if (k <= 0 || this.size === 0) return [];
    const wanted = Math.max(k, ef);
    const m = this.index.search(q, wanted, 1);
    const n = Math.min(k, m.keys.length);
    const out: ScoredId[] = [];
    for (let i = 0; i < n; i++) out.push({ id: Number(m.keys[i]!), score: 1 - m.distances[i]! });
    return out;
  }

  /**
   * Estimate (USearch's JS binding does not report its allocation): vectors at the scalar width,
   * the 8-byte key, level-0 links (2M 4-byte slots + count) and the expected upper levels
   * (a node reaches level ≥ 1 with probability 1/M), over the allocated capacity.
   */
  memoryBytes(): number {
    const m = this.opts.connectivity;
    const perNode =
      this.dimension * SCALAR_BYTES[this.opts.quantization] + 8 + 4 + (2 * m * 4 + 4) + (m * 4 + 4) / (m - 1) + 16;
    return Math.round(this.index.capacity() * perNode);
  }

  clear(): void {
    this.index = this.make();
  }
}
