/**
 * Fits the answer ranker and the abstention confidence (libs/analysis/src/answer/weights.ts) on a SQuAD
 * 2.0 file, and reports what the fit is worth on articles it did not see (leave-one-article-out).
 *
 *   npx tsx eval/fit-qa.ts ../shared/data/qa/squad2/dev-part-a.json [--model models/liquid] [--target answerable|correct]
 *
 * Prints the held-out figures and the weights to paste into weights.ts, as JSON on stdout.
 *
 * Document mode (issue 14) fits the confidence of the `document` regime (weights.ts answerRegime: candidates
 * that retrieval kept out of more passages) over questions asked of whole documents, as /v1/ask serves them:
 *
 *   npx tsx eval/fit-qa.ts --document --squad SQUAD.json --cuad CUAD.json [--cuad-sample 60] [--seed 1]
 *       [--vector-cache DIR] [--model models/liquid] [--rows FILE] [--variant NAME] [--final-only]
 *
 * SQuAD articles are concatenated into one document each; CUAD contracts are whole documents (a seeded sample
 * of them, since embedding all 387 takes long on a small machine). Folds: leave-one-SQuAD-article-out, with
 * the CUAD contracts dealt into the same 8 folds, so every figure is held out. Compared, per input: the
 * shipped paragraph calibration (before), a per-regime document calibration, and one pooled calibration for
 * both regimes with length-aware features (regime indicator, log candidate count) fitted on paragraph and
 * document questions together.
 */
import { readFileSync } from 'node:fs';
import { fitDocumentMode } from './fit-qa-document';
import { parseArgs } from 'node:util';
import {
  answerModelFor,
  CANDIDATE_FEATURES,
  auroc,
  fitLogistic,
  fitRanker,
  loadSquadCorpus,
  parseSquad,
  predictLogistic,
  questionRows,
  LiquidEmbedder,
  type AnswerModel,
  type Embedder,
  type SquadCorpus,
} from '@elegans/analysis';

type Row = ReturnType<typeof questionRows> & { article: number; answerable: boolean };

function rowsFor(c: SquadCorpus, model: AnswerModel, which: (a: number) => boolean): Row[] {
  return c.questions
    .filter((q) => which(q.article))
    .map((q) => ({ ...questionRows(c, q, model), article: q.article, answerable: !q.impossible }));
}

function fit(c: SquadCorpus, train: (a: number) => boolean, target: string): AnswerModel {
  const dims = CANDIDATE_FEATURES.length;
  const base = answerModelFor(c.model !== null);
  const rankRows = rowsFor(c, base, train).filter((r) => r.answerable && r.gold.length > 0);
  const ranker = fitRanker(rankRows, dims, 1e-3, 200, 1.0);
  const withRanker: AnswerModel = { ...base, ranker };
  const conf = rowsFor(c, withRanker, train).filter((r) => r.confidence);
  const ys = conf.map((r) => (target === 'correct' ? (r.answerable && r.topCorrect ? 1 : 0) : r.answerable ? 1 : 0));
  const confidence = fitLogistic(
    conf.map((r) => r.confidence!),
    ys,
    1e-3,
    400,
    1.0,
  );
  // Threshold: the one maximising overall accuracy on the training articles.
  const scored = conf.map((r) => ({ p: predictLogistic(confidence, r.confidence!), r }));
  let best = { t: 0.5, acc: -1 };
  for (let t = 0.05; t < 0.95; t += 0.01) {
    const acc =
      scored.filter(({ p, r }) => (p < t ? !r.answerable : r.answerable && r.topCorrect)).length / scored.length;
    if (acc > best.acc) best = { t, acc };
  }
  return { ranker, confidence, threshold: Math.round(best.t * 100) / 100, source: '' };
}

async function loadEmbedder(dir: string | undefined): Promise<Embedder | null> {
  if (!dir) return null;
  return LiquidEmbedder.load({ modelDir: dir });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      target: { type: 'string', default: 'answerable' },
      document: { type: 'boolean', default: false },
      squad: { type: 'string' },
      cuad: { type: 'string' },
      'cuad-sample': { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      'vector-cache': { type: 'string' },
      rows: { type: 'string' },
      variant: { type: 'string' },
      'final-only': { type: 'boolean', default: false },
    },
  });
  if (values.document) {
    if (!values.squad || !values.cuad) throw new Error('usage: fit-qa.ts --document --squad FILE --cuad FILE');
    const out = await fitDocumentMode({
      squad: values.squad,
      cuad: values.cuad,
      cuadSample: Number(values['cuad-sample']),
      seed: Number(values.seed),
      modelDir: values.model,
      vectorCache: values['vector-cache'],
      rowsFile: values.rows,
      variant: values.variant,
      finalOnly: values['final-only'],
    });
    console.log(JSON.stringify(out));
    return;
  }
  const file = positionals[0];
  if (!file) throw new Error('usage: fit-qa.ts SQUAD.json [--model DIR]');
  const embedder = await loadEmbedder(values.model);
  const c = await loadSquadCorpus(parseSquad(JSON.parse(readFileSync(file, 'utf8'))), embedder, (s, d, t) => {
    if (d === t) process.stderr.write(`${s} ${d}/${t}\n`);
  });
  const articles = [...new Set(c.questions.map((q) => q.article))];
  const held: { answerable: boolean; correct: boolean; p: number; abstain: boolean }[] = [];
  for (const a of articles) {
    const m = fit(c, (x) => x !== a, values.target!);
    for (const r of rowsFor(c, m, (x) => x === a)) {
      // As served: the fitted confidence, then the off-topic guard (answer/answer.ts confidenceOf).
      const p = r.confidence ? predictLogistic(m.confidence, r.confidence) * (r.offTopic ? 0.25 : 1) : 0;
      held.push({ answerable: r.answerable, correct: r.topCorrect, p, abstain: p < m.threshold });
    }
    process.stderr.write(`fold ${a}: threshold ${m.threshold}\n`);
  }
  const ans = held.filter((h) => h.answerable);
  const heldOut = {
    sentenceAccParagraph: ans.filter((h) => h.correct).length / ans.length,
    abstainAuroc: auroc(
      held.map((h) => h.p),
      held.map((h) => h.answerable),
    ),
    overallAcc: held.filter((h) => (h.abstain ? !h.answerable : h.answerable && h.correct)).length / held.length,
  };
  const final = fit(c, () => true, values.target!);
  console.log(
    JSON.stringify({
      questions: held.length,
      articles: articles.length,
      target: values.target,
      model: c.model,
      heldOutArticles: heldOut,
      weights: final,
    }),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
