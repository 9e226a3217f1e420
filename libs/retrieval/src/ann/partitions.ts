import type { ScoredId } from '../types';
import { filteredSearch } from './filtered';
import type { AnnConfig, ApproximateIndex } from './types';
import { UsearchIndex } from './usearch-index';

/**
 * The rows of an in-memory vector matrix as the ANN layer reads them (DenseIndex implements it, as
 * a live view: rows may be appended, tombstoned or renumbered between calls; ids are stable).
 */
export interface AnnRowSource {
  /** Rows 0..rows-1 (tombstoned ones included: their partition is undefined). */
  readonly rows: number;
  readonly dim: number;
  /**
   * Partition of a row: the tenant id (stable across reloads, unlike row numbers or codes), or
   * undefined for a tombstoned row (skipped).
   */
  partition(row: number): string | undefined;
  /** Unit id of a row. */
  id(row: number): number;
  /** The row's vector (float32; a view is fine, it is copied). */
  vector(row: number): Float32Array;
  /** Current row of a unit id, or undefined when it is gone (background builds resolve ids late). */
  rowOf(id: number): number | undefined;
}

/** 32-bit FNV-1a over the partition and the vector's float bits: "same unit, same vector, same tenant". */
function fingerprint(partition: string, v: Float32Array): number {
  let h = 2166136261;
  for (let i = 0; i < partition.length; i++) h = Math.imul(h ^ partition.charCodeAt(i), 16777619);
  const bits = new Int32Array(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 16777619);
  return h;
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
  /** Searchable partition indexes. */
  private readonly parts = new Map<string, ApproximateIndex>();
  /** Partitions being built in the background: the index so far and the unit ids still to add. */
  private readonly building = new Map<string, { idx: ApproximateIndex; queue: number[]; at: number }>();
  private readonly counts = new Map<string, number>();
  /** Fingerprint of every id held in a partition index (reconcile keeps what did not change). */
  private fps = new Map<number, number>();
  private source: AnnRowSource | null = null;
  private scheduled = false;
  private waiters: (() => void)[] = [];
  /**
   * Searches answered approximately, and declined (left to the exact scan) for an indexed partition;
   * vectors inserted into graphs (builds included) and taken out of them.
   */
  readonly stats = { answered: 0, declined: 0, added: 0, removed: 0 };

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

  /** Partitions with a searchable approximate index. */
  get indexed(): string[] {
    return [...this.parts.keys()];
  }

  /** Partitions whose index is still being built (searched exactly meanwhile). */
  get pending(): string[] {
    return [...this.building.keys()];
  }

  /** Whether a partition has a searchable approximate index. */
  has(partition: string): boolean {
    return this.parts.has(partition);
  }

  /** Vectors in searchable approximate indexes. */
  get size(): number {
    let s = 0;
    for (const p of this.parts.values()) s += p.size;
    return s;
  }

  memoryBytes(): number {
    let s = 0;
    for (const p of this.parts.values()) s += p.memoryBytes();
    for (const b of this.building.values()) s += b.idx.memoryBytes();
    return s;
  }

  /** Resolves once no partition is being built. */
  idle(): Promise<void> {
    if (this.building.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Takes in rows newly added to the source (row numbers of `src`, all live). A partition that
   * reaches the threshold starts its build; a partition being built queues them; an indexed one
   * gets them added at once. A unit id already held is replaced (the caller removes it first when
   * it changed partition).
   */
  add(src: AnnRowSource, rows: Iterable<number>): void {
    this.source = src;
    const fresh = new Map<string, number[]>();
    for (const row of rows) {
      const p = src.partition(row);
      if (p === undefined) continue;
      this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
      let list = fresh.get(p);
      if (!list) fresh.set(p, (list = []));
      list.push(row);
    }
    for (const [p, newRows] of fresh) {
      const idx = this.parts.get(p);
      const b = this.building.get(p);
      if (idx) this.addRows(p, idx, src, newRows);
      else if (b) for (const row of newRows) b.queue.push(src.id(row));
      else if (this.counts.get(p)! >= this.config.minVectors) this.startBuild(src, p);
    }
    if (this.building.size && this.config.buildChunk > 0) this.schedule();
  }

  /**
   * The source is about to be reloaded from scratch (DenseIndex's reset): background builds stop
   * stepping, so none publishes a graph of a half-loaded source; `reconcile` restarts them.
   * Searches keep answering from the ready graphs (every hit is still checked against the rows).
   */
  suspend(): void {
    this.source = null;
  }

  /**
   * After the source was reloaded from scratch (a delete or a replaced vector: rows renumbered):
   * keeps every indexed id whose tenant and vector are unchanged (fingerprint), removes ids that
   * are gone or changed, adds new ones, and starts builds for partitions that now reach the
   * threshold. One hashing pass over the rows plus graph updates for what changed, instead of a
   * rebuild. Builds in progress restart from the reloaded rows.
   */
  reconcile(src: AnnRowSource): void {
    this.source = src;
    for (const b of this.building.values()) b.idx.clear();
    const restart = [...this.building.keys()];
    this.building.clear();
    const kept = new Map<number, number>();
    const added = new Map<string, number[]>();
    this.counts.clear();
    for (let row = 0; row < src.rows; row++) {
      const p = src.partition(row);
      if (p === undefined) continue;
      this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
      if (!this.parts.has(p)) continue;
      const id = src.id(row);
      const fp = fingerprint(p, src.vector(row));
      if (this.fps.get(id) === fp) {
        kept.set(id, fp);
        continue;
      }
      let list = added.get(p);
      if (!list) added.set(p, (list = []));
      list.push(row);
    }
    const stale: number[] = [];
    for (const id of this.fps.keys()) if (!kept.has(id)) stale.push(id);
    this.fps = kept;
    for (const [p, idx] of this.parts) {
      if (stale.length) this.stats.removed += idx.remove(stale);
      const rows = added.get(p);
      if (rows) this.addRows(p, idx, src, rows);
      if (!this.counts.get(p)) {
        idx.clear();
        this.parts.delete(p);
      }
    }
    for (const [p, n] of this.counts) {
      if (!this.parts.has(p) && (n >= this.config.minVectors || (restart.includes(p) && n > 0))) {
        this.startBuild(src, p);
      }
    }
    if (this.building.size === 0) this.wake();
  }

  /**
   * Collects the partition's ids and builds its index: at once when `buildChunk` is 0, otherwise
   * `buildChunk` vectors per macrotask (setImmediate), so one search or upload never waits for a
   * whole graph; the partition is searched exactly until its index is complete.
   */
  private startBuild(src: AnnRowSource, p: string): void {
    const queue: number[] = [];
    for (let row = 0; row < src.rows; row++) if (src.partition(row) === p) queue.push(src.id(row));
    this.building.set(p, { idx: this.make(src.dim), queue, at: 0 });
    if (this.config.buildChunk <= 0) {
      while (this.building.has(p)) this.step(p, Number.POSITIVE_INFINITY);
    } else {
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.source) return; // suspended: reconcile restarts the builds
      const next = this.building.keys().next();
      if (next.done) return;
      this.step(next.value, this.config.buildChunk);
      if (this.building.size) this.schedule();
    }).unref();
  }

  /** Adds up to `budget` queued ids of a partition being built; publishes it when done. */
  private step(p: string, budget: number): void {
    const b = this.building.get(p);
    const src = this.source;
    if (!b || !src) return;
    const end = Math.min(b.queue.length, b.at + budget);
    const rows: number[] = [];
    for (let i = b.at; i < end; i++) {
      const row = src.rowOf(b.queue[i]!);
      if (row !== undefined && src.partition(row) === p) rows.push(row);
    }
    b.at = end;
    this.addRows(p, b.idx, src, rows);
    if (b.at >= b.queue.length) {
      this.building.delete(p);
      if (b.idx.size > 0) this.parts.set(p, b.idx);
      if (this.building.size === 0) this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Adds rows (all live, all of partition `p`) to a partition's index. */
  private addRows(p: string, idx: ApproximateIndex, src: AnnRowSource, rows: number[]): void {
    const d = src.dim;
    const batch = 65536;
    for (let s = 0; s < rows.length; s += batch) {
      const part = rows.slice(s, s + batch);
      const m = new Float32Array(part.length * d);
      const ids = new Array<number>(part.length);
      part.forEach((row, i) => {
        const v = src.vector(row);
        const id = src.id(row);
        m.set(v, i * d);
        ids[i] = id;
        this.fps.set(id, fingerprint(p, v));
      });
      idx.add(ids, m);
      this.stats.added += ids.length;
    }
  }

  /**
   * These units left the source (DenseIndex's incremental "remove these documents", or a unit
   * re-added under another tenant): the partition's count drops by `ids.length` and they leave its
   * graph (or the one being built; queued ids that are gone are skipped when the build reaches
   * them). No rebuild; a partition left empty drops its graph. Removed entries keep their slots in
   * the graph until it is rebuilt.
   */
  remove(partition: string, ids: number[]): void {
    if (ids.length === 0) return;
    for (const id of ids) this.fps.delete(id);
    const left = Math.max(0, (this.counts.get(partition) ?? 0) - ids.length);
    if (left > 0) this.counts.set(partition, left);
    else this.counts.delete(partition);
    const idx = this.parts.get(partition);
    if (idx && left === 0) {
      this.stats.removed += idx.size;
      idx.clear();
      this.parts.delete(partition);
      return;
    }
    this.stats.removed += (idx ?? this.building.get(partition)?.idx)?.remove(ids) ?? 0;
  }

  /**
   * Approximate top-k for one partition, or null: the partition is below the threshold or still
   * building, the filter leaves fewer rows than the threshold (the exact scan over them is cheap
   * and exact), or the over-fetch did not find k allowed candidates. Null means: run the exact scan.
   */
  search(partition: string, q: Float32Array, k: number, req: AnnSearchRequest): ScoredId[] | null {
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
    for (const b of this.building.values()) b.idx.clear();
    this.parts.clear();
    this.building.clear();
    this.counts.clear();
    this.fps.clear();
    this.source = null;
    this.wake();
  }
}
