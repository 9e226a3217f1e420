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
  ranker: [2.631, 0, 3.313, 2.49, 1.636, 1.215, -1.215, -0.587],
  // top, margin, topCoverage, topContext, allCoverage, maxMissing, topCos, topTypeMatch, typed,
  // negated, negationMismatch, numberMissing, which, bias
  confidence: [0.223, -0.121, 1.654, 1.813, -4.907, -0.181, 0, 0.749, -0.884, -0.681, -2.848, -1.415, 1.804, 0.404],
  threshold: 0.5,
  // Held out by article (8 folds): sentenceAccParagraph .866, abstainAuroc .653, overallAcc .595.
  source: 'squad2-dev-part-a lexical fit (no liquid features), leave-one-article-out checked',
};
