import { contentStems } from './tokenize';

/**
 * Sparse TF-IDF vectors over stemmed content words, L2-normalised. Used for lexical centrality and for
 * redundancy (MMR) next to the liquid vectors: two sentences that share most of their words say the
 * same thing whatever a small model thinks.
 */
export type Sparse = Map<string, number>;

export function tfidfVectors(texts: readonly string[]): Sparse[] {
  const toks = texts.map(contentStems);
  const df = new Map<string, number>();
  for (const t of toks) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = texts.length;
  return toks.map((t) => {
    const v: Sparse = new Map();
    for (const w of t) v.set(w, (v.get(w) ?? 0) + 1);
    let sq = 0;
    for (const [w, tf] of v) {
      const x = (1 + Math.log(tf)) * Math.log(1 + n / (df.get(w) ?? 1));
      v.set(w, x);
      sq += x * x;
    }
    const nn = Math.sqrt(sq);
    if (nn > 0) for (const [w, x] of v) v.set(w, x / nn);
    return v;
  });
}

export function sparseDot(a: Sparse, b: Sparse): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [w, x] of small) {
    const y = big.get(w);
    if (y !== undefined) s += x * y;
  }
  return s;
}

/** Normalised sum of sparse vectors (a centroid). */
export function sparseCentroid(vs: readonly Sparse[]): Sparse {
  const c: Sparse = new Map();
  for (const v of vs) for (const [w, x] of v) c.set(w, (c.get(w) ?? 0) + x);
  let sq = 0;
  for (const x of c.values()) sq += x * x;
  const nn = Math.sqrt(sq);
  if (nn > 0) for (const [w, x] of c) c.set(w, x / nn);
  return c;
}
