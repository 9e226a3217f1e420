import { Bm25Index } from '../text/bm25';
import type { Vector } from '../vectors';
import {
  CANDIDATE_FEATURES,
  candidateFeatures,
  hasAnswerType,
  questionTerms,
  weightedCoverage,
  type CandidateFeatures,
  type CandidateText,
  type QuestionTerms,
} from './features';
import { dotw, predictLogistic } from './fit';
import { ANSWER_MODEL, answerModelFor, type AnswerModel } from './weights';
import { stems } from '../text/tokenize';
import { porterStem } from '../text/porter';
import type { StructureRole } from '@elegans/ingest';

/**
 * Extractive question answering over candidate sentences (those of retrieved passages, or of a given
 * paragraph): rank by a linear model over lexical and liquid evidence (answer/features.ts), then decide
 * whether to answer at all with a logistic confidence over question-level evidence, abstaining below a
 * threshold calibrated on SQuAD 2.0's unanswerable questions (see weights.ts for provenance).
 */
export interface Citation {
  documentId?: string;
  page: number;
  start: number;
  end: number;
  text: string;
}

export interface AnswerSentence {
  text: string;
  start: number;
  end: number;
  page: number;
  documentId?: string;
  /** Sentences of the same passage are neighbours; the id is the caller's (e.g. passage rowid). */
  passage?: number | string;
  vector?: Vector | null;
  /** Structural role (libs/ingest); absent means body. */
  role?: StructureRole;
}

/**
 * Roles that stay searchable but answer only when no body sentence does (issue 14): an endnote that
 * repeats a name, a TOC line, an index entry, a licence notice say less than the body about the question.
 */
export const SECONDARY_ROLES: ReadonlySet<StructureRole> = new Set<StructureRole>([
  'notes',
  'references',
  'index',
  'toc',
  'front_matter',
  'boilerplate',
]);

/** How much less of the question's (idf-weighted) words a body sentence may cover and still win over a note. */
export const BODY_COVERAGE_SLACK = 0.1;

export function isSecondaryRole(role: StructureRole | undefined): boolean {
  return role !== undefined && SECONDARY_ROLES.has(role);
}

const DEFINITION_Q = /^\s*(who|what)\s+(is|was|are|were)\s+(?:(?:a|an|the)\s+)?(.+?)\s*\??\s*$/i;
const NOT_A_SUBJECT = /\b(of|in|for|to|on|by|with|from|at|about|name|main|called|used|this|that|these|those|it)\b/i;

/** The subject of a definition/identity question ("Who is Jack Valenti?" → "Jack Valenti"), or null. */
export function definitionSubject(question: string): string | null {
  const m = DEFINITION_Q.exec(question);
  if (!m) return null;
  const x = m[3]!.trim();
  if (x.split(/\s+/).length > 4 || NOT_A_SUBJECT.test(x)) return null;
  return x;
}

const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Does `sentence` define `subject`: a copula ("X is a/the …", "X was one of …"), an appositive
 * ("X, the president of …,"), a life-dates parenthesis ("X (born …)", "X (1921–2007)"), or "X refers to /
 * means / is defined as". A person's surname alone counts after the full name is asked ("Valenti, the …").
 */
export function definesSubject(sentence: string, subject: string): boolean {
  const names = [subject];
  const parts = subject.split(/\s+/);
  if (parts.length > 1 && /^\p{Lu}/u.test(parts[parts.length - 1]!)) names.push(parts[parts.length - 1]!);
  for (const n of names) {
    const x = `\\b${esc(n)}\\b`;
    const re = new RegExp(
      `${x}(\\s*\\([^)]*\\))?\\s*(,\\s*)?(is|was|are|were|has been|had been|became|serves as|served as)\\s+(a|an|the|one|our|its|his|her|their)\\b` +
        `|${x}\\s*,\\s*(a|an|the|who|which|one of)\\b` +
        `|${x}\\s*\\((born|b\\.|née|\\d{4})` +
        `|${x}\\s+(refers to|means|is defined as|denotes|stands for)\\b`,
      'i',
    );
    if (re.test(sentence)) return true;
  }
  return false;
}

export interface SupportingPassage {
  documentId?: string;
  passage: number | string;
  page: number;
  start: number;
  end: number;
  text: string;
  score?: number;
}

