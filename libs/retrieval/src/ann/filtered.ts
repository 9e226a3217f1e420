import type { ScoredId } from '../types';
import type { ApproximateIndex } from './types';

export interface FilteredSearchOptions {
  /** Search beam; at least k. */
  ef: number;
  /** Ids the caller may see (tenant, collection, documents, still current). Absent = all. */
  filter?: (id: number) => boolean;
  /** How many of the index's vectors pass the filter, when the caller knows (sizes the over-fetch). */
  allowedCount?: number;
  /** Exact score of an id (e.g. the float32 row): candidates are re-ranked by it. */
  rescore?: (id: number) => number;
  /** Most candidates to ask the index for before giving up. */
  maxCandidates: number;
}

/**
 * Top-k within a filter by over-fetching from the index and filtering afterwards. Returns null
 * when the filter cannot be served approximately: nothing passes it, or fewer than k of the
 * `maxCandidates` best do: the caller then runs the exact scan, so a selective filter
 * costs one exact scan, never a wrong or short answer.
 *
 * The first request asks for max(k, ef) · size / allowedCount candidates (the number expected to
 * leave ef of them after the filter), then quadruples while short. Every candidate that passes is
 * re-scored with `rescore` when given, so a quantised index still returns exact scores and the
 * exact order among what it found.
 */
export function filteredSearch(
  index: ApproximateIndex,
  q: Float32Array,
  k: number,
  o: FilteredSearchOptions,
): ScoredId[] | null {
  const size = index.size;
  if (k <= 0) return [];
  if (size === 0) return null;
  const base = Math.max(k, o.ef);
  const allowedCount = o.filter ? (o.allowedCount ?? size) : size;
  if (allowedCount <= 0) return null;
  const need = Math.min(k, allowedCount);
  let want = Math.min(size, Math.ceil((base * size) / allowedCount));
  const cap = Math.max(base, Math.min(size, o.maxCandidates));
  if (want > cap) return null;
  for (;;) {
    const cand = index.search(q, want, want);
    const kept: ScoredId[] = [];
    for (const c of cand) {
      if (o.filter && !o.filter(c.id)) continue;
      kept.push(o.rescore ? { id: c.id, score: o.rescore(c.id) } : c);
    }
    if (kept.length >= need || want >= size) {
      if (kept.length < need) return null;
      kept.sort((a, b) => b.score - a.score || a.id - b.id);
      return kept.slice(0, k);
    }
    if (want >= cap) return null;
    want = Math.min(cap, want * 4);
  }
}
