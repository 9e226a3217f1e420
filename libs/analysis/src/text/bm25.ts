/**
 * In-memory Okapi BM25 (Robertson & Zaragoza 2009) over pre-tokenised units, used to score the few
 * hundred candidate sentences of an answer and by the eval baselines. Corpus-scale search lives in
 * libs/retrieval (SQLite FTS5); this one exists so analysis stays pure and testable.
 *   idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))
 *   score(q, d) = Σ_t∈q idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 - b + b·|d|/avgdl))
 */
export interface Bm25Params {
  k1: number;
  b: number;
}

export const BM25_DEFAULTS: Bm25Params = { k1: 1.2, b: 0.75 };

export class Bm25Index {
  private readonly tfs: Map<string, number>[];
  private readonly lens: number[];
  private readonly df = new Map<string, number>();
  private readonly avgdl: number;

  constructor(
    docs: readonly (readonly string[])[],
    private readonly params: Bm25Params = BM25_DEFAULTS,
  ) {
    this.tfs = docs.map((d) => {
      const m = new Map<string, number>();
      for (const t of d) m.set(t, (m.get(t) ?? 0) + 1);
      for (const t of m.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      return m;
    });
    this.lens = docs.map((d) => d.length);
    this.avgdl = this.lens.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
  }

  get size(): number {
    return this.tfs.length;
  }

  idf(term: string): number {
    const n = this.tfs.length;
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** BM25 of one indexed unit for a query (query terms are de-duplicated). */
  score(query: readonly string[], doc: number): number {
    const { k1, b } = this.params;
    const tf = this.tfs[doc]!;
    const len = this.lens[doc]!;
    let s = 0;
    for (const t of new Set(query)) {
      const f = tf.get(t);
      if (!f) continue;
      s += (this.idf(t) * f * (k1 + 1)) / (f + k1 * (1 - b + (b * len) / Math.max(1e-9, this.avgdl)));
    }
    return s;
  }

  /** The score a unit would get if it held every query term once at average length: a scale for normalising. */
  maxScore(query: readonly string[]): number {
    let s = 0;
    for (const t of new Set(query)) s += this.idf(t);
    return s;
  }

  /** Top-k units by score, best first (ties by index). */
  search(query: readonly string[], k: number): { index: number; score: number }[] {
    const out: { index: number; score: number }[] = [];
    for (let i = 0; i < this.tfs.length; i++) {
      const s = this.score(query, i);
      if (s > 0) out.push({ index: i, score: s });
    }
    out.sort((a, b) => b.score - a.score || a.index - b.index);
    return out.slice(0, k);
  }
}