export interface AnswerInput {
  question: string;
  queryVector?: Vector | null;
  sentences: readonly AnswerSentence[];
  passages?: readonly SupportingPassage[];
  /** Statistics over a larger set than the candidates (the whole document), from prepareCandidates(sentences). */
  prepared?: PreparedCandidates;
  /** Indices of `sentences` to rank (default all). */
  candidates?: readonly number[];
}

export interface RankedSentence {
  index: number;
  score: number;
  features: CandidateFeatures;
}

export const CONFIDENCE_FEATURES = [
  'top',
  'margin',
  'topCoverage',
  'topContext',
  'allCoverage',
  'maxMissing',
  'topCos',
  'topTypeMatch',
  'typed',
  'negated',
  'negationMismatch',
  'numberMissing',
  'which',
  'topNumberMissing',
] as const;
export type ConfidenceFeatures = Record<(typeof CONFIDENCE_FEATURES)[number], number> & {
  /** 1 when the question's most informative word is a name that no candidate sentence contains (not a fitted feature). */
  missingName?: number;
};

export interface AnswerResult {
  question: string;
  /** The answering sentence, or null when abstaining. */
  answer: string | null;
  /** Why the answer is null. */
  reason: string | null;
  confidence: number;
  /** The best sentence even when abstaining (callers may show it as "closest evidence"). */
  best: (Citation & { score: number }) | null;
  /** The answering span inside the best sentence, absolute offsets, when one stands out. */
  highlight: Citation | null;
  citations: Citation[];
  supportingPassages: SupportingPassage[];
  ranked: RankedSentence[];
  confidenceFeatures: ConfidenceFeatures | null;
}

export function featureRow(f: CandidateFeatures): number[] {
  return CANDIDATE_FEATURES.map((k) => f[k]);
}

export function confidenceRow(g: ConfidenceFeatures): number[] {
  return CONFIDENCE_FEATURES.map((k) => g[k]);
}

