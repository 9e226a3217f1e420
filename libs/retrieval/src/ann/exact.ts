import { pushTopK, sortedTopK } from '../top-k';
import type { ScoredId } from '../types';

/**
 * Exact top-k by inner product over a row-major matrix (`n` rows of `dim`), the same loop as
 * DenseIndex's scan (four partial sums, the shared bounded min-heap of top-k.ts). Rows for which `allow` is false are
 * skipped. The ground truth for recall, and the baseline the benchmark times.
 */
export function exactTopK(
  matrix: Float32Array,
  dim: number,
  n: number,
  q: Float32Array,
  k: number,
  ids?: ArrayLike<number>,
  allow?: (row: number) => boolean,
): ScoredId[] {
  if (k <= 0 || n === 0) return [];
  const hs = new Float64Array(k);
  const hr = new Int32Array(k);
  let size = 0;
  const d4 = dim - (dim % 4);
  for (let row = 0, off = 0; row < n; row++, off += dim) {
    if (allow && !allow(row)) continue;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      s0 += q[j]! * matrix[off + j]!;
      s1 += q[j + 1]! * matrix[off + j + 1]!;
      s2 += q[j + 2]! * matrix[off + j + 2]!;
      s3 += q[j + 3]! * matrix[off + j + 3]!;
    }
    for (; j < dim; j++) s0 += q[j]! * matrix[off + j]!;
    const s = s0 + s1 + s2 + s3;
    size = pushTopK(hs, hr, size, s, row);
  }
  return sortedTopK(hs, hr, size, (row) => (ids ? ids[row]! : row));
}

/** |approx ∩ exact| / |exact| over the top k of each (recall@k against the exact scan). */
export function recallVsExact(approx: ScoredId[], exact: ScoredId[], k: number): number {
  const truth = exact.slice(0, k);
  if (truth.length === 0) return 1;
  const got = new Set(approx.slice(0, k).map((h) => h.id));
  let hit = 0;
  for (const h of truth) if (got.has(h.id)) hit++;
  return hit / truth.length;
}
