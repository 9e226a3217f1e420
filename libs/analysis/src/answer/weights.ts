/**
 * Weights of the answer ranker and of the abstention confidence.
 * Provenance: fitted by eval/fit-qa.ts on SQuAD 2.0 dev part A (8 articles, 2,805 questions), after
 * leave-one-article-out cross-validation measured what the fit is worth on unseen articles (figures
 * below and in docs/ANALYSIS.md). Few weights, L2-regularised, features roughly in [0, 1].
 * The liquid cosine has weight 0: the model shipped when these were fitted was a random-init placeholder
 * (cfc-20261129-d1715a2e); refit with `--model` once a trained model ships.
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
  ranker: [2.613, 0, 3.307, 2.499, 1.628, 1.215, -1.215, -0.601],
  // top, margin, topCoverage, topContext, allCoverage, maxMissing, topCos, topTypeMatch, typed,
  // negated, negationMismatch, numberMissing, which, topNumberMissing, bias
  confidence: [
    0.222, -0.123, 1.409, 1.71, -4.584, -0.209, 0, 0.759, -0.902, -0.627, -2.907, 0.07, 1.782, -1.501, 0.458,
  ],
  // Threshold maximising overall accuracy on the training articles.
  threshold: 0.49,
  // Held out by article (8 folds, as served with the off-topic guard): sentenceAccParagraph .862,
  // abstainAuroc .656, overallAcc .602.
  source: 'squad2-dev-part-a lexical fit (liquid cosine weight 0), leave-one-article-out checked',
};
