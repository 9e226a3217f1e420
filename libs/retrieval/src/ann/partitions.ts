import type { ScoredId } from '../types';
import { filteredSearch } from './filtered';
import type { AnnConfig, ApproximateIndex } from './types';
import { UsearchIndex } from './usearch-index';

/** The rows of an in-memory vector matrix as the ANN layer reads them (DenseIndex implements it). */
export interface AnnRowSource {
  readonly rows: number;
  readonly dim: number;
  /** Partition of a row: DenseIndex's tenant code. */
  partition(row: number): number;
  /** Unit id of a row. */
  id(row: number): number;
  /** The row's vector (float32; a view is fine, it is copied). */
  vector(row: number): Float32Array;
}

export interface AnnSearchRequest {
  /** Ids the caller may see: must hold for every hit (checked again here for each candidate). */
  filter: (id: number) => boolean;
  /** Rows of this partition passing a collection/document filter; absent = the whole partition. */
  allowedCount?: number;
  rescore?: (id: number) => number;
  ef?: number;
}

/**
 * One approximate index per partition (tenant), created once the partition holds
 * `config.minVectors` vectors. Per tenant rather than one shared graph:
 * - isolation is structural: a tenant's graph holds only its own vectors, so no walk, however
 *   approximate, can reach another tenant's unit (the caller's filter is applied as well);
 * - a tenant filter costs nothing: with many tenants a shared graph would need an over-fetch of
 *   (all vectors / tenant's vectors) and would mostly walk other tenants' nodes;
 * - the threshold is per tenant: small tenants keep the exact scan, which is faster for them.
 * Collection and document filters within a tenant are over-fetched and post-filtered
 * (`filteredSearch`), with the exact scan when they are selective.
 */
export class AnnPartitions {
  private readonly parts = new Map<number, ApproximateIndex>();
  private readonly counts = new Map<number, number>();
  private synced = 0;
  /** Searches answered approximately, and declined (left to the exact scan) for an indexed partition. */
  readonly stats = { answered: 0, declined: 0 };

  constructor(
    readonly config: AnnConfig,
    private readonly make: (dim: number) => ApproximateIndex = (dim) =>
      new UsearchIndex(dim, {
        connectivity: config.connectivity,
        expansionAdd: config.expansionAdd,
        quantization: config.quantization,
        buildThreads: config.buildThreads,
      }),
  ) {}

  /** Partitions with an approximate index. */
  get indexed(): number[] {
    return [...this.parts.keys()];
  }

  /** Whether a partition has an approximate index. */
  has(partition: number): boolean {
    return this.parts.has(partition);
  }

  /** Vectors in approximate indexes. */
  get size(): number {
    let s = 0;
    for (const p of this.parts.values()) s += p.size;
    return s;
  }

  memoryBytes(): number {
    let s = 0;
    for (const p of this.parts.values()) s += p.memoryBytes();
    return s;
  }

  /**
   * Takes in the rows appended since the last call (the source only grows; after a reload call
   * `clear()` first). A partition that reaches the threshold is built from all its rows at once
   * (one multi-threaded batch); an indexed one gets its new rows added.
   */
  sync(src: AnnRowSource): void {
    if (src.rows < this.synced) throw new Error('ann: row source shrank; clear() before reloading');
    const from = this.synced;
    const fresh = new Map<number, number[]>();
    for (let row = from; row < src.rows; row++) {
      const p = src.partition(row);
      this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
      let list = fresh.get(p);
      if (!list) fresh.set(p, (list = []));
      list.push(row);
    }
    for (const [p, newRows] of fresh) {
      const idx = this.parts.get(p);
      if (idx) {
        this.addRows(idx, src, newRows);
      } else if (this.counts.get(p)! >= this.config.minVectors) {
        const rows: number[] = [];
        for (let row = 0; row < src.rows; row++) if (src.partition(row) === p) rows.push(row);
        const created = this.make(src.dim);
        this.addRows(created, src, rows);
        this.parts.set(p, created);
      }
    }
    this.synced = src.rows;
  }

  private addRows(idx: ApproximateIndex, src: AnnRowSource, rows: number[]): void {
    const d = src.dim;
    const batch = 65536;
    for (let s = 0; s < rows.length; s += batch) {
      const part = rows.slice(s, s + batch);
      const m = new Float32Array(part.length * d);
      const ids = new Array<number>(part.length);
      part.forEach((row, i) => {
        m.set(src.vector(row), i * d);
        ids[i] = src.id(row);
      });
      idx.add(ids, m);
    }
  }

  /** Removes ids from a partition's index (incremental deletes; DenseIndex reloads instead). */
  remove(partition: number, ids: number[]): void {
    const idx = this.parts.get(partition);
    if (!idx) return;
    const n = idx.remove(ids);
    this.counts.set(partition, (this.counts.get(partition) ?? 0) - n);
  }

  /**
   * Approximate top-k for one partition, or null: the partition is below the threshold, the
   * filter leaves fewer rows than the threshold (the exact scan over them is cheap and exact),
   * or the over-fetch did not find k allowed candidates. Null means: run the exact scan.
   */
  search(partition: number, q: Float32Array, k: number, req: AnnSearchRequest): ScoredId[] | null {
    const idx = this.parts.get(partition);
    if (!idx) return null;
    const hits =
      req.allowedCount !== undefined && req.allowedCount < this.config.minVectors
        ? null
        : filteredSearch(idx, q, k, {
            ef: req.ef ?? this.config.ef,
            filter: req.filter,
            allowedCount: req.allowedCount ?? idx.size,
            rescore: req.rescore,
            maxCandidates: this.config.maxCandidates,
          });
    if (hits) this.stats.answered++;
    else this.stats.declined++;
    return hits;
  }

  clear(): void {
    for (const p of this.parts.values()) p.clear();
    this.parts.clear();
    this.counts.clear();
    this.synced = 0;
  }
}
