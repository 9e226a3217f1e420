import { AnnPartitions, annConfigFromEnv, type AnnConfig, type AnnRowSource } from './ann';
import type { RetrievalRepository, VectorPrecision, VectorRow, VectorSink } from './repository';
import { pushTopK, sortedTopK } from './top-k';
import type { ScoredId, SearchFilter, UnitKind } from './types';

/** Tombstoned rows carry this tenant code, which no filter ever has, so every scan skips them. */
const DEAD = -2;

/**
 * Exact (brute-force) inner-product search over one unit kind and one model version, held in
 * memory as one contiguous row-major matrix. Chosen over sqlite-vec by bench/retrieval-bench.ts
 * (see libs/retrieval/README.md): a tight JS loop over a Float32Array/Int8Array matches or beats
 * the extension's scan and filters by tenant/collection/document with integer codes in the same
 * pass, with no extra virtual table to keep in step.
 *
 * The matrix follows the database, never a shared disk: `refresh()` (awaited before each search)
 * asks the repository what changed since its cursor (one cheap read when nothing did) and applies
 * it: new rows are appended, a removed document's rows are tombstoned (and the matrix compacted
 * once a quarter of it is dead), a reset reloads everything. Refreshes run one at a time, and a
 * call made while one runs waits for a check that starts after it, so a search always sees every
 * write committed before it began.
 *
 * `search`, `scores` and `vector` read the matrix as loaded.
 *
 * A tenant holding at least `ann.minVectors` vectors also gets an approximate (HNSW) index
 * (libs/retrieval/src/ann, RETRIEVAL_ANN_MIN_VECTORS), fed by the same sink: rows added during a
 * refresh go into it when the read ends, a removed document's units leave it at once (no rebuild),
 * and after a reset it reconciles by fingerprint (unchanged units stay). `search` asks it first and
 * falls back to this scan when it declines (small tenant, selective filter, index still building);
 * every hit is re-checked against the filter and the rows currently loaded, and re-scored from its
 * row. Null disables it.
 */
export class DenseIndex implements VectorSink {
  private dim = 0;
  private n = 0;
  private cap = 0;
  private dead = 0;
  private f32 = new Float32Array(0);
  private i8 = new Int8Array(0);
  private scale = new Float32Array(0);
  private unitIds = new Float64Array(0);
  private tenant = new Int32Array(0);
  private collection = new Int32Array(0);
  private document = new Int32Array(0);
  private readonly rowOf = new Map<number, number>();
  private readonly codes = new Map<string, number>();
  /** code → string (tenant ids as the ANN's partitions). */
  private names: string[] = [];
  private cursor: string | null = null;
  private tail: Promise<void> = Promise.resolve();
  private waiting: Promise<void> | null = null;

  constructor(
    private readonly repo: RetrievalRepository,
    readonly kind: UnitKind,
    readonly modelVersion: string,
    readonly precision: VectorPrecision = 'f32',
    ann: AnnConfig | null = annConfigFromEnv(),
  ) {
    this.ann = ann ? new AnnPartitions(ann) : null;
  }

  private readonly ann: AnnPartitions | null;
  /** The matrix as the ANN reads it: a live view (row count, rows and codes read at each call). */
  private readonly annView: AnnRowSource = this.annRows();
  /** Units added during the current read, not yet handed to the ANN (it takes them when the read ends). */
  private annFresh = new Set<number>();
  /** A reset happened during the current read: the ANN reconciles with the reloaded rows at its end. */
  private annReset = false;
  /** Whether the current read has changed the matrix (a failed read that did forces a full reload next). */
  private touched = false;

  /**
   * Approximate indexes: vectors, estimated bytes, tenants (ready / building), searches
   * answered/declined, vectors added to / removed from graphs (builds included).
   */
  get approximate(): {
    vectors: number;
    bytes: number;
    tenants: number;
    building: number;
    answered: number;
    declined: number;
    added: number;
    removed: number;
  } | null {
    const a = this.ann;
    if (!a) return null;
    return {
      vectors: a.size,
      bytes: a.memoryBytes(),
      tenants: a.indexed.length,
      building: a.pending.length,
      ...a.stats,
    };
  }

  /** Resolves when no approximate index is being built (tests, benchmarks, warm-up). */
  approximateReady(): Promise<void> {
    return this.ann ? this.ann.idle() : Promise.resolve();
  }

