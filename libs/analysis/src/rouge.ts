import { stems } from './text/tokenize';

/**
 * ROUGE F1 (Lin 2004) over Porter-stemmed lower-case tokens, stop words kept, as in ROUGE-1.5.5 with
 * `-m` and in Google's rouge-score with `use_stemmer=True`. Summary-level ROUGE-L here is the LCS over
 * the whole token sequences (rouge-score's "rougeL", not the sentence-split "rougeLsum").
 */
export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join('\u0001');
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

function f1(overlap: number, candTotal: number, refTotal: number): number {
  if (overlap === 0 || candTotal === 0 || refTotal === 0) return 0;
  const p = overlap / candTotal;
  const r = overlap / refTotal;
  return (2 * p * r) / (p + r);
}

function rougeN(cand: string[], ref: string[], n: number): number {
  const c = ngramCounts(cand, n);
  const r = ngramCounts(ref, n);
  let overlap = 0;
  for (const [k, v] of c) overlap += Math.min(v, r.get(k) ?? 0);
  return f1(overlap, Math.max(0, cand.length - n + 1), Math.max(0, ref.length - n + 1));
}

/** Length of the longest common subsequence, O(n·m) time, O(m) memory. */
export function lcsLength(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** ROUGE-1/2/L F1 of one candidate against one reference. */
export function rouge(candidate: string, reference: string): RougeScores {
  const c = stems(candidate);
  const r = stems(reference);
  return {
    rouge1: rougeN(c, r, 1),
    rouge2: rougeN(c, r, 2),
    rougeL: f1(lcsLength(c, r), c.length, r.length),
  };
}

/**
 * Several references: each measure takes the best reference for this document (the "max" jackknife
 * convention of rouge-score's `score_multi`), reported as `multiReference: 'max'`.
 */
export function rougeMulti(candidate: string, references: string[]): RougeScores {
  const best: RougeScores = { rouge1: 0, rouge2: 0, rougeL: 0 };
  for (const ref of references) {
    const s = rouge(candidate, ref);
    best.rouge1 = Math.max(best.rouge1, s.rouge1);
    best.rouge2 = Math.max(best.rouge2, s.rouge2);
    best.rougeL = Math.max(best.rougeL, s.rougeL);
  }
  return best;
}
