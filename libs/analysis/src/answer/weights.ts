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
  /** The confidence has one more weight (before the bias): answer.ts candidateCountFeature. */
  lengthAware?: boolean;
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

/**
 * Where the candidates came from. `paragraph`: they are the whole text searched (a short document, or a
 * SQuAD paragraph); `document`: retrieval chose them among more passages than it kept (a long document, or
 * many). The second regime sees the ranker's pick among many near-misses, so the evidence of an answerable
 * question reads weaker there; its confidence is calibrated on whole documents (eval/fit-qa.ts --document).
 */
export type AnswerRegime = 'paragraph' | 'document';

/** The regime of a question whose candidates are the top `kept` of `searched` passages. */
export function answerRegime(searched: number, kept: number): AnswerRegime {
  return searched > kept ? 'document' : 'paragraph';
}

/**
 * The `document` regime with the liquid cosine: the paragraph ranker (the ranking does not change), and a
 * confidence refitted by `eval/fit-qa.ts --document` on questions asked of whole documents as /v1/ask serves
 * them (top 20 passages of the document for the word statistics, the top 5's sentences as candidates):
 * SQuAD 2.0 dev part A with each article's paragraphs concatenated into one document (8 documents, 2,805
 * questions) and CUAD train, a seeded sample of 60 of its 387 whole contracts (`--cuad-sample 60 --seed 1`,
 * 2,460 questions). Target: "answering is right" (answerable and the top sentence holds the answer), which
 * is what the threshold trades; threshold = best overall accuracy on the fitting questions.
 * Held out (8 folds: leave-one-SQuAD-article-out, contracts dealt into the same folds), before → after:
 * SQuAD whole articles AUROC .671 → .646, answerable abstained .591 → .557, overall .583 → .578;
 * CUAD AUROC .461 → .613, answerable abstained .906 → .949, overall .628 → .652 (always abstain .680).
 * A single calibration for both regimes with length-aware features was also fitted and rejected: it
 * regressed SQuAD per paragraph (held-out AUROC .714 → .637, overall .627 → .558). See docs/ANALYSIS.md.
 */
export const ANSWER_MODEL_DOCUMENT: AnswerModel = {
  ranker: ANSWER_MODEL.ranker,
  confidence: [
    0.129, 0.004, 2.552, -0.925, 1.307, 0.991, 2.109, 0.874, -0.837, -0.243, -3.594, -0.62, 1.279, -1.406, -5.156,
  ],
  threshold: 0.4,
  source:
    'whole-document fit (SQuAD A articles concatenated + 60 CUAD contracts, seed 1) with the liquid cosine (cfc-20261130-ecc94ed3), held out by 8 folds',
};

/**
 * Lexical `document` regime: the paragraph calibration, kept on purpose. No lexical refit beat it on both
 * document inputs held out (best: overall .580 → .567 on SQuAD whole articles for .626 → .647 on CUAD), so
 * the refit is not worth a second set of weights to keep; docs/ANALYSIS.md has the figures.
 */
export const ANSWER_MODEL_LEXICAL_DOCUMENT: AnswerModel = ANSWER_MODEL_LEXICAL;

/** The weights for the evidence at hand: the liquid set only when there are vectors to compare. */
export function answerModelFor(hasLiquidVectors: boolean, regime: AnswerRegime = 'paragraph'): AnswerModel {
  if (regime === 'document') return hasLiquidVectors ? ANSWER_MODEL_DOCUMENT : ANSWER_MODEL_LEXICAL_DOCUMENT;
  return hasLiquidVectors ? ANSWER_MODEL : ANSWER_MODEL_LEXICAL;
}
