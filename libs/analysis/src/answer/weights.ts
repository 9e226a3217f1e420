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

const r3 = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);

/** With the liquid cosine: model cfc-20261130-ecc94ed3. */
export const ANSWER_MODEL: AnswerModel = {
  // bm25, cos, coverage, context, bigram, typeMatch, typeMiss, novelty
  ranker: r3([
    2.3822786751880565, 1.1562136408392152, 3.1276642223167133, 2.455634060292918, 1.524253783759099, 1.217563100061012,
    -1.2175631000610128, -0.4525565930181395,
  ]),
  // top, margin, topCoverage, topContext, allCoverage, maxMissing, topCos, topTypeMatch, typed,
  // negated, negationMismatch, numberMissing, which, topNumberMissing, bias
  confidence: r3([
    0.07588356712623692, -0.1272392755853967, 1.8459151544021193, 1.9523748966263867, -4.678677867525217,
    -0.45275612255752845, 1.8969260204585943, 1.0627538929710738, -1.0586017183065985, -0.6787969774934014,
    -2.8680674573046363, 0.18020368372954285, 1.7195863824457653, -1.6683380602844635, -0.05729453130854728,
  ]),
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
