import { STOPWORDS, words } from '../text/tokenize';
import { porterStem } from '../text/porter';

/** Baselines the summary eval reports next to elegans, computed in the same run. */

/** Lead-k: the first k sentences. A hard baseline on news, whose writers put the gist first. */
export function leadK(count: number, k = 3): number[] {
  return Array.from({ length: Math.min(k, count) }, (_, i) => i);
}

/**
 * TextRank (Mihalcea & Tarau 2004): PageRank over a sentence graph whose edge weight is the number of
 * shared (stemmed, non-stop) words normalised by log lengths:
 *   sim(Si, Sj) = |{w : w ∈ Si ∧ w ∈ Sj}| / (log|Si| + log|Sj|)
 *   WS(Vi) = (1 - d) + d · Σ_j  w_ji / Σ_k w_jk · WS(Vj),  d = 0.85
 * Returns the indices of the top-k sentences in document order.
 */
export function textRank(sentences: readonly string[], k = 3, d = 0.85, iterations = 50): number[] {
  const n = sentences.length;
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const toks = sentences.map((s) => words(s));
  const sets = toks.map((t) => new Set(t.filter((w) => !STOPWORDS.has(w)).map(porterStem)));
  const w: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let common = 0;
      for (const x of sets[i]!) if (sets[j]!.has(x)) common++;
      const denom = Math.log(Math.max(2, toks[i]!.length)) + Math.log(Math.max(2, toks[j]!.length));
      const s = common > 0 ? common / denom : 0;
      w[i]![j] = s;
      w[j]![i] = s;
    }
  }
  const outSum = w.map((row) => row.reduce((a, b) => a + b, 0));
  let ws = new Array<number>(n).fill(1);
  for (let it = 0; it < iterations; it++) {
    const next = new Array<number>(n).fill(1 - d);
    for (let j = 0; j < n; j++) {
      if (outSum[j]! === 0) continue;
      const share = (d * ws[j]!) / outSum[j]!;
      const row = w[j]!;
      for (let i = 0; i < n; i++) if (row[i]! > 0) next[i]! += row[i]! * share;
    }
    ws = next;
  }
  return ws
    .map((score, i) => ({ score, i }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k)
    .map((x) => x.i)
    .sort((a, b) => a - b);
}
