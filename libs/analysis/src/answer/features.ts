import { cosine, type Vector } from '../vectors';
import type { Bm25Index } from '../text/bm25';
import { porterStem } from '../text/porter';
import { STOPWORDS, words } from '../text/tokenize';

/**
 * Evidence that a sentence answers a question. Each feature is roughly in [0, 1] so that a handful of
 * linear weights (answer/model.ts) can combine them:
 *   bm25      BM25(q, s) / Σ_t idf(t)            lexical match, normalised by what a perfect match scores
 *   cos       cos(query vector, sentence vector)  the liquid model's view
 *   coverage  Σ_{t ∈ q ∩ s} idf(t) / Σ_{t ∈ q} idf(t) over stemmed content words
 *   context   the same coverage by the sentence and its neighbours in the passage (answers often sit next
 *             to the sentence that repeats the question's words)
 *   bigram    share of the question's stemmed bigrams found in the sentence
 *   typeMatch the sentence holds what the question asks for (a number for "how many", a year for "when",
 *             a name for "who") outside the words the question already uses
 *   typeMiss  the question has a clear answer type and the sentence holds nothing of it
 *   novelty   share of the sentence's content words that the question does not use (an answer adds something)
 */
export const CANDIDATE_FEATURES = [
  'bm25',
  'cos',
  'coverage',
  'context',
  'bigram',
  'typeMatch',
  'typeMiss',
  'novelty',
] as const;
export type CandidateFeatures = Record<(typeof CANDIDATE_FEATURES)[number], number>;

export type AnswerType = 'number' | 'date' | 'person' | 'place' | 'entity' | null;

export function answerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (
    /\b(how (many|much|long|far|old|large|big|tall|high|often)|what (percentage|percent|number|amount|proportion))\b/.test(
      q,
    )
  )
    return 'number';
  if (/\b(when|what (year|years|century|date|day|month|decade|time|period)|which (year|century|decade))\b/.test(q))
    return 'date';
  if (/\b(who|whom|whose)\b/.test(q)) return 'person';
  if (/\bwhere\b/.test(q)) return 'place';
  if (/\b(what|which) (is|was|are|were) the name\b|\bname(d)? of\b/.test(q)) return 'entity';
  return null;
}

const MONTHS = /\b(january|february|march|april|may|june|july|august|september|october|november|december)\b/i;
const NUMBER_WORDS =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b/i;

/** Capitalised words of the sentence that are not its first word and not in the question. */
function newNames(sentence: string, qWords: Set<string>): string[] {
  const out: string[] = [];
  const re = /(?<=\s)\p{Lu}[\p{L}'-]+/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sentence))) if (!qWords.has(m[0].toLowerCase())) out.push(m[0]);
  return out;
}

export function hasAnswerType(type: AnswerType, sentence: string, qWords: Set<string>): boolean {
  switch (type) {
    case 'number': {
      const nums = sentence.match(/\d[\d,.]*/g) ?? [];
      return nums.some((n) => !qWords.has(n.toLowerCase())) || NUMBER_WORDS.test(sentence);
    }
    case 'date':
      return /\b(1\d{3}|20\d{2})s?\b|\b\d{1,2}(st|nd|rd|th)\b|\bcentur/i.test(sentence) || MONTHS.test(sentence);
    case 'person':
    case 'place':
    case 'entity':
      return newNames(sentence, qWords).length > 0;
    default:
      return false;
  }
}

export interface QuestionTerms {
  text: string;
  type: AnswerType;
  /** Lower-case words, for the answer-type test. */
  words: Set<string>;
  /** Stemmed content words (unique). */
  content: string[];
  /** Stemmed consecutive word pairs, stop words kept. */
  bigrams: Set<string>;
  /** All stemmed words, for BM25. */
  stems: string[];
}

export function questionTerms(question: string): QuestionTerms {
  const ws = words(question);
  const st = ws.map(porterStem);
  const bigrams = new Set<string>();
  for (let i = 0; i + 1 < st.length; i++) bigrams.add(`${st[i]} ${st[i + 1]}`);
  return {
    text: question,
    type: answerType(question),
    words: new Set(ws),
    content: [...new Set(ws.filter((w) => !STOPWORDS.has(w)).map(porterStem))],
    bigrams,
    stems: [...new Set(st.filter((_, i) => !STOPWORDS.has(ws[i]!)))],
  };
}

export interface CandidateText {
  text: string;
  /** Stemmed words of the sentence (precomputed by the caller when it scores many questions). */
  stems: string[];
  vector?: Vector | null;
}

/** Idf-weighted share of `terms` present in `have`. */
export function weightedCoverage(terms: readonly string[], have: Set<string>, idf: (t: string) => number): number {
  let tot = 0;
  let hit = 0;
  for (const t of terms) {
    const w = idf(t);
    tot += w;
    if (have.has(t)) hit += w;
  }
  return tot > 0 ? hit / tot : 0;
}

export function candidateFeatures(
  q: QuestionTerms,
  qVector: Vector | null | undefined,
  cand: CandidateText,
  neighbours: readonly CandidateText[],
  index: Bm25Index,
  indexId: number,
): CandidateFeatures {
  const idf = (t: string) => index.idf(t);
  const have = new Set(cand.stems);
  const ctx = new Set(cand.stems);
  for (const n of neighbours) for (const t of n.stems) ctx.add(t);
  let bi = 0;
  for (let i = 0; i + 1 < cand.stems.length; i++) if (q.bigrams.has(`${cand.stems[i]} ${cand.stems[i + 1]}`)) bi++;
  const maxBm = index.maxScore(q.stems);
  const qSet = new Set(q.content);
  const content = cand.stems.filter((t) => t.length > 2);
  const novel = content.filter((t) => !qSet.has(t)).length;
  const typed = q.type !== null;
  const match = typed && hasAnswerType(q.type, cand.text, q.words);
  return {
    bm25: maxBm > 0 ? index.score(q.stems, indexId) / maxBm : 0,
    cos: qVector && cand.vector ? cosine(qVector, cand.vector) : 0,
    coverage: weightedCoverage(q.content, have, idf),
    context: weightedCoverage(q.content, ctx, idf),
    bigram: q.bigrams.size > 0 ? Math.min(1, bi / q.bigrams.size) : 0,
    typeMatch: match ? 1 : 0,
    typeMiss: typed && !match ? 1 : 0,
    novelty: content.length > 0 ? novel / content.length : 0,
  };
}