  /** Live rows (tombstoned ones excluded). */
  get size(): number {
    return this.n - this.dead;
  }

  get dimension(): number {
    return this.dim;
  }

  private code(s: string | null): number {
    if (s === null) return -1;
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.codes.size;
      this.codes.set(s, c);
      this.names[c] = s;
    }
    return c;
  }

  private grow(need: number): void {
    if (need <= this.cap) return;
    const cap = Math.max(need, this.cap * 2, 1024);
    const f32 = new Float32Array(this.precision === 'f32' ? cap * this.dim : 0);
    f32.set(this.f32);
    const i8 = new Int8Array(this.precision === 'i8' ? cap * this.dim : 0);
    i8.set(this.i8);
    const resize = <T extends Float32Array | Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.scale = resize(this.scale, (k) => new Float32Array(k));
    this.unitIds = resize(this.unitIds, (k) => new Float64Array(k));
    this.tenant = resize(this.tenant, (k) => new Int32Array(k));
    this.collection = resize(this.collection, (k) => new Int32Array(k));
    this.document = resize(this.document, (k) => new Int32Array(k));
    this.f32 = f32;
    this.i8 = i8;
    this.cap = cap;
  }

  /** VectorSink: drop everything (a full reload follows). */
  reset(): void {
    this.touched = true;
    this.ann?.suspend();
    this.annReset = true;
    this.annFresh.clear();
    this.n = 0;
    this.cap = 0;
    this.dim = 0;
    this.dead = 0;
    this.f32 = new Float32Array(0);
    this.i8 = new Int8Array(0);
    this.scale = new Float32Array(0);
    this.unitIds = new Float64Array(0);
    this.tenant = new Int32Array(0);
    this.collection = new Int32Array(0);
    this.document = new Int32Array(0);
    this.rowOf.clear();
    this.codes.clear();
    this.names = [];
  }

  /** VectorSink: tombstone the rows of these documents (their current rows, if any, are added next). */
  remove(documentIds: string[]): void {
    const docs = new Set(documentIds.map((d) => this.codes.get(d)).filter((c): c is number => c !== undefined));
    if (docs.size === 0) return;
    this.touched = true;
    // Units the ANN holds (or counts), per tenant: they leave it now, without a rebuild.
    const gone = new Map<number, number[]>();
    for (let row = 0; row < this.n; row++) {
      const t = this.tenant[row]!;
      if (t === DEAD || !docs.has(this.document[row]!)) continue;
      const id = this.unitIds[row]!;
      if (this.ann && !this.annReset && !this.annFresh.delete(id)) {
        let ids = gone.get(t);
        if (!ids) gone.set(t, (ids = []));
        ids.push(id);
      }
      this.tenant[row] = DEAD;
      this.rowOf.delete(id);
      this.dead++;
    }
    for (const [t, ids] of gone) this.ann!.remove(this.names[t]!, ids);
    if (this.dead > 0 && this.dead * 4 >= this.n) this.compact();
  }

  /** Moves the live rows down over the tombstoned ones. */
  private compact(): void {
    const d = this.dim;
    let w = 0;
    for (let row = 0; row < this.n; row++) {
      if (this.tenant[row] === DEAD) continue;
      if (w !== row) {
        if (this.precision === 'f32') this.f32.copyWithin(w * d, row * d, row * d + d);
        else this.i8.copyWithin(w * d, row * d, row * d + d);
        this.scale[w] = this.scale[row]!;
        this.unitIds[w] = this.unitIds[row]!;
        this.tenant[w] = this.tenant[row]!;
        this.collection[w] = this.collection[row]!;
        this.document[w] = this.document[row]!;
        this.rowOf.set(this.unitIds[w]!, w);
      }
      w++;
    }
    this.n = w;
    this.dead = 0;
  }

  /** VectorSink: append one row. */
  add(r: VectorRow): void {
    if (this.dim === 0) this.dim = r.dim;
    if (r.dim !== this.dim) throw new Error(`retrieval: mixed vector dimensions ${r.dim} vs ${this.dim}`);
    this.touched = true;
    const old = this.rowOf.get(r.unitId);
    if (old !== undefined) {
      // Replaced in place: the ANN drops the old entry (it may sit under another tenant) unless it never had it.
      if (this.ann && !this.annReset && !this.annFresh.has(r.unitId))
        this.ann.remove(this.names[this.tenant[old]!]!, [r.unitId]);
      this.tenant[old] = DEAD;
      this.dead++;
    }
    this.grow(this.n + 1);
    const row = this.n++;
    const bytes = this.precision === 'f32' ? this.dim * 4 : this.dim;
    if (r.bytes.byteLength !== bytes)
      throw new Error(`retrieval: vector of ${r.bytes.byteLength} bytes, want ${bytes}`);
    const target = this.precision === 'f32' ? this.f32 : this.i8;
    new Uint8Array(target.buffer, target.byteOffset + row * bytes, bytes).set(r.bytes);
    this.scale[row] = r.scale;
    this.unitIds[row] = r.unitId;
    this.tenant[row] = this.code(r.tenantId);
    this.collection[row] = this.code(r.collection);
    this.document[row] = this.code(r.documentId);
    this.rowOf.set(r.unitId, row);
    if (this.ann && !this.annReset) this.annFresh.add(r.unitId);
  }

  /**
   * Brings the matrix up to date with the database. Cheap (one read) when nothing changed. Calls
   * are serialised; one made while a check is queued joins that check (which starts after it).
   */
  refresh(): Promise<void> {
    if (this.waiting) return this.waiting;
    const run = this.tail
      .catch(() => undefined)
      .then(async () => {
        this.waiting = null;
        this.touched = false;
        try {
          const next = await this.repo.readVectors(this.kind, this.modelVersion, this.precision, this.cursor, this);
          if (next !== null) this.cursor = next;
        } catch (err) {
          // Part of the changes may have been applied: the next refresh reloads everything.
          if (this.touched) this.cursor = null;
          throw err;
        } finally {
          this.feedAnn();
        }
      });
    this.waiting = run;
    this.tail = run;
    return run;
  }

  /**
   * Rows allowed by a filter: null = none; otherwise the tenant code plus an optional per-row
   * mask for collection/document filters. Strings never enter the scan, only integer codes.
   */
  private allowed(filter: SearchFilter): { tenant: number; mask: Uint8Array | null } | null {
    const t = this.codes.get(filter.tenantId);
    if (t === undefined) return null;
    const hasCollection = filter.collection !== undefined && filter.collection !== null;
    if (!hasCollection && !filter.documentIds) return { tenant: t, mask: null };
    const c = hasCollection ? this.codes.get(filter.collection!) : undefined;
    if (hasCollection && c === undefined) return null;
    const docs = filter.documentIds
      ? new Set(filter.documentIds.map((d) => this.codes.get(d)).filter((x): x is number => x !== undefined))
      : null;
    if (docs && docs.size === 0) return null;
    const mask = new Uint8Array(this.n);
    for (let row = 0; row < this.n; row++) {
      mask[row] =
        this.tenant[row] === t &&
        (c === undefined || this.collection[row] === c) &&
        (docs === null || docs.has(this.document[row]!))
          ? 1
          : 0;
    }
    return { tenant: t, mask };
  }

  private rowScore(q: Float32Array, row: number): number {
    const d = this.dim;
    const off = row * d;
    let s = 0;
    if (this.precision === 'f32') {
      const m = this.f32;
      for (let j = 0; j < d; j++) s += q[j]! * m[off + j]!;
      return s;
    }
    const m = this.i8;
    for (let j = 0; j < d; j++) s += q[j]! * m[off + j]!;
    return s * this.scale[row]!;
  }

  /** Inner products of q with every row (NaN for rows outside the filter), one tight loop. */
  private scan(q: Float32Array, tenant: number, mask: Uint8Array | null): Float64Array {
    const n = this.n;
    const d = this.dim;
    const out = new Float64Array(n);
    const tenants = this.tenant;
    const isF32 = this.precision === 'f32';
    const m: Float32Array | Int8Array = isF32 ? this.f32 : this.i8;
    const scale = this.scale;
    const d4 = d - (d % 4);
    for (let row = 0, off = 0; row < n; row++, off += d) {
      if (tenants[row] !== tenant || (mask !== null && mask[row] === 0)) {
        out[row] = Number.NaN;
        continue;
      }
      // Four partial sums: shorter dependency chains, ~2x faster in V8 than one accumulator.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < d4; j += 4) {
        s0 += q[j]! * m[off + j]!;
        s1 += q[j + 1]! * m[off + j + 1]!;
        s2 += q[j + 2]! * m[off + j + 2]!;
        s3 += q[j + 3]! * m[off + j + 3]!;
      }
      for (; j < d; j++) s0 += q[j]! * m[off + j]!;
      const s = s0 + s1 + s2 + s3;
      out[row] = isF32 ? s : s * scale[row]!;
    }
    return out;
  }

  /** Top-k units by inner product (= cosine for unit vectors) within the filter. */
  search(q: Float32Array, filter: SearchFilter, k: number): ScoredId[] {
    if (this.n === 0 || k <= 0) return [];
    if (q.length !== this.dim) throw new Error(`retrieval: query has ${q.length} dims, index ${this.dim}`);
    const allowed = this.allowed(filter);
    if (!allowed) return [];
    const approx = this.ann ? this.annSearch(q, filter.tenantId, allowed, k) : null;
    if (approx) return approx;
    const scores = this.scan(q, allowed.tenant, allowed.mask);
    const hs = new Float64Array(k);
    const hr = new Int32Array(k);
    let size = 0;
    for (let row = 0; row < this.n; row++) {
      const s = scores[row]!;
      if (s !== s) continue; // NaN: outside the filter
      size = pushTopK(hs, hr, size, s, row);
    }
    return sortedTopK(hs, hr, size, (row) => this.unitIds[row]!);
  }

  /**
   * Hands the ANN what the read that just ended changed: after a reset, a reconcile with the
   * reloaded rows (unchanged units stay in the graphs); otherwise the rows added (removed units
   * already left it in `remove`).
   */
  private feedAnn(): void {
    if (!this.ann) return;
    if (this.annReset) {
      this.annReset = false;
      this.annFresh.clear();
      this.ann.reconcile(this.annView);
      return;
    }
    if (this.annFresh.size === 0) return;
    const rows: number[] = [];
    for (const id of this.annFresh) {
      const row = this.rowOf.get(id);
      if (row !== undefined) rows.push(row);
    }
    this.annFresh.clear();
    this.ann.add(this.annView, rows);
  }

  /** The rows as the ANN layer reads them (live): partition = tenant id, undefined for a tombstone. */
  private annRows(): AnnRowSource {
    const rows = (): number => this.n;
    const dim = (): number => this.dim;
    return {
      get rows() {
        return rows();
      },
      get dim() {
        return dim();
      },
      partition: (row) => {
        const t = this.tenant[row]!;
        return t === DEAD ? undefined : this.names[t];
      },
      id: (row) => this.unitIds[row]!,
      vector: (row) => this.rowVector(row),
      rowOf: (id) => this.rowOf.get(id),
    };
  }

  /** A row's vector as float32 (a view for f32, dequantised for i8). */
  private rowVector(row: number): Float32Array {
    const d = this.dim;
    if (this.precision === 'f32') return this.f32.subarray(row * d, row * d + d);
    const out = new Float32Array(d);
    const s = this.scale[row]!;
    for (let j = 0; j < d; j++) out[j] = this.i8[row * d + j]! * s;
    return out;
  }

  /** ANN top-k (exact scores from the rows), or null for the exact scan. Every hit re-checked against the filter. */
  private annSearch(
    q: Float32Array,
    tenantId: string,
    allowed: { tenant: number; mask: Uint8Array | null },
    k: number,
  ): ScoredId[] | null {
    const { tenant, mask } = allowed;
    if (!this.ann!.has(tenantId)) return null;
    let allowedCount: number | undefined;
    if (mask) {
      allowedCount = 0;
      for (let row = 0; row < this.n; row++) allowedCount += mask[row]!;
    }
    return this.ann!.search(tenantId, q, k, {
      filter: (id) => {
        const row = this.rowOf.get(id);
        return row !== undefined && this.tenant[row] === tenant && (mask === null || mask[row] === 1);
      },
      allowedCount,
      rescore: (id) => this.rowScore(q, this.rowOf.get(id)!),
    });
  }

  /** Similarity of the query to given units (NaN for units without a current vector). */
  scores(q: Float32Array, ids: number[]): number[] {
    return ids.map((id) => {
      const row = this.rowOf.get(id);
      return row === undefined ? Number.NaN : this.rowScore(q, row);
    });
  }

  /** The stored vector of a unit (dequantised for int8), or null. */
  vector(id: number): Float32Array | null {
    const row = this.rowOf.get(id);
    if (row === undefined) return null;
    const v = this.rowVector(row);
    return this.precision === 'f32' ? v.slice() : v;
  }
}
