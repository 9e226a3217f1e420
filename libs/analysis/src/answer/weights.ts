/**
 * Weights of the answer ranker and of the abstention confidence, in two sets: with the liquid model's
 * cosine (the query vector against the stored sentence vectors) and without it (lexical mode: no model, or
 * sentences without vectors). answerModelFor() picks the set that matches the evidence at hand, so a
 * missing vector never reads as a cosine of 0.
 * Provenance: fitted by eval/fit-qa.ts on SQuAD 2.0 dev part A (8 articles, 2,805 questions), after
 * leave-one-article-out cross-validation measured what the fit is worth on unseen articles (figures
 * below and in docs/ANALYSIS.md). Few weights, L2-regularised, features roughly in [0, 1].
 * The liquid model was trained on part-A question → paragraph pairs; eval/qa-conditioned.ts checked that this
 * does not inflate the cosine: on articles 5–8 a stage-1 model trained without their questions scored as
 * well with the cosine alone as one trained with them (sentence accuracy .749 vs .747, AUROC .630 vs .627).
 * Refit with `npx tsx eval/fit-qa.ts FILE --model models/liquid` after a model change.
 * Order: answer/features.ts CANDIDATE_FEATURES and answer.ts CONFIDENCE_FEATURES (+ bias last).
 */
export interface AnswerModel {
  ranker: number[];
  confidence: number[];
  threshold: number;
  /** What produced these weights, for reports. */
  source: string;
}

/** With the liquid cosine: model cfc-20261130-ecc94ed3. */
export const ANSWER_MODEL: AnswerModel = {
  // bm25, cos, coverage, context, bigram, typeMatch, typeMiss, novelty
  ranker: [2.382, 1.156, 3.128, 2.456, 1.524, 1.218, -1.218, -0.453],
  // top, margin, topCoverage, topContext, allCoverage, maxMissing, topCos, topTypeMatch, typed,
  // negated, negationMismatch, numberMissing, which, topNumberMissing, bias
  confidence: [
    0.076, -0.127, 1.846, 1.952, -4.679, -0.453, 1.897, 1.063, -1.059, -0.679, -2.868, 0.18, 1.72, -1.668, -0.057,
  ],
  // Threshold maximising overall accuracy on the training articles.
  threshold: 0.5,
  // Held out by article (8 folds, as served with the off-topic guard): sentenceAccParagraph .862,
  // abstainAuroc .674, overallAcc .603.
  source: 'squad2-dev-part-a fit with the liquid cosine (cfc-20261130-ecc94ed3), leave-one-article-out checked',
};

/** Lexical evidence only (the liquid cosine has weight 0). */
export const ANSWER_MODEL_LEXICAL: AnswerModel = {
  ranker: [2.613, 0, 3.307, 2.499, 1.628, 1.215, -1.215, -0.601],
  confidence: [
    0.222, -0.123, 1.409, 1.71, -4.584, -0.209, 0, 0.759, -0.902, -0.627, -2.907, 0.07, 1.782, -1.501, 0.458,
  ],
  threshold: 0.49,
  // Held out by article: sentenceAccParagraph .862, abstainAuroc .656, overallAcc .602.
  source: 'squad2-dev-part-a lexical fit (liquid cosine weight 0), leave-one-article-out checked',
};

/** The weights for the evidence at hand: the liquid set only when there are vectors to compare. */
export function answerModelFor(hasLiquidVectors: boolean): AnswerModel {
  return hasLiquidVectors ? ANSWER_MODEL : ANSWER_MODEL_LEXICAL;
}
