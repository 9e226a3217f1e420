import type { ScoredId } from './types';

/**
 * Hybrid fusion that trusts the weaker (dense) ranking less.
 *
 * Candidates are the union of the BM25 top-N and the dense top-N. Each candidate gets
 *   lex(d)   = bm25(d) / max_c bm25(c)                 (0 when outside the BM25 list)
 *   dense(d) = (cos(d) − μ) / σ over the candidates,    then squashed to [0, 1] by min-max
 *   score(d) = (1 − w) · lex(d) + w · dense(d)
 * a convex combination of normalised scores (Fox & Shaw's CombSUM with weights; see Bruch et al.,
 * "An Analysis of Fusion Functions for Hybrid Retrieval", TOIS 2023, who find a tuned convex
 * combination beats RRF and is robust across BEIR collections). Max-normalising BM25 keeps the
 * meaning of "no lexical evidence" at 0 whatever the query length.
 */
export interface FusionOptions {
  /** Weight of the dense score, 0..1. */
  denseWeight: number;
  /**
   * 'minmax': lexical / max, dense min-max over the candidates (default).
   * 'z': both z-scored over the candidates (mean 0, sd 1), then combined.
   */
  normalization?: 'minmax' | 'z';
}

export interface FusedScore {
  id: number;
  score: number;
  lexical: number | null;
  dense: number | null;
}

export function maxNormalize(scores: number[]): number[] {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  return max > 0 ? scores.map((s) => s / max) : scores.map(() => 0);
}

export function zNormalize(scores: number[]): number[] {
  const xs = scores.filter((s) => Number.isFinite(s));
  if (xs.length === 0) return scores.map(() => 0);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / xs.length);
  // A candidate without a value gets the lowest seen, not the mean.
  const lo = Math.min(...xs);
  return scores.map((s) => ((Number.isFinite(s) ? s : lo) - mean) / (sd > 0 ? sd : 1));
}

export function minMaxNormalize(scores: number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of scores) {
    if (!Number.isFinite(s)) continue;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  const span = hi - lo;
  return scores.map((s) => (!Number.isFinite(s) ? 0 : span > 0 ? (s - lo) / span : 0));
}

/**
 * Fuses a lexical list and dense similarities for the union of candidates.
 * `denseOf` returns the dense similarity of any candidate (NaN if it has no vector).
 */
export function convexFusion(
  lexical: ScoredId[],
  denseList: ScoredId[],
  denseOf: (ids: number[]) => number[],
  opts: FusionOptions,
): FusedScore[] {
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const h of [...lexical, ...denseList]) {
    if (seen.has(h.id)) continue;
    seen.add(h.id);
    ids.push(h.id);
  }
  if (ids.length === 0) return [];
  const lexRaw = new Map(lexical.map((h) => [h.id, h.score]));
  const z = opts.normalization === 'z';
  const lexNorm = (z ? zNormalize : maxNormalize)(ids.map((id) => lexRaw.get(id) ?? 0));
  const denseRaw = denseOf(ids);
  const denseNorm = (z ? zNormalize : minMaxNormalize)(denseRaw);
  const w = Math.min(1, Math.max(0, opts.denseWeight));
  const out = ids.map((id, i) => ({
    id,
    score: (1 - w) * lexNorm[i]! + w * denseNorm[i]!,
    lexical: lexRaw.get(id) ?? null,
    dense: Number.isFinite(denseRaw[i]!) ? denseRaw[i]! : null,
  }));
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** Weighted reciprocal-rank fusion: Σ wᵢ / (k + rankᵢ). Kept for comparison in the eval. */
export function weightedRrf(lists: ScoredId[][], weights: number[], k = 60): ScoredId[] {
  const acc = new Map<number, number>();
  lists.forEach((list, li) => {
    const w = weights[li] ?? 1;
    list.forEach((h, rank) => acc.set(h.id, (acc.get(h.id) ?? 0) + w / (k + rank + 1)));
  });
  return [...acc.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): greedily picks
 *   argmax λ · rel(d) − (1 − λ) · max_{s ∈ picked} cos(d, s)
 * with rel min-max normalised to [0, 1]. Candidates without a vector keep their relevance only.
 */
export function mmr<T extends { id: number; score: number }>(
  ranked: T[],
  vectorOf: (id: number) => Float32Array | null,
  lambda: number,
  k: number,
): T[] {
  const rel = minMaxNormalize(ranked.map((r) => r.score));
  const vecs = ranked.map((r) => vectorOf(r.id));
  const left = ranked.map((_, i) => i);
  const picked: number[] = [];
  while (picked.length < k && left.length > 0) {
    let best = -1;
    let bestScore = -Infinity;
    for (let li = 0; li < left.length; li++) {
      const i = left[li]!;
      let sim = 0;
      const v = vecs[i];
      if (v) {
        for (const j of picked) {
          const u = vecs[j];
          if (!u) continue;
          let s = 0;
          for (let t = 0; t < v.length; t++) s += v[t]! * u[t]!;
          if (s > sim) sim = s;
        }
      }
      const m = lambda * rel[i]! - (1 - lambda) * sim;
      if (m > bestScore) {
        bestScore = m;
        best = li;
      }
    }
    picked.push(left[best]!);
    left.splice(best, 1);
  }
  return picked.map((i) => ranked[i]!);
}
