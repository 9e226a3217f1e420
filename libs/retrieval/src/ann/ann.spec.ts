import { describe, expect, it } from 'vitest';
import { AnnPartitions, type AnnRowSource } from './partitions';
import { annConfigFromEnv, DEFAULT_ANN_CONFIG } from './config';
import { exactTopK, recallVsExact } from './exact';
import { filteredSearch } from './filtered';
import { clusteredSet, rowOf } from './testing';
import type { AnnConfig } from './types';
import { UsearchIndex } from './usearch-index';

/** Real USearch (the prebuilt binary from the npm package) against the exact scan. */
const DIM = 256;
const N = 4000;
// 20 topics x 20 subtopics: about 10 points per subtopic, so the top 10 are graded neighbours.
const { matrix, queries } = clusteredSet(N, 60, DIM, 7, 20, 20);
const vectors = Array.from({ length: N }, (_, i) => rowOf(matrix, DIM, i));
const ids = Array.from({ length: N }, (_, i) => 1000 + i); // unit ids, not row numbers
const rowOfId = (id: number): number => id - 1000;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const dotRow = (q: Float32Array, row: number): number => {
  let s = 0;
  for (let j = 0; j < DIM; j++) s += q[j]! * matrix[row * DIM + j]!;
  return s;
};

function build(quantization: 'f32' | 'f16' | 'i8' = 'f16'): UsearchIndex {
  const idx = new UsearchIndex(DIM, { quantization, buildThreads: 1 });
  idx.add(ids, matrix);
  return idx;
}

const meanRecall = (f: (q: Float32Array) => { id: number }[] | null, allow?: (row: number) => boolean): number =>
  queries.reduce(
    (s, q) =>
      s +
      recallVsExact((f(q) ?? []) as { id: number; score: number }[], exactTopK(matrix, DIM, N, q, 10, ids, allow), 10),
    0,
  ) / queries.length;

describe('UsearchIndex', () => {
  const idx = build();

  it('holds every vector and finds a stored vector as its own nearest neighbour', () => {
    expect(idx.size).toBe(N);
    expect(idx.dimension).toBe(DIM);
    for (const row of [0, 17, 1999, N - 1]) {
      const hit = idx.search(vectors[row]!, 1, 64)[0]!;
      expect(hit.id).toBe(ids[row]);
      expect(hit.score).toBeCloseTo(1, 2);
    }
    expect(idx.memoryBytes()).toBeGreaterThan(N * DIM * 2);
  });

  it('recall@10 against the exact scan rises with ef and is high at the default', () => {
    const r16 = meanRecall((q) => idx.search(q, 10, 10));
    const r64 = meanRecall((q) => filteredSearch(idx, q, 10, { ef: 64, maxCandidates: 4096 }));
    const r256 = meanRecall((q) => filteredSearch(idx, q, 10, { ef: 256, maxCandidates: 4096 }));
    expect(r64).toBeGreaterThanOrEqual(0.95);
    expect(r256).toBeGreaterThanOrEqual(r64 - 0.01);
    expect(r256).toBeGreaterThanOrEqual(r16);
  });

  it('re-scoring with the exact rows gives exact scores and order for what it found', () => {
    for (const q of queries.slice(0, 10)) {
      const got = filteredSearch(idx, q, 10, {
        ef: 64,
        maxCandidates: 4096,
        rescore: (id) => dotRow(q, rowOfId(id)),
      })!;
      for (const h of got) expect(h.score).toBe(dotRow(q, rowOfId(h.id)));
      for (let i = 1; i < got.length; i++) expect(got[i - 1]!.score).toBeGreaterThanOrEqual(got[i]!.score);
    }
  });

  it('never returns removed or replaced vectors', () => {
    const own = build('f32');
    const gone = [ids[5]!, ids[6]!, ids[7]!];
    expect(own.remove([...gone, 99])).toBe(3);
    expect(own.size).toBe(N - 3);
    for (const id of gone) {
      expect(own.has(id)).toBe(false);
      const hits = own.search(vectors[rowOfId(id)]!, 50, 256);
      expect(hits.map((h) => h.id)).not.toContain(id);
    }
    // Replace ids[8]'s vector with ids[9]'s: the old vector no longer finds it, the new one does.
    own.add([ids[8]!], vectors[9]!.slice());
    expect(own.size).toBe(N - 3);
    const old = own.search(vectors[8]!, 5, 256);
    expect(old.find((h) => h.id === ids[8])?.score ?? 0).toBeLessThan(0.999);
    const now = own.search(vectors[9]!, 2, 256).map((h) => h.id);
    expect(now).toContain(ids[8]);
    own.clear();
    expect(own.size).toBe(0);
    expect(own.search(vectors[0]!, 5)).toEqual([]);
  });

  it('works with f32 and i8 storage as well as f16 (candidates re-scored exactly)', () => {
    for (const qz of ['f32', 'i8'] as const) {
      const own = build(qz);
      const r = meanRecall((q) =>
        filteredSearch(own, q, 10, { ef: 64, maxCandidates: 4096, rescore: (id) => dotRow(q, rowOfId(id)) }),
      );
      expect(r).toBeGreaterThanOrEqual(0.9);
      own.clear();
    }
  });

  it('rejects bad input', () => {
    expect(() => idx.search(new Float32Array(3), 5)).toThrow(/dims/);
    expect(() => idx.add([1, 2], new Float32Array(DIM))).toThrow(/vectors/);
    expect(() => idx.add([-1], new Float32Array(DIM))).toThrow(/non-negative/);
  });
});

