/**
 * Document mode of eval/fit-qa.ts (see there): the confidence of answers whose candidates retrieval kept
 * out of a whole document, fitted and checked on long inputs with every figure held out.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  answerModelFor,
  auroc,
  cachedEmbedder,
  concatArticles,
  fitLogistic,
  loadSquadCorpus,
  LiquidEmbedder,
  parseSquad,
  predictLogistic,
  questionRows,
  sampleArticles,
  type AnswerModel,
  type Embedder,
  type SquadCorpus,
} from '@elegans/analysis';

export interface DocumentFitOptions {
  squad: string;
  cuad: string;
  cuadSample: number;
  seed: number;
  modelDir?: string;
  vectorCache?: string;
  /** The variant whose full fit is printed as the document weights (VARIANTS name). */
  variant?: string;
  /** Skip the held-out comparison: only the chosen variant's full fit (after a comparison run). */
  finalOnly?: boolean;
  /** Keep the feature rows in this file (written once, read after): variants then refit in seconds. */
  rowsFile?: string;
}

type Input = 'squadParagraph' | 'squadDocument' | 'cuad';
const FOLDS = 8;

interface Row {
  input: Input;
  fold: number;
  answerable: boolean;
  correct: boolean;
  offTopic: boolean;
  document: boolean;
  conf: number[];
  /** Length-aware extras for the pooled calibration: regime indicator, log(1 + candidates) / 5. */
  extra: number[];
}

function rowsOf(c: SquadCorpus, input: Input, model: AnswerModel, foldOf: (article: number) => number): Row[] {
  const out: Row[] = [];
  for (const q of c.questions) {
    const r = questionRows(c, q, model, input === 'squadParagraph' ? 'paragraph' : 'document');
    if (!r.confidence) continue;
    const document = r.regime === 'document';
    out.push({
      input,
      fold: foldOf(q.article),
      answerable: !q.impossible,
      correct: r.topCorrect,
      offTopic: r.offTopic,
      document,
      conf: r.confidence,
      extra: [document ? 1 : 0, Math.log1p(r.rows.length) / 5],
    });
  }
  return out;
}

/** As served: the fitted confidence, then the off-topic guard (answer.ts confidenceOf). */
const served = (w: number[], x: number[], r: Row) => predictLogistic(w, x) * (r.offTopic ? 0.25 : 1);

function bestThreshold(scored: { p: number; r: Row }[]): number {
  let best = { t: 0.5, acc: -1 };
  for (let t = 0.05; t < 0.95; t += 0.01) {
    const acc = scored.filter(({ p, r }) => (p < t ? !r.answerable : r.answerable && r.correct)).length;
    if (acc > best.acc) best = { t, acc };
  }
  return Math.round(best.t * 100) / 100;
}

interface Scored {
  r: Row;
  p: number;
  t: number;
}

/**
 * A calibration variant. `target`: what the logistic predicts (answerable, or answerable and the top sentence
 * right: what answering needs to be worth it). `prior`: L2 pulls toward the shipped paragraph calibration
 * (strength `l2`) instead of toward zero.
 */
interface Variant {
  name: string;
  target: 'answerable' | 'correct';
  prior: boolean;
  l2: number;
  /** Adds log(1 + candidate count) / 5: fewer, longer sentences per passage (contracts) read differently. */
  lengthAware?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'free, answerable', target: 'answerable', prior: false, l2: 1e-3 },
  { name: 'free, correct', target: 'correct', prior: false, l2: 1e-3 },
  { name: 'prior 0.01, answerable', target: 'answerable', prior: true, l2: 0.01 },
  { name: 'prior 0.1, answerable', target: 'answerable', prior: true, l2: 0.1 },
  { name: 'prior 0.01, correct', target: 'correct', prior: true, l2: 0.01 },
  { name: 'prior 0.1, correct', target: 'correct', prior: true, l2: 0.1 },
  { name: 'free, answerable, length-aware', target: 'answerable', prior: false, l2: 1e-3, lengthAware: true },
  { name: 'free, correct, length-aware', target: 'correct', prior: false, l2: 1e-3, lengthAware: true },
];

