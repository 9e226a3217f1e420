import type { ScoredId } from './types';

/**
 * A bounded min-heap of the k best (score, row) pairs in two typed arrays (k = their length), for
 * the exact scans: no allocation per row. `push` returns the heap's new size.
 */
export function pushTopK(hs: Float64Array, hr: Int32Array, size: number, s: number, row: number): number {
  const k = hs.length;
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
  return size;
}

/** The heap's pairs best first (ties by id), with each row mapped to its unit id. */
export function sortedTopK(hs: Float64Array, hr: Int32Array, size: number, idOf: (row: number) => number): ScoredId[] {
  const out: ScoredId[] = [];
  for (let i = 0; i < size; i++) out.push({ id: idOf(hr[i]!), score: hs[i]! });
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}