/** Short and without sentence-final punctuation: a heading, title or list label. */
export function isHeadingLike(text: string): boolean {
  const t = text.trim();
  return !/[.!?…:;"'”’)\]]$/.test(t) && t.split(/\s+/).length < 10;
}

export interface PreparedCandidates {
  texts: CandidateText[];
  index: Bm25Index;
  neighbours: number[][];
}

/** Stems, BM25 statistics and neighbour lists for a candidate set (reusable across questions). */
export function prepareCandidates(sentences: readonly AnswerSentence[], background?: Bm25Index): PreparedCandidates {
  const texts = sentences.map((s) => ({ text: s.text, stems: stems(s.text), vector: s.vector ?? null }));
  const index = background ?? new Bm25Index(texts.map((t) => t.stems));
  const neighbours = sentences.map((s, i) => {
    const out: number[] = [];
    if (s.passage === undefined) return out;
    if (i > 0 && sentences[i - 1]!.passage === s.passage) out.push(i - 1);
    if (i + 1 < sentences.length && sentences[i + 1]!.passage === s.passage) out.push(i + 1);
    return out;
  });
  return { texts, index, neighbours };
}

/**
 * Rank `candidates` (indices into the prepared set; all by default). `indexIds` maps a candidate to its
 * row in `prep.index` when that index is a background corpus rather than the candidates themselves.
 */
export function rankCandidates(
  q: QuestionTerms,
  queryVector: Vector | null | undefined,
  prep: PreparedCandidates,
  candidates?: readonly number[],
  indexIds?: (i: number) => number,
  model: AnswerModel = ANSWER_MODEL,
): RankedSentence[] {
  const all = candidates ?? prep.texts.map((_, i) => i);
  // Headings and titles name a topic without stating anything about it: never the answer.
  const prose = all.filter((i) => !isHeadingLike(prep.texts[i]!.text));
  const ids = prose.length > 0 ? prose : all;
  const ranked = ids.map((i) => {
    const features = candidateFeatures(
      q,
      queryVector,
      prep.texts[i]!,
      prep.neighbours[i]!.map((j) => prep.texts[j]!),
      prep.index,
      indexIds ? indexIds(i) : i,
    );
    return { index: i, score: dotw(model.ranker, featureRow(features)), features };
  });
  return ranked.sort((a, b) => b.score - a.score || a.index - b.index);
}

/**
 * SQuAD 2.0's unanswerable questions were written by editing answerable ones; the commonest edit is
 * a negation ("What did X not do?"), others swap a number or a name. These cues are the cheap part of
 * spotting them.
 */
const NEGATION = /\b(not|never|no|none|neither|nor|without|cannot)\b|n't\b/i;

function numbers(text: string): string[] {
  return text.match(/\d[\d,.]*\d|\d/g) ?? [];
}

export function confidenceFeatures(
  q: QuestionTerms,
  ranked: readonly RankedSentence[],
  prep: PreparedCandidates,
): ConfidenceFeatures | null {
  const top = ranked[0];
  if (!top) return null;
  const idf = (t: string) => prep.index.idf(t);
  const all = new Set<string>();
  for (const r of ranked) for (const t of prep.texts[r.index]!.stems) all.add(t);
  const allText = ranked.map((r) => prep.texts[r.index]!.text).join(' ');
  let maxIdf = 0;
  let maxMissing = 0;
  let maxMissingTerm = '';
  for (const t of q.content) {
    const w = idf(t);
    maxIdf = Math.max(maxIdf, w);
    if (!all.has(t) && w > maxMissing) {
      maxMissing = w;
      maxMissingTerm = t;
    }
  }
  const names = new Set((q.text.match(/(?<=\s)\p{Lu}[\p{L}'-]+/gu) ?? []).map((w) => porterStem(w.toLowerCase())));
  return {
    top: top.score,
    margin: ranked.length > 1 ? top.score - ranked[1]!.score : 1,
    topCoverage: top.features.coverage,
    topContext: top.features.context,
    allCoverage: weightedCoverage(q.content, all, idf),
    maxMissing: maxIdf > 0 ? maxMissing / maxIdf : 0,
    topCos: top.features.cos,
    topTypeMatch: top.features.typeMatch,
    typed: q.type ? 1 : 0,
    negated: NEGATION.test(q.text) ? 1 : 0,
    negationMismatch: NEGATION.test(q.text) && !NEGATION.test(prep.texts[top.index]!.text) ? 1 : 0,
    numberMissing: numbers(q.text).some((n) => !allText.includes(n)) ? 1 : 0,
    which: /\bwhich\b/i.test(q.text) ? 1 : 0,
    topNumberMissing: numbers(q.text).some((n) => !prep.texts[top.index]!.text.includes(n)) ? 1 : 0,
    missingName: maxIdf > 0 && maxMissing >= maxIdf && names.has(maxMissingTerm) ? 1 : 0,
  };
}

/**
 * The fitted confidence, with one guard the fit cannot learn: SQuAD's questions are always about
 * their paragraph, but users ask about things their documents never mention. When the question's
 * most informative word is a name that appears in no candidate sentence, there is no evidence to
 * answer from, whatever the other cues say (on SQuAD 2.0 part A this guard moves AUROC by -0.001
 * and overall accuracy by +0.004).
 */
export function confidenceOf(g: ConfidenceFeatures | null, model: AnswerModel = ANSWER_MODEL): number {
  if (!g) return 0;
  const p = predictLogistic(model.confidence, confidenceRow(g));
  return offTopic(g) ? p * 0.25 : p;
}

export function offTopic(g: ConfidenceFeatures): boolean {
  return g.missingName === 1;
}

/**
 * The span the question asks for, inside the answering sentence: the first number/date/name that the
 * question does not already mention, matching its answer type. Null when nothing stands out.
 */
export function highlightSpan(q: QuestionTerms, sentence: string): { start: number; end: number } | null {
  if (!q.type || !hasAnswerType(q.type, sentence, q.words)) return null;
  const patterns: RegExp[] =
    q.type === 'number'
      ? [/\b\d[\d,.]*(\s*(%|percent|million|billion|thousand|hundred))?/g]
      : q.type === 'date'
        ? [
            // The day must end at a word boundary, or "April 1982" would highlight as "April 19".
            /\b(\d{1,2}\s+)?(January|February|March|April|May|June|July|August|September|October|November|December)(\s+\d{1,2}\b)?(,?\s+\d{4})?/g,
            /\b(1\d{3}|20\d{2})s?\b/g,
            /\b\d{1,2}(st|nd|rd|th)(\s+and\s+\d{1,2}(st|nd|rd|th))?\s+centur(y|ies)/gi,
          ]
        : [/(?<=\s)\p{Lu}[\p{L}'-]+(\s+(of|de|the|von|van)?\s*\p{Lu}[\p{L}'-]+)*/gu];
  for (const re of patterns) {
    let m: RegExpExecArray | null;
    while ((m = re.exec(sentence))) {
      const text = m[0].trim();
      if (text && !q.words.has(text.toLowerCase())) return { start: m.index, end: m.index + m[0].length };
    }
  }
  return null;
}

/**
 * Definition and identity questions ("Who is X?", "What is Y?") prefer the best-ranked candidate that
 * defines X (definesSubject) over sentences that only mention it; other questions keep the ranking.
 */
export function preferDefinition(
  q: QuestionTerms,
  ranked: RankedSentence[],
  prep: PreparedCandidates,
): RankedSentence[] {
  const subject = definitionSubject(q.text);
  if (!subject || ranked.length < 2) return ranked;
  const k = ranked.findIndex((r) => definesSubject(prep.texts[r.index]!.text, subject));
  if (k <= 0) return ranked;
  const moved = { ...ranked[k]!, score: Math.max(ranked[k]!.score, ranked[0]!.score) };
  return [moved, ...ranked.slice(0, k), ...ranked.slice(k + 1)];
}

/** `model` defaults to the weight set that matches the input: liquid when the query and sentences have vectors. */
export function answerQuestion(input: AnswerInput, model?: AnswerModel): AnswerResult {
  model ??= answerModelFor(!!input.queryVector && input.sentences.some((s) => !!s.vector));
  const q = questionTerms(input.question);
  const prep = input.prepared ?? prepareCandidates(input.sentences);
  const decide = (ids: readonly number[] | undefined) => {
    const ranked = preferDefinition(q, rankCandidates(q, input.queryVector, prep, ids, undefined, model), prep);
    const g = confidenceFeatures(q, ranked, prep);
    return { ranked, g, confidence: confidenceOf(g, model) };
  };
  const all = input.candidates ?? input.sentences.map((_, i) => i);
  let chosen = decide(input.candidates);
  const primary = all.filter((i) => !isSecondaryRole(input.sentences[i]!.role));
  if (primary.length > 0 && primary.length < all.length) {
    // A body sentence that answers as well (it answers, and covers the question's words about as well
    // as the best sentence overall) wins; notes, references, index, TOC answer only when none does.
    const body = decide(primary);
    const bodyTop = body.ranked[0]?.features.coverage ?? 0;
    const allTop = chosen.ranked[0]?.features.coverage ?? 0;
    if (
      (body.confidence >= model.threshold && bodyTop >= allTop - BODY_COVERAGE_SLACK) ||
      (chosen.confidence < model.threshold && body.confidence >= chosen.confidence)
    )
      chosen = body;
  }
  const { ranked, g, confidence } = chosen;
  const supportingPassages = input.passages ? [...input.passages] : [];
  if (!ranked[0] || q.content.length === 0) {
    return {
      question: input.question,
      answer: null,
      reason: ranked[0] ? 'the question has no content words' : 'no candidate passages',
      confidence: 0,
      best: null,
      highlight: null,
      citations: [],
      supportingPassages,
      ranked,
      confidenceFeatures: g,
    };
  }
  const s = input.sentences[ranked[0].index]!;
  const cite = (x: AnswerSentence): Citation => ({
    ...(x.documentId !== undefined ? { documentId: x.documentId } : {}),
    page: x.page,
    start: x.start,
    end: x.end,
    text: x.text,
  });
  const span = highlightSpan(q, s.text);
  const highlight = span
    ? { ...cite(s), start: s.start + span.start, end: s.start + span.end, text: s.text.slice(span.start, span.end) }
    : null;
  const abstain = confidence < model.threshold;
  return {
    question: input.question,
    answer: abstain ? null : s.text,
    reason: abstain
      ? g && offTopic(g)
        ? `no candidate passage mentions a key name of the question (confidence ${confidence.toFixed(2)})`
        : `evidence too weak: confidence ${confidence.toFixed(2)} is below the threshold ${model.threshold.toFixed(2)}`
      : null,
    confidence,
    best: { ...cite(s), score: ranked[0].score },
    highlight: abstain ? null : highlight,
    citations: abstain ? [] : [cite(s)],
    supportingPassages,
    ranked,
    confidenceFeatures: g,
  };
}
