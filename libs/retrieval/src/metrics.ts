/**
 * Ranking metrics as BEIR reports them (pytrec_eval conventions):
 * - nDCG@k with LINEAR gain (gain = graded relevance, discount 1/log2(rank + 1)); the ideal DCG
 *   is computed over all judged-relevant documents of the query.
 * - Recall@k: share of judged-relevant documents (grade > 0) found in the top k.
 * - MRR@k: 1 / rank of the first relevant document within the top k, else 0.
 */
export type Qrels = Map<string, Map<string, number>>;

export function ndcgAt(ranked: string[], rel: Map<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const g = rel.get(ranked[i]!) ?? 0;
    if (g > 0) dcg += g / Math.log2(i + 2);
  }
  const ideal = [...rel.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i]! / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: string[], rel: Map<string, number>, k: number): number {
  let total = 0;
  for (const g of rel.values()) if (g > 0) total++;
  if (total === 0) return 0;
  let hit = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((rel.get(ranked[i]!) ?? 0) > 0) hit++;
  return hit / total;
}

export function mrrAt(ranked: string[], rel: Map<string, number>, k: number): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((rel.get(ranked[i]!) ?? 0) > 0) return 1 / (i + 1);
  return 0;
}

export interface RankingMetrics {
  ndcg10: number;
  recall100: number;
  mrr10: number;
}

/** Mean metrics over the queries that have at least one judged-relevant document. */
export function evaluateRuns(runs: Map<string, string[]>, qrels: Qrels): RankingMetrics {
  let n = 0;
  const sum = { ndcg10: 0, recall100: 0, mrr10: 0 };
  for (const [qid, rel] of qrels) {
    if (![...rel.values()].some((g) => g > 0)) continue;
    const ranked = runs.get(qid) ?? [];
    sum.ndcg10 += ndcgAt(ranked, rel, 10);
    sum.recall100 += recallAt(ranked, rel, 100);
    sum.mrr10 += mrrAt(ranked, rel, 10);
    n++;
  }
  const r = (x: number) => Math.round((n ? x / n : 0) * 10000) / 10000;
  return { ndcg10: r(sum.ndcg10), recall100: r(sum.recall100), mrr10: r(sum.mrr10) };
}