describe('filteredSearch', () => {
  const idx = build();

  it('returns only allowed ids, close to the exact filtered top 10, when a fair share passes', () => {
    const allowRow = (row: number): boolean => row % 4 === 1;
    const filter = (id: number): boolean => allowRow(rowOfId(id));
    const r = meanRecall((q) => {
      const hits = filteredSearch(idx, q, 10, {
        ef: 64,
        filter,
        allowedCount: N / 4,
        maxCandidates: 4096,
        rescore: (id) => dotRow(q, rowOfId(id)),
      })!;
      expect(hits).not.toBeNull();
      expect(hits.length).toBe(10);
      for (const h of hits) expect(filter(h.id)).toBe(true);
      return hits;
    }, allowRow);
    expect(r).toBeGreaterThanOrEqual(0.9);
  });

  it('declines (null: exact scan) a selective filter instead of answering short', () => {
    const few = new Set([ids[3]!, ids[400]!, ids[3000]!]);
    const opts = { ef: 64, filter: (id: number) => few.has(id), maxCandidates: 512 };
    expect(filteredSearch(idx, queries[0]!, 10, { ...opts, allowedCount: 3 })).toBeNull();
    // Without the count, it over-fetches up to the cap and still declines when short.
    expect(filteredSearch(idx, queries[0]!, 10, opts)).toBeNull();
    expect(filteredSearch(idx, queries[0]!, 10, { ...opts, filter: () => false })).toBeNull();
  });
});