const lengthX = (r: Row) => [...r.conf, r.extra[1]!];
/** Pooled weights [conf…, isDocument, logCandidates, bias] as a length-aware document set [conf…, logCandidates, bias]. */
const pooledAsDocument = (w: number[]) => [...w.slice(0, -3), w.at(-2)!, w.at(-1)! + w.at(-3)!];

const docX = (v: Variant) => (v.lengthAware ? (r: Row) => [...r.conf, r.extra[1]!] : (r: Row) => r.conf);

function fitWeights(
  rows: Row[],
  x: (r: Row) => number[],
  v: Variant = VARIANTS[0]!,
  prior?: readonly number[],
): { w: number[]; t: number } {
  const w = fitLogistic(
    rows.map(x),
    rows.map((r) => (r.answerable && (v.target === 'answerable' || r.correct) ? 1 : 0)),
    v.l2,
    400,
    1.0,
    v.prior ? prior : undefined,
  );
  return { w, t: bestThreshold(rows.map((r) => ({ p: served(w, x(r), r), r }))) };
}

function figures(s: Scored[]) {
  const ans = s.filter((x) => x.r.answerable);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    questions: s.length,
    answerable: ans.length,
    sentenceAcc: r3(ans.filter((x) => x.r.correct).length / ans.length),
    abstainAuroc: r3(
      auroc(
        s.map((x) => x.p),
        s.map((x) => x.r.answerable),
      ),
    ),
    answerableAbstained: r3(ans.filter((x) => x.p < x.t).length / ans.length),
    overallAcc: r3(s.filter((x) => (x.p < x.t ? !x.r.answerable : x.r.answerable && x.r.correct)).length / s.length),
    alwaysAbstain: r3(s.filter((x) => !x.r.answerable).length / s.length),
    alwaysAnswer: r3(ans.filter((x) => x.r.correct).length / s.length),
  };
}

async function loadRows(o: DocumentFitOptions): Promise<{ rows: Row[]; model: string | null; base: AnswerModel }> {
  if (o.rowsFile && existsSync(o.rowsFile)) {
    const saved = JSON.parse(readFileSync(o.rowsFile, 'utf8')) as { rows: Row[]; model: string | null };
    return { ...saved, base: answerModelFor(saved.model !== null) };
  }
  const inner: Embedder | null = o.modelDir ? await LiquidEmbedder.load({ modelDir: o.modelDir }) : null;
  const embedder = inner && o.vectorCache ? cachedEmbedder(inner, o.vectorCache) : inner;
  const progress = (label: string) => (stage: string, d: number, t: number) => {
    if (d === t || d % 25 === 0) process.stderr.write(`${label} ${stage} ${d}/${t}\n`);
  };
  const squad = parseSquad(JSON.parse(readFileSync(o.squad, 'utf8')));
  const cuadFile = sampleArticles(parseSquad(JSON.parse(readFileSync(o.cuad, 'utf8'))), o.cuadSample, o.seed);
  const para = await loadSquadCorpus(squad, embedder, progress('squad paragraphs'));
  const whole = await loadSquadCorpus(concatArticles(squad), embedder, progress('squad articles'));
  const cuad = await loadSquadCorpus(cuadFile, embedder, progress('cuad'));
  const base = answerModelFor(embedder !== null);
  const rows = [
    ...rowsOf(para, 'squadParagraph', base, (a) => a % FOLDS),
    ...rowsOf(whole, 'squadDocument', base, (a) => a % FOLDS),
    ...rowsOf(cuad, 'cuad', base, (a) => a % FOLDS),
  ];
  const model = embedder?.version ?? null;
  await (inner as { release?: () => Promise<void> } | null)?.release?.();
  if (o.rowsFile) writeFileSync(o.rowsFile, JSON.stringify({ rows, model }));
  return { rows, model, base };
}

