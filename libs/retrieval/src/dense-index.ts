import type { Database } from 'better-sqlite3';
import { AnnPartitions, annConfigFromEnv, type AnnConfig, type AnnRowSource } from './ann';
import { blobToFloat32, blobToInt8 } from './quantize';
import type { RetrievalStore } from './store';
import type { ScoredId, SearchFilter, UnitKind } from './types';

export type VectorPrecision = 'f32' | 'i8';

/**
 * Exact (brute-force) inner-product search over one unit kind and one model version, held in
 * memory as one contiguous row-major matrix. Chosen over sqlite-vec by bench/retrieval-bench.ts
 * (see libs/retrieval/README.md): a tight JS loop over a Float32Array/Int8Array matches or beats
 * the extension's scan and filters by tenant/collection/document with integer codes in the same
 * pass, with no extra virtual table to keep in step.
 *
 * The matrix is loaded from rt_vectors and follows other processes' writes through rt_state:
 * new inserts are appended, any delete or vector replacement triggers a full reload.
 *
 * A tenant holding at least `ann.minVectors` vectors also gets an approximate (HNSW) index
 * (libs/retrieval/src/ann, RETRIEVAL_ANN_MIN_VECTORS); search then asks it first and falls back to
 * this scan when it declines (small tenant, selective filter). Null disables it.
 */
export class DenseIndex {
  private dim = 0;
  private n = 0;
  private cap = 0;
  private f32 = new Float32Array(0);
  private i8 = new Int8Array(0);
  private scale = new Float32Array(0);
  private unitIds = new Float64Array(0);
  private tenant = new Int32Array(0);
  private collection = new Int32Array(0);
  private document = new Int32Array(0);
  private readonly rowOf = new Map<number, number>();
  private readonly codes = new Map<string, number>();
  private lastVectorRowId = 0;
  private loadedGen: { insert: number; delete: number } | null = null;

  constructor(
    private readonly store: RetrievalStore,
    readonly kind: UnitKind,
    readonly modelVersion: string,
    readonly precision: VectorPrecision = 'f32',
    ann: AnnConfig | null = annConfigFromEnv(),
  ) {
    this.ann = ann ? new AnnPartitions(ann) : null;
  }

  private readonly ann: AnnPartitions | null;

  /** Approximate indexes: vectors, estimated bytes, tenants (ready / building), searches answered/declined. */
  get approximate(): {
    vectors: number;
    bytes: number;
    tenants: number;
    building: number;
    answered: number;
    declined: number;
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

  get size(): number {
    return this.n;
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

  private reset(): void {
    this.n = 0;
    this.cap = 0;
    this.dim = 0;
    this.f32 = new Float32Array(0);
    this.i8 = new Int8Array(0);
    this.scale = new Float32Array(0);
    this.unitIds = new Float64Array(0);
    this.tenant = new Int32Array(0);
    this.collection = new Int32Array(0);
    this.document = new Int32Array(0);
    this.rowOf.clear();
    this.codes.clear();
    this.lastVectorRowId = 0;
  }

  /** Brings the matrix up to date with the database. Cheap (one read) when nothing changed. */
  refresh(): void {
    const gen = this.store.generations();
    if (this.loadedGen && gen.insert === this.loadedGen.insert && gen.delete === this.loadedGen.delete) return;
    const full = !this.loadedGen || gen.delete !== this.loadedGen.delete;
    if (full) this.reset();
    this.load(this.store.db);
    // After a full reload the ANN keeps unchanged units and updates the rest (no rebuild).
    if (full) this.ann?.reconcile(this.annRows());
    else this.ann?.sync(this.annRows());
    this.loadedGen = gen;
  }

  private load(db: Database): void {
    const units = this.kind === 'passage' ? 'rt_passages' : 'rt_sentences';
    const col = this.precision === 'f32' ? 'v.f32' : 'v.i8';
    const rows = db
      .prepare(
        `SELECT v.id AS vid, v.unit_id AS uid, v.dim AS dim, ${col} AS blob, v.i8_scale AS scale,
           u.tenant_id AS t, u.collection AS c, u.document_id AS d
         FROM rt_vectors v JOIN ${units} u ON u.id = v.unit_id
         WHERE v.kind = ? AND v.model_version = ? AND v.id > ? ORDER BY v.id`,
      )
      .iterate(this.kind, this.modelVersion, this.lastVectorRowId) as IterableIterator<{
      vid: number;
      uid: number;
      dim: number;
      blob: Buffer;
      scale: number;
      t: string;
      c: string | null;
      d: string;
    }>;
    for (const r of rows) {
      if (this.dim === 0) this.dim = r.dim;
      if (r.dim !== this.dim) throw new Error(`retrieval: mixed vector dimensions ${r.dim} vs ${this.dim}`);
      this.grow(this.n + 1);
      const row = this.n++;
      if (this.precision === 'f32') this.f32.set(blobToFloat32(r.blob), row * this.dim);
      else this.i8.set(blobToInt8(r.blob), row * this.dim);
      this.scale[row] = r.scale;
      this.unitIds[row] = r.uid;
      this.tenant[row] = this.code(r.t);
      this.collection[row] = this.code(r.c);
      this.document[row] = this.code(r.d);
      this.rowOf.set(r.uid, row);
      this.lastVectorRowId = r.vid;
    }
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
    // Bounded min-heap of the k best (score, row).
    const hs = new Float64Array(k);
    const hr = new Int32Array(k);
    let size = 0;
    for (let row = 0; row < this.n; row++) {
      const s = scores[row]!;
      if (s !== s) continue; // NaN: outside the filter
      if (size < k) {
        let i = size++;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (hs[p]! <= s) break;
          hs[i] = hs[p]!;
          hr[i] = hr[p]!;
          i = p;
        }
        hs[i] = s;
        hr[i] = row;
      } else if (s > hs[0]!) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= k) break;
          const r = l + 1;
          const c = r < k && hs[r]! < hs[l]! ? r : l;
          if (hs[c]! >= s) break;
          hs[i] = hs[c]!;
          hr[i] = hr[c]!;
          i = c;
        }
        hs[i] = s;
        hr[i] = row;
      }
    }
    const out: ScoredId[] = [];
    for (let i = 0; i < size; i++) out.push({ id: this.unitIds[hr[i]!]!, score: hs[i]! });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /** The rows as the ANN layer reads them: partition = tenant id. */
  private annRows(): AnnRowSource {
    const names: string[] = [];
    for (const [s, c] of this.codes) names[c] = s;
    return {
      rows: this.n,
      dim: this.dim,
      partition: (row) => names[this.tenant[row]!]!,
      id: (row) => this.unitIds[row]!,
      vector: (row) =>
        this.precision === 'f32'
          ? this.f32.subarray(row * this.dim, row * this.dim + this.dim)
          : this.vector(this.unitIds[row]!)!,
      rowOf: (id) => this.rowOf.get(id),
    };
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
    const d = this.dim;
    if (this.precision === 'f32') return this.f32.slice(row * d, row * d + d);
    const out = new Float32Array(d);
    const s = this.scale[row]!;
    for (let j = 0; j < d; j++) out[j] = this.i8[row * d + j]! * s;
    return out;
  }
}