describe('AnnPartitions', () => {
  const config: AnnConfig = { ...DEFAULT_ANN_CONFIG, minVectors: 1000, buildThreads: 1, buildChunk: 0 };
  // Tenant 0: rows 0..2999; tenant 1: rows 3000..3499; tenant 2: rows 3500..3999.
  const partitionOf = (row: number): string => (row < 3000 ? 't0' : row < 3500 ? 't1' : 't2');
  const source = (rows: number): AnnRowSource => ({
    rows,
    dim: DIM,
    partition: partitionOf,
    id: (row) => ids[row]!,
    vector: (row) => vectors[row]!,
    rowOf: (id) => (id >= 1000 && id < 1000 + rows ? id - 1000 : undefined),
  });
  const req = (p: string) => ({
    filter: (id: number) => partitionOf(rowOfId(id)) === p,
  });

  it('indexes a partition once it reaches the threshold, and only its own vectors', () => {
    const ann = new AnnPartitions(config);
    ann.add(source(900), range(0, 900));
    expect(ann.indexed).toEqual([]);
    expect(ann.search('t0', queries[0]!, 10, req('t0'))).toBeNull(); // below the threshold: exact scan
    ann.add(source(3600), range(900, 3600)); // tenant 0 passes (3000), tenant 1 has 500, tenant 2 has 100
    expect(ann.indexed).toEqual(['t0']);
    expect(ann.size).toBe(3000);
    ann.add(source(N), range(3600, N)); // tenant 2: 500 rows, still below
    expect(ann.indexed).toEqual(['t0']);
    expect(ann.search('t1', queries[0]!, 10, req('t1'))).toBeNull();
    expect(ann.search('t2', queries[0]!, 10, req('t2'))).toBeNull();
    expect(ann.memoryBytes()).toBeGreaterThan(0);
    ann.clear();
    expect(ann.indexed).toEqual([]);
  });

  it('cross-tenant isolation: a tenant never sees another tenant’s unit, even searching with its exact vector', () => {
    const bigOther: AnnConfig = { ...config, minVectors: 400 };
    const ann = new AnnPartitions(bigOther);
    ann.add(source(N), range(0, N));
    expect(ann.indexed.sort()).toEqual(['t0', 't1', 't2']);
    for (const row of [3001, 3200, 3777, 3999, 10, 2500]) {
      const own = partitionOf(row);
      for (const p of ['t0', 't1', 't2']) {
        // Even with a filter that lets everything through, the graph of p holds only p's vectors.
        const hits = ann.search(p, vectors[row]!, 20, { filter: () => true })!;
        expect(hits.length).toBe(20);
        for (const h of hits) expect(partitionOf(rowOfId(h.id))).toBe(p);
        if (p === own) expect(hits[0]!.id).toBe(ids[row]);
      }
    }
    ann.clear();
  });

  it('declines collection filters that leave fewer rows than the threshold', () => {
    const ann = new AnnPartitions(config);
    ann.add(source(N), range(0, N));
    const r = req('t0');
    expect(ann.search('t0', queries[0]!, 10, { ...r, allowedCount: 999 })).toBeNull();
    expect(ann.search('t0', queries[0]!, 10, { ...r, allowedCount: 3000 })).toHaveLength(10);
    ann.remove('t0', [ids[0]!, ids[1]!]);
    expect(ann.size).toBe(2998);
    ann.clear();
  });

  it('remove lowers a partition’s count, takes units out of the graph without a rebuild, drops an emptied graph', () => {
    const ann = new AnnPartitions({ ...config, minVectors: 550 });
    // A live source over rows 0..3999 (rows 3900.. are t1's too); removed rows are tombstones.
    const gone = new Set<number>();
    const moved = new Map<number, Float32Array>();
    const live: AnnRowSource = {
      rows: N,
      dim: DIM,
      partition: (row) => (gone.has(row) ? undefined : row < 3900 ? partitionOf(row) : 't1'),
      id: (row) => ids[row]!,
      vector: (row) => moved.get(row) ?? vectors[row]!,
      rowOf: (id) => (gone.has(rowOfId(id)) ? undefined : rowOfId(id)),
    };
    ann.add(live, range(0, 3900)); // t0: 3000, t1: 500, t2: 400
    expect(ann.indexed).toEqual(['t0']);
    expect(ann.stats).toMatchObject({ added: 3000, removed: 0 });
    // t0 loses 10 units: out of its graph, never returned again.
    for (const row of range(0, 10)) gone.add(row);
    ann.remove('t0', ids.slice(0, 10));
    expect(ann.size).toBe(2990);
    expect(ann.stats).toMatchObject({ added: 3000, removed: 10 });
    for (const h of ann.search('t0', vectors[3]!, 20, { filter: () => true })!)
      expect(rowOfId(h.id)).toBeGreaterThanOrEqual(10);
    // Unit 5 comes back with another vector: found by the new one.
    gone.delete(5);
    moved.set(5, vectors[3950]!);
    ann.add(live, [5]);
    expect(ann.size).toBe(2991);
    expect(ann.search('t0', vectors[3950]!, 1, { filter: () => true })![0]!.id).toBe(ids[5]);
    // t1 loses 100 of its 500: 100 new rows bring it to 500, still below 550 (a count that ignored removals would say 600).
    for (const row of range(3000, 3100)) gone.add(row);
    ann.remove('t1', ids.slice(3000, 3100));
    ann.add(live, range(3900, N));
    expect(ann.indexed).toEqual(['t0']);
    // The 100 come back: 600, so t1 is built from its live rows only.
    for (const row of range(3000, 3100)) gone.delete(row);
    ann.add(live, range(3000, 3100));
    expect(ann.indexed.sort()).toEqual(['t0', 't1']);
    expect(ann.size).toBe(2991 + 600);
    // t0 loses every unit: its graph goes.
    const t0 = range(0, 3000).filter((row) => !gone.has(row));
    for (const row of t0) gone.add(row);
    ann.remove(
      't0',
      t0.map((row) => ids[row]!),
    );
    expect(ann.indexed).toEqual(['t1']);
    expect(ann.size).toBe(600);
    ann.clear();
  });
});