export async function fitDocumentMode(o: DocumentFitOptions) {
  const { rows, model, base } = await loadRows(o);
  process.stderr.write(`rows: ${rows.length}\n`);
  const plain = (r: Row) => r.conf;
  const pooledX = (r: Row) => [...r.conf, ...r.extra];
  const byInput = (s: Scored[]) =>
    Object.fromEntries(
      (['squadParagraph', 'squadDocument', 'cuad'] as const).map((i) => [i, figures(s.filter((x) => x.r.input === i))]),
    );
  // Document-regime questions take the variant's weights; paragraph-regime ones keep the shipped ones.
  const perRegime = (r: Row, fit: { w: number[]; t: number }, x: (r: Row) => number[] = plain): Scored =>
    r.document
      ? { r, p: served(fit.w, x(r), r), t: fit.t }
      : { r, p: served(base.confidence, r.conf, r), t: base.threshold };

  // Held out: each fold scored by weights fitted on the other seven.
  const heldOut: Record<string, ReturnType<typeof byInput>> = {
    before: byInput(rows.map((r) => ({ r, p: served(base.confidence, r.conf, r), t: base.threshold }))),
  };
  const thresholds: Record<string, number[]> = {};
  for (const v of o.finalOnly ? [] : VARIANTS) {
    const scored: Scored[] = [];
    thresholds[v.name] = [];
    for (let f = 0; f < FOLDS; f++) {
      const train = rows.filter((r) => r.fold !== f && r.document);
      const fit = fitWeights(
        train,
        docX(v),
        v,
        v.lengthAware ? [...base.confidence.slice(0, -1), 0, base.confidence.at(-1)!] : base.confidence,
      );
      thresholds[v.name]!.push(fit.t);
      for (const r of rows) if (r.fold === f) scored.push(perRegime(r, fit, docX(v)));
    }
    heldOut[`perRegime ${v.name}`] = byInput(scored);
  }
  const pooled: Scored[] = [];
  const pooledForDocuments: Scored[] = [];
  for (let f = 0; f < (o.finalOnly ? 0 : FOLDS); f++) {
    const one = fitWeights(
      rows.filter((r) => r.fold !== f),
      pooledX,
    );
    for (const r of rows) {
      if (r.fold !== f) continue;
      pooled.push({ r, p: served(one.w, pooledX(r), r), t: one.t });
      pooledForDocuments.push(perRegime(r, { w: pooledAsDocument(one.w), t: one.t }, lengthX));
    }
  }
  if (!o.finalOnly) {
    heldOut['one calibration, length-aware'] = byInput(pooled);
    // The pooled fit's document side only (paragraph questions keep the shipped weights).
    heldOut['perRegime pooled length-aware'] = byInput(pooledForDocuments);
  }

  // The shipped document weights: the chosen variant fitted on every question (pooled) or every
  // document-regime question.
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const pooledChosen = (o.variant ?? 'pooled') === 'pooled';
  const chosen = VARIANTS.find((v) => v.name === o.variant) ?? { ...VARIANTS[0]!, name: 'pooled', lengthAware: true };
  let final: { w: number[]; t: number };
  if (pooledChosen) {
    const one = fitWeights(rows, pooledX);
    final = { w: pooledAsDocument(one.w), t: one.t };
  } else {
    final = fitWeights(
      rows.filter((r) => r.document),
      docX(chosen),
      chosen,
      base.confidence,
    );
  }
  const shipped = { w: final.w.map(r3), t: final.t };
  return {
    model,
    cuad: { contracts: o.cuadSample, seed: o.seed },
    rows: { total: rows.length, document: rows.filter((r) => r.document).length },
    heldOut,
    foldThresholds: thresholds,
    chosen: chosen.name,
    inSampleShipped: byInput(rows.map((r) => perRegime(r, shipped, docX(chosen)))),
    documentWeights: {
      ranker: base.ranker,
      confidence: shipped.w,
      threshold: shipped.t,
      lengthAware: !!chosen.lengthAware,
    },
  };
}
