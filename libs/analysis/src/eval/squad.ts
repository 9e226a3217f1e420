import {
  confidenceFeatures,
  confidenceOf,
  featureRow,
  confidenceRow,
  offTopic,
  preferDefinition,
  prepareCandidates,
  rankCandidates,
  type AnswerSentence,
  type ConfidenceFeatures,
  type PreparedCandidates,
  type RankedSentence,
} from '../answer/answer';
import { questionTerms, type QuestionTerms } from '../answer/features';
import { auroc } from '../answer/fit';
import {
  ANSWER_MODEL,
  ANSWER_MODEL_DOCUMENT,
  answerModelFor,
  answerRegime,
  type AnswerModel,
  type AnswerRegime,
} from '../answer/weights';
import type { Embedder } from '../embedder';
import { Bm25Index } from '../text/bm25';
import { cosine, extent, type Vector } from '../vectors';
import { groupPassages, sentenceSpans } from './segment';

/** SQuAD v1/v2: `title` and `is_impossible` optional; a context may be a whole paper. */
interface SquadFile {
  data: {
    title?: string;
    paragraphs: {
      context: string;
      qas: {
        id?: string;
        question: string;
        answers?: { text: string; answer_start: number }[];
        is_impossible?: boolean;
      }[];
    }[];
  }[];
}

export interface SquadQuestion {
  id: string;
  article: number;
  paragraph: number;
  question: string;
  answers: { text: string; start: number }[];
  impossible: boolean;
  terms: QuestionTerms;
  vector: Vector | null;
}

export interface SquadCorpus {
  /** All sentences of the file, paragraph by paragraph (passage = global passage id). */
  sentences: AnswerSentence[];
  sentenceParagraph: number[];
  /** Global passages: sentence ranges and their paragraph. */
  passages: { paragraph: number; sentenceStart: number; sentenceEnd: number; vector: Vector | null }[];
  paragraphSentences: [number, number][];
  /** Passage range `[first, end)` of each context. */
  paragraphPassages: [number, number][];
  paragraphText: string[];
  questions: SquadQuestion[];
  prep: PreparedCandidates;
  passageIndex: Bm25Index;
  model: string | null;
}

export function parseSquad(json: unknown): SquadFile {
  const f = json as SquadFile;
  if (!f || !Array.isArray(f.data)) throw new Error('not a SQuAD file: no "data" array');
  for (const a of f.data) {
    if (!Array.isArray(a.paragraphs)) throw new Error('not a SQuAD file: an article has no "paragraphs"');
    for (const p of a.paragraphs) {
      if (typeof p.context !== 'string' || !Array.isArray(p.qas)) throw new Error('not a SQuAD file: bad paragraph');
    }
  }
  return f;
}

/**
 * One context per article: its paragraphs joined by blank lines (answer offsets shifted), so every question
 * is asked of a whole document of several thousand words, as users ask of their uploads.
 */
export function concatArticles(file: SquadFile): SquadFile {
  return {
    data: file.data.map((a) => {
      let context = '';
      const qas: SquadFile['data'][number]['paragraphs'][number]['qas'] = [];
      for (const p of a.paragraphs) {
        if (context) context += '\n\n';
        const offset = context.length;
        context += p.context;
        for (const qa of p.qas) {
          qas.push({
            ...qa,
            ...(qa.answers
              ? { answers: qa.answers.map((x) => ({ ...x, answer_start: x.answer_start + offset })) }
              : {}),
          });
        }
      }
      return { ...(a.title !== undefined ? { title: a.title } : {}), paragraphs: [{ context, qas }] };
    }),
  };
}

/**
 * A fixed, seeded sample of `n` articles (whole documents for CUAD), in file order: the same seed gives the
 * same articles in every script, so a sample's figures can be compared across runs and commits.
 */
export function sampleArticles(file: SquadFile, n: number, seed = 1): SquadFile {
  if (n >= file.data.length) return file;
  let x = seed >>> 0 || 1;
  // mulberry32: small, seedable, the same on every machine.
  const next = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = file.data.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const keep = new Set(order.slice(0, n));
  return { data: file.data.filter((_, i) => keep.has(i)) };
}