describe('AnnPartitions background build', () => {
  it('builds in chunks between macrotasks; the partition is searched exactly (null) until complete', async () => {
    let chunks = 0;
    const ann = new AnnPartitions(
      { ...DEFAULT_ANN_CONFIG, minVectors: 1000, buildThreads: 1, buildChunk: 700 },
      (dim) => {
        const idx = new UsearchIndex(dim, { buildThreads: 1 });
        const add = idx.add.bind(idx);
        idx.add = (ids, v) => {
          chunks++;
          add(ids, v);
        };
        return idx;
      },
    );
    const src: AnnRowSource = {
      rows: 3000,
      dim: DIM,
      partition: () => 'a',
      id: (row) => 1000 + row,
      vector: (row) => vectors[row]!,
      rowOf: (id) => (id >= 1000 && id < 4000 ? id - 1000 : undefined),
    };
    ann.add(src, range(0, 3000));
    expect(ann.pending).toEqual(['a']);
    expect(ann.indexed).toEqual([]);
    expect(ann.search('a', vectors[5]!, 10, { filter: () => true })).toBeNull();
    await ann.idle();
    expect(chunks).toBe(5); // 3000 ids in chunks of 700
    expect(ann.pending).toEqual([]);
    expect(ann.indexed).toEqual(['a']);
    expect(ann.size).toBe(3000);
    expect(ann.search('a', vectors[5]!, 1, { filter: () => true })![0]!.id).toBe(1005);
    ann.clear();
  });
});

describe('AnnPartitions.reconcile (after a reload renumbered the rows)', () => {
  it('keeps unchanged units, drops removed ones, re-adds changed ones, without a rebuild', () => {
    let adds = 0;
    const ann = new AnnPartitions({ ...DEFAULT_ANN_CONFIG, minVectors: 500, buildThreads: 1, buildChunk: 0 }, (dim) => {
      const idx = new UsearchIndex(dim, { buildThreads: 1 });
      const add = idx.add.bind(idx);
      idx.add = (ids, v) => {
        adds += ids.length;
        add(ids, v);
      };
      return idx;
    });
    // 2000 units of tenant "a": unit id 1000 + i has vector i.
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: 1000 + i, v: vectors[i]! }));
    const src = (list: { id: number; v: Float32Array }[]): AnnRowSource => ({
      rows: list.length,
      dim: DIM,
      partition: () => 'a',
      id: (row) => list[row]!.id,
      vector: (row) => list[row]!.v,
      rowOf: (id) => {
        const i = list.findIndex((r) => r.id === id);
        return i < 0 ? undefined : i;
      },
    });
    ann.add(src(rows), range(0, rows.length));
    expect(adds).toBe(2000);
    // Reload: units 1000..1099 deleted, unit 1500 got vector 3500, two new units, order reversed.
    const gone = new Set(Array.from({ length: 100 }, (_, i) => 1000 + i));
    const next = rows
      .filter((r) => !gone.has(r.id))
      .map((r) => (r.id === 1500 ? { id: 1500, v: vectors[3500]! } : r))
      .concat([
        { id: 9001, v: vectors[3600]! },
        { id: 9002, v: vectors[3700]! },
      ])
      .reverse();
    ann.reconcile(src(next));
    expect(adds).toBe(2000 + 3); // the changed unit and the two new ones
    expect(ann.size).toBe(1902);
    const all = { filter: () => true };
    for (const id of [1000, 1042, 1099]) {
      const hits = ann.search('a', vectors[id - 1000]!, 20, all)!;
      expect(hits.map((h) => h.id)).not.toContain(id);
    }
    expect(ann.search('a', vectors[3500]!, 1, all)![0]!.id).toBe(1500);
    expect(ann.search('a', vectors[500]!, 5, all)!.map((h) => h.id)).not.toContain(1500);
    expect(ann.search('a', vectors[3700]!, 1, all)![0]!.id).toBe(9002);
    // A reload that empties the tenant drops its index.
    ann.reconcile(src([]));
    expect(ann.indexed).toEqual([]);
    ann.clear();
  });
});

describe('annConfigFromEnv', () => {
  it('reads the threshold and settings, disables with 0 or off, rejects nonsense', () => {
    expect(annConfigFromEnv({})).toEqual(DEFAULT_ANN_CONFIG);
    expect(annConfigFromEnv({ RETRIEVAL_ANN_MIN_VECTORS: '0' })).toBeNull();
    expect(annConfigFromEnv({ RETRIEVAL_ANN_MIN_VECTORS: 'off' })).toBeNull();
    expect(
      annConfigFromEnv({
        RETRIEVAL_ANN_MIN_VECTORS: '5000',
        RETRIEVAL_ANN_EF: '96',
        RETRIEVAL_ANN_QUANTIZATION: 'i8',
      }),
    ).toMatchObject({ minVectors: 5000, ef: 96, quantization: 'i8' });
    expect(() => annConfigFromEnv({ RETRIEVAL_ANN_MIN_VECTORS: '1e3x' })).toThrow(/RETRIEVAL_ANN_MIN_VECTORS/);
    expect(() => annConfigFromEnv({ RETRIEVAL_ANN_QUANTIZATION: 'f8' })).toThrow(/QUANTIZATION/);
  });
});
