import { mulberry32 } from '@elegans/common';
import { normalize } from '../quantize';

/** Standard normal draws (Box–Muller, both halves used) from a uniform source. */
export function gaussianSource(r: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(r(), 1e-12);
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    spare = m * Math.sin(2 * Math.PI * v);
    return m * Math.cos(2 * Math.PI * v);
  };
}

/** out[off..off+d) = normalise(centre + Gaussian noise of expected norm `spread`). */
export function scatterAround(centre: Float32Array, spread: number, g: () => number, out: Float32Array, off = 0): void {
  const d = centre.length;
  const s = spread / Math.sqrt(d);
  let n = 0;
  for (let j = 0; j < d; j++) {
    const x = centre[j]! + s * g();
    out[off + j] = x;
    n += x * x;
  }
  n = Math.sqrt(n) || 1;
  for (let j = 0; j < d; j++) out[off + j]! /= n;
}

export interface ClusteredSet {
  /** Row-major, n rows of dim, each L2-normalised. */
  matrix: Float32Array;
  /** Fresh points of the same distribution (not in the matrix). */
  queries: Float32Array[];
}

/**
 * Seeded two-level clusters (the benchmark's synthetic set and the specs' data): `topics` random
 * unit centres, `subtopics` per topic at noise norm 0.8 around it, points at noise norm 0.6 around
 * a random subtopic. Neighbours are graded (same subtopic, same topic, elsewhere), unlike uniform
 * random vectors in high dimension, where all are about equally far and recall means little.
 */
export function clusteredSet(
  n: number,
  nq: number,
  dim: number,
  seed: number,
  topics = 200,
  subtopics = 50,
): ClusteredSet {
  const r = mulberry32(seed);
  const g = gaussianSource(r);
  const unit = (): Float32Array => normalize(Float32Array.from({ length: dim }, () => g()));
  const tops = Array.from({ length: topics }, unit);
  const subs: Float32Array[] = [];
  for (const t of tops) {
    for (let s = 0; s < subtopics; s++) {
      const v = new Float32Array(dim);
      scatterAround(t, 0.8, g, v);
      subs.push(v);
    }
  }
  const point = (out: Float32Array, off: number): void =>
    scatterAround(subs[Math.floor(r() * subs.length)]!, 0.6, g, out, off);
  const matrix = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) point(matrix, i * dim);
  const queries = Array.from({ length: nq }, () => {
    const q = new Float32Array(dim);
    point(q, 0);
    return q;
  });
  return { matrix, queries };
}

/** Row i of a row-major matrix (a view). */
export function rowOf(matrix: Float32Array, dim: number, i: number): Float32Array {
  return matrix.subarray(i * dim, i * dim + dim);
}