export async function loadSquadCorpus(
  file: SquadFile,
  embedder: Embedder | null,
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<SquadCorpus> {
  const sentences: AnswerSentence[] = [];
  const sentenceParagraph: number[] = [];
  const passages: SquadCorpus['passages'] = [];
  const paragraphSentences: [number, number][] = [];
  const paragraphPassages: [number, number][] = [];
  const paragraphText: string[] = [];
  const questions: SquadQuestion[] = [];
  const paras = file.data.flatMap((a, ai) => a.paragraphs.map((p) => ({ a: ai, p })));
  let done = 0;
  for (const [pi, { a, p }] of paras.entries()) {
    const spans = sentenceSpans(p.context);
    const first = sentences.length;
    const groups = groupPassages(spans);
    const firstPassage = passages.length;
    const localVectors =
      embedder && spans.length > 0
        ? await embedder.embedDocument({
            text: p.context,
            sentences: spans.map((s) => ({ ...s, page: 1 })),
            passages: groups.map(([x, y]) => ({ sentenceStart: x, sentenceEnd: y })),
          })
        : null;
    for (const [gi, [x, y]] of groups.entries()) {
      const pid = passages.length;
      passages.push({
        paragraph: pi,
        sentenceStart: first + x,
        sentenceEnd: first + y,
        vector: localVectors?.passages[gi] ?? null,
      });
      for (let i = x; i < y; i++) {
        const s = spans[i]!;
        sentences.push({ ...s, page: 1, passage: pid, vector: localVectors?.sentences[i] ?? null });
        sentenceParagraph.push(pi);
      }
    }
    paragraphSentences.push([first, sentences.length]);
    paragraphPassages.push([firstPassage, passages.length]);
    paragraphText.push(p.context);
    for (const [qi, qa] of p.qas.entries()) {
      const answers = (qa.answers ?? []).map((x) => ({ text: x.text, start: x.answer_start }));
      questions.push({
        id: qa.id ?? `${pi}-${qi}`,
        article: a,
        paragraph: pi,
        question: qa.question,
        answers,
        impossible: qa.is_impossible === true || answers.length === 0,
        terms: questionTerms(qa.question),
        vector: null,
      });
    }
    onProgress?.('paragraphs', ++done, paras.length);
  }
  if (embedder) {
    // Each distinct question once (CUAD asks its 41 questions of every contract).
    const texts = [...new Set(questions.map((q) => q.question))];
    const byText = new Map<string, Vector>();
    const batch = 64;
    for (let i = 0; i < texts.length; i += batch) {
      const group = texts.slice(i, i + batch);
      const vs = embedder.embedQueries
        ? await embedder.embedQueries(group)
        : await Promise.all(group.map((t) => embedder.embedQuery(t)));
      group.forEach((t, k) => byText.set(t, vs[k]!));
      onProgress?.('questions', Math.min(texts.length, i + batch), texts.length);
    }
    for (const q of questions) q.vector = byText.get(q.question) ?? null;
  }
  const prep = prepareCandidates(sentences);
  const passageIndex = new Bm25Index(
    passages.map((p) => {
      const out: string[] = [];
      for (let i = p.sentenceStart; i < p.sentenceEnd; i++) out.push(...prep.texts[i]!.stems);
      return out;
    }),
  );
  return {
    sentences,
    sentenceParagraph,
    passages,
    paragraphSentences,
    paragraphPassages,
    paragraphText,
    questions,
    prep,
    passageIndex,
    model: embedder?.version ?? null,
  };
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Does sentence `i` hold a gold answer? Text containment, or (answer split by the splitter) its start
 * offset. Answers longer than a sentence (CUAD's clauses) also count a sentence that lies inside the gold
 * span, by offsets or (the clause occurs again elsewhere) by text.
 */
export function isCorrect(c: SquadCorpus, q: SquadQuestion, i: number): boolean {
  const s = c.sentences[i]!;
  const t = norm(s.text);
  const sameContext = c.sentenceParagraph[i] === q.paragraph;
  for (const a of q.answers) {
    if (a.text && t.includes(norm(a.text))) return true;
    const end = a.start + a.text.length;
    if (sameContext && a.start >= s.start && a.start < s.end && end > s.end) return true;
    if (sameContext && s.start >= a.start && s.end <= end) return true;
    if (t.length >= 30 && a.text.length > t.length && norm(a.text).includes(t)) return true;
  }
  return false;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/**
 * Hybrid passage retrieval as libs/retrieval fuses (convex combination, BM25 max-normalised, dense
 * min-max normalised, dense trusted less), here in memory over the file's passages.
 */
export function retrievePassages(c: SquadCorpus, q: SquadQuestion, k: number, denseWeight: number): number[] {
  const lex = c.passages.map((_, i) => c.passageIndex.score(q.terms.stems, i));
  const maxLex = Math.max(0, extent(lex)[1]);
  const useDense = q.vector !== null && denseWeight > 0;
  const dense = useDense ? c.passages.map((p) => (p.vector ? cosine(q.vector!, p.vector) : 0)) : [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of dense) {
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const score = lex.map((l, i) => {
    const ln = maxLex > 0 ? l / maxLex : 0;
    if (!useDense) return ln;
    const dn = hi > lo ? (dense[i]! - lo) / (hi - lo) : 0;
    return (1 - denseWeight) * ln + denseWeight * dn;
  });
  return score
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.i);
}

/** Passages retrieved within the question's own document (as `POST /v1/ask` with `documentIds`): k give candidates, the wider set the word statistics. */
export const DOCUMENT_K = 5;
export const DOCUMENT_BACKGROUND = 20;
/** Above this many passages in the file, the retrieval over every context of the file is skipped (reported null): it costs passages × questions. */
export const MAX_FILE_RETRIEVAL_PASSAGES = 5000;

export function retrieveInDocument(c: SquadCorpus, q: SquadQuestion, k: number, denseWeight: number): number[] {
  const [a, b] = c.paragraphPassages[q.paragraph]!;
  const ids = range(a, b);
  const lex = ids.map((i) => c.passageIndex.score(q.terms.stems, i));
  const maxLex = Math.max(0, ...lex);
  const useDense = q.vector !== null && denseWeight > 0;
  const dense = useDense ? ids.map((i) => (c.passages[i]!.vector ? cosine(q.vector!, c.passages[i]!.vector!) : 0)) : [];
  const [lo, hi] = useDense ? extent(dense) : [0, 0];
  return ids
    .map((pid, j) => {
      const ln = maxLex > 0 ? lex[j]! / maxLex : 0;
      const dn = useDense && hi > lo ? (dense[j]! - lo) / (hi - lo) : 0;
      return { pid, s: useDense ? (1 - denseWeight) * ln + denseWeight * dn : ln };
    })
    .sort((x, y) => y.s - x.s || x.pid - y.pid)
    .slice(0, k)
    .map((x) => x.pid);
}

/**
 * The question asked of its whole document as the API serves it: the document's top DOCUMENT_BACKGROUND
 * passages give the word statistics, the top DOCUMENT_K their sentences as candidates (with vectors).
 * Returns the ranking, the confidence evidence and the global sentence index of each local one.
 */
export function documentQuestion(c: SquadCorpus, q: SquadQuestion, model: AnswerModel, denseWeight: number) {
  const top = retrieveInDocument(c, q, DOCUMENT_BACKGROUND, denseWeight);
  const global: number[] = [];
  const candidates: number[] = [];
  const sentences: AnswerSentence[] = [];
  top.forEach((pid, rank) => {
    const p = c.passages[pid]!;
    for (let i = p.sentenceStart; i < p.sentenceEnd; i++) {
      if (rank < DOCUMENT_K) candidates.push(sentences.length);
      const s = c.sentences[i]!;
      sentences.push(rank < DOCUMENT_K ? s : { ...s, vector: null });
      global.push(i);
    }
  });
  const prep = prepareCandidates(sentences);
  const ranked = preferDefinition(q.terms, rankCandidates(q.terms, q.vector, prep, candidates, undefined, model), prep);
  const g = confidenceFeatures(q.terms, ranked, prep);
  const recall5 = top
    .slice(0, DOCUMENT_K)
    .some((pid) => range(c.passages[pid]!.sentenceStart, c.passages[pid]!.sentenceEnd).some((i) => isCorrect(c, q, i)));
  // As the API decides it: the candidates' passages were kept out of more that were searched.
  return { ranked, g, global, recall5, regime: answerRegime(top.length, DOCUMENT_K) };
}

export interface QaScores {
  sentenceAccParagraph: number;
  sentenceAccRetrieval: number | null;
  passageRecall5: number | null;
  /** Share of the answerable questions that were withheld (abstained). */
  abstainedAnswerable: number;
  abstainAuroc: number;
  abstainPrecision: number;
  abstainRecall: number;
  overallAcc: number;
  threshold: number;
}

export interface QaEvalReport {
  questions: number;
  answerable: number;
  model: string | null;
  weights: string;
  /** Weights of the `document` regime (candidates kept out of more passages searched). */
  documentWeights: string;
  elegans: QaScores;
  /** Each question asked of its whole context through in-document retrieval (documentQuestion). */
  document: DocumentScores;
  lexical: QaScores & { thresholdChosen: string };
  alwaysAbstain: { overallAcc: number };
}

export interface DocumentScores {
  /** Share of questions in the `document` regime (scored by the document weights). */
  documentRegime: number;
  sentenceAcc: number;
  passageRecall5: number;
  abstainedAnswerable: number;
  abstainAuroc: number;
  overallAcc: number;
  /** Overall accuracy when always answering with the best sentence (no abstention). */
  alwaysAnswerAcc: number;
}

export interface QuestionOutcome {
  q: SquadQuestion;
  /** Paragraph-given: top sentence index, its correctness, the confidence. */
  top: number;
  correct: boolean;
  confidence: number;
  lexTop: number;
  lexCorrect: boolean;
  lexConfidence: number;
  /** Retrieval: top sentence correctness, passage recall@5. */
  retCorrect: boolean | null;
  lexRetCorrect: boolean | null;
  recall5: boolean | null;
  lexRecall5: boolean | null;
  /** Asked of the whole context through in-document retrieval. */
  docCorrect: boolean;
  docConfidence: number;
  /** The threshold of the weights that scored it (the document set when the regime is `document`). */
  docThreshold: number;
  docRegime: AnswerRegime;
  docRecall5: boolean;
}

function bm25Top(c: SquadCorpus, q: SquadQuestion, ids: readonly number[]): { i: number; score: number } {
  let best = { i: ids[0] ?? -1, score: -Infinity };
  for (const i of ids) {
    const s = c.prep.index.score(q.terms.stems, i);
    if (s > best.score) best = { i, score: s };
  }
  return best;
}

export function evaluateQuestion(
  c: SquadCorpus,
  q: SquadQuestion,
  model: AnswerModel = ANSWER_MODEL,
  denseWeight = 0.3,
  documentModel: AnswerModel = ANSWER_MODEL_DOCUMENT,
): QuestionOutcome {
  const [a, b] = c.paragraphSentences[q.paragraph]!;
  const cands = range(a, b);
  const ranked = preferDefinition(q.terms, rankCandidates(q.terms, q.vector, c.prep, cands, undefined, model), c.prep);
  const g = confidenceFeatures(q.terms, ranked, c.prep);
  const lex = bm25Top(c, q, cands);
  const passageHasAnswer = (pid: number) => {
    const p = c.passages[pid]!;
    return range(p.sentenceStart, p.sentenceEnd).some((i) => isCorrect(c, q, i));
  };
  const doc = documentQuestion(c, q, model, denseWeight);
  const docTop = doc.ranked[0];
  const docModel = doc.regime === 'document' ? documentModel : model;
  const docOutcome = {
    docCorrect: docTop ? isCorrect(c, q, doc.global[docTop.index]!) : false,
    docConfidence: confidenceOf(doc.g, docModel),
    docThreshold: docModel.threshold,
    docRegime: doc.regime,
    docRecall5: doc.recall5,
  };
  const base = {
    q,
    top: ranked[0]?.index ?? -1,
    correct: ranked[0] ? isCorrect(c, q, ranked[0].index) : false,
    confidence: confidenceOf(g, model),
    lexTop: lex.i,
    lexCorrect: lex.i >= 0 && isCorrect(c, q, lex.i),
    lexConfidence: Math.max(0, lex.score),
    ...docOutcome,
  };
  if (c.passages.length > MAX_FILE_RETRIEVAL_PASSAGES) {
    return { ...base, retCorrect: null, lexRetCorrect: null, recall5: null, lexRecall5: null };
  }
  const hybrid = retrievePassages(c, q, 5, denseWeight);
  const lexical = retrievePassages(c, q, 5, 0);
  const sentOf = (pids: number[]) =>
    pids.flatMap((p) => range(c.passages[p]!.sentenceStart, c.passages[p]!.sentenceEnd));
  const retRanked = rankCandidates(q.terms, q.vector, c.prep, sentOf(hybrid), undefined, model);
  const lexRet = bm25Top(c, q, sentOf(lexical));
  return {
    ...base,
    retCorrect: retRanked[0] ? isCorrect(c, q, retRanked[0].index) : false,
    lexRetCorrect: lexRet.i >= 0 && isCorrect(c, q, lexRet.i),
    recall5: hybrid.some(passageHasAnswer),
    lexRecall5: lexical.some(passageHasAnswer),
  };
}

/**
 * Features of every candidate, for fitting (eval/fit-qa.ts): `paragraph` ranks every sentence of the
 * context (statistics over the file), `document` the in-document retrieval candidates as served.
 */
export function questionRows(
  c: SquadCorpus,
  q: SquadQuestion,
  model: AnswerModel = ANSWER_MODEL,
  mode: 'paragraph' | 'document' = 'paragraph',
  denseWeight = 0.3,
) {
  let ranked: RankedSentence[];
  let g: ConfidenceFeatures | null;
  let toGlobal = (i: number) => i;
  let regime: AnswerRegime = 'paragraph';
  if (mode === 'document') {
    const d = documentQuestion(c, q, model, q.vector ? denseWeight : 0);
    ranked = d.ranked;
    g = d.g;
    toGlobal = (i) => d.global[i]!;
    regime = d.regime;
  } else {
    const [a, b] = c.paragraphSentences[q.paragraph]!;
    ranked = rankCandidates(q.terms, q.vector, c.prep, range(a, b), undefined, model);
    g = confidenceFeatures(q.terms, ranked, c.prep);
  }
  // Rows of the sentences the ranker considers (headings are left out by rankCandidates).
  return {
    rows: ranked.map((r) => featureRow(r.features)),
    gold: ranked.map((r, k) => (isCorrect(c, q, toGlobal(r.index)) ? k : -1)).filter((k) => k >= 0),
    confidence: g ? confidenceRow(g) : null,
    offTopic: g ? offTopic(g) : false,
    topCorrect: ranked[0] ? isCorrect(c, q, toGlobal(ranked[0].index)) : false,
    regime,
  };
}

function abstainScores(
  outcomes: { answerable: boolean; correct: boolean; confidence: number; threshold?: number }[],
  threshold: number,
): Pick<QaScores, 'abstainAuroc' | 'abstainPrecision' | 'abstainRecall' | 'overallAcc' | 'abstainedAnswerable'> {
  let hits = 0;
  let answerable = 0;
  let abstainedAnswerable = 0;
  let abstained = 0;
  let abstainedRight = 0;
  let unanswerable = 0;
  for (const o of outcomes) {
    const abstain = o.confidence < (o.threshold ?? threshold);
    if (!o.answerable) unanswerable++;
    else {
      answerable++;
      if (abstain) abstainedAnswerable++;
    }
    if (abstain) {
      abstained++;
      if (!o.answerable) {
        abstainedRight += 1;
        hits += 1;
      }
    } else if (o.answerable && o.correct) hits++;
  }
  return {
    abstainAuroc: auroc(
      outcomes.map((o) => o.confidence),
      outcomes.map((o) => o.answerable),
    ),
    abstainedAnswerable: answerable ? abstainedAnswerable / answerable : 0,
    abstainPrecision: abstained ? abstainedRight / abstained : 0,
    abstainRecall: unanswerable ? abstainedRight / unanswerable : 0,
    overallAcc: outcomes.length ? hits / outcomes.length : 0,
  };
}

/** The threshold that maximises overall accuracy on these outcomes (used for the lexical baseline only). */
export function bestThreshold(outcomes: { answerable: boolean; correct: boolean; confidence: number }[]): number {
  const cs = [...new Set(outcomes.map((o) => o.confidence))].sort((a, b) => a - b);
  let best = { t: 0, acc: -1 };
  for (let k = 0; k <= cs.length; k++) {
    const t = k === 0 ? -Infinity : k === cs.length ? Infinity : (cs[k - 1]! + cs[k]!) / 2;
    const acc = abstainScores(outcomes, t).overallAcc;
    if (acc > best.acc) best = { t, acc };
  }
  return best.t;
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

export function summariseQa(
  c: SquadCorpus,
  outcomes: QuestionOutcome[],
  model: AnswerModel,
  documentModel: AnswerModel = ANSWER_MODEL_DOCUMENT,
): QaEvalReport {
  const ans = outcomes.filter((o) => !o.q.impossible);
  const share = (xs: boolean[]) => (xs.length ? r4(xs.filter(Boolean).length / xs.length) : 0);
  const shareOrNull = (xs: (boolean | null)[]) => (xs.some((x) => x === null) ? null : share(xs as boolean[]));
  const dc = outcomes.map((o) => ({
    answerable: !o.q.impossible,
    correct: o.docCorrect,
    confidence: o.docConfidence,
    threshold: o.docThreshold,
  }));
  const docAbstain = abstainScores(dc, model.threshold);
  const el = outcomes.map((o) => ({ answerable: !o.q.impossible, correct: o.correct, confidence: o.confidence }));
  const lx = outcomes.map((o) => ({ answerable: !o.q.impossible, correct: o.lexCorrect, confidence: o.lexConfidence }));
  const lexT = bestThreshold(lx);
  const round = <T extends Record<string, number>>(o: T): T =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r4(v)])) as T;
  return {
    questions: outcomes.length,
    answerable: ans.length,
    model: c.model,
    weights: model.source,
    documentWeights: documentModel.source,
    elegans: {
      sentenceAccParagraph: share(ans.map((o) => o.correct)),
      sentenceAccRetrieval: shareOrNull(ans.map((o) => o.retCorrect)),
      passageRecall5: shareOrNull(ans.map((o) => o.recall5)),
      ...round(abstainScores(el, model.threshold)),
      threshold: model.threshold,
    },
    document: {
      documentRegime: share(outcomes.map((o) => o.docRegime === 'document')),
      sentenceAcc: share(ans.map((o) => o.docCorrect)),
      passageRecall5: share(ans.map((o) => o.docRecall5)),
      abstainedAnswerable: r4(docAbstain.abstainedAnswerable),
      abstainAuroc: r4(docAbstain.abstainAuroc),
      overallAcc: r4(docAbstain.overallAcc),
      alwaysAnswerAcc: r4(
        outcomes.filter((o) => !o.q.impossible && o.docCorrect).length / Math.max(1, outcomes.length),
      ),
    },
    lexical: {
      sentenceAccParagraph: share(ans.map((o) => o.lexCorrect)),
      sentenceAccRetrieval: shareOrNull(ans.map((o) => o.lexRetCorrect)),
      passageRecall5: shareOrNull(ans.map((o) => o.lexRecall5)),
      ...round(abstainScores(lx, lexT)),
      threshold: r4(lexT),
      thresholdChosen: 'best overall accuracy on this file (an optimistic baseline)',
    },
    alwaysAbstain: { overallAcc: share(outcomes.map((o) => o.q.impossible)) },
  };
}

export async function evalSquad(
  json: unknown,
  embedder: Embedder | null,
  onProgress?: (stage: string, done: number, total: number) => void,
  model: AnswerModel = answerModelFor(embedder !== null),
  opts: { concatArticles?: boolean; sample?: number; seed?: number; documentModel?: AnswerModel } = {},
): Promise<QaEvalReport> {
  const documentModel = opts.documentModel ?? answerModelFor(embedder !== null, 'document');
  const all = parseSquad(json);
  const parsed = opts.sample ? sampleArticles(all, opts.sample, opts.seed) : all;
  const c = await loadSquadCorpus(opts.concatArticles ? concatArticles(parsed) : parsed, embedder, onProgress);
  const outcomes: QuestionOutcome[] = [];
  for (const [i, q] of c.questions.entries()) {
    outcomes.push(evaluateQuestion(c, q, model, embedder ? 0.3 : 0, documentModel));
    if (i % 100 === 0 || i === c.questions.length - 1) onProgress?.('scoring', i + 1, c.questions.length);
  }
  return summariseQa(c, outcomes, model, documentModel);
}
