import { cosine, extent, type Vector } from '../vectors';
import { sparseDot } from '../text/tfidf';
import { words } from '../text/tokenize';
import { dotw } from '../answer/fit';
import { salienceFeatures } from './features';
import { SUMMARY_HEAD } from './head';

/**
 * Extractive summaries from the liquid stream. Each sentence gets a salience
 *
 *   salience_i = wPos / (1 + i)  +  wLen · lengthPrior_i  +  wContent · (h · f_i)
 *
 * f_i (summary/features.ts): lead prior, relative position, log length, lexical centrality, and two
 * liquid terms, the sentence vector's centrality to the document vector and its degree among the other
 * sentences' vectors (the state carries everything read before each sentence into its vector).
 * h is the content head fitted on SciTLDR-A train (summary/head.ts). wPos / (1 + i) is the news prior:
 * on CNN/DM, writers put the gist first and lead-3 is a baseline unsupervised extractors rarely beat,
 * so position leads: the head displaces a lead sentence only on strong evidence, and it picks the
 * sentences where position says little (deep in a long document, within sections).
 * Sentences are then picked by MMR (Carbonell & Goldstein 1998):
 *
 *   next = argmax_i  λ · salience_i − (1 − λ) · max_{j ∈ picked} sim(i, j)
 *
 * with sim the TF-IDF cosine (optionally also the centred liquid cosine), returned in document order.
 */
export interface SummarySentenceInput {
  text: string;
  start: number;
  end: number;
  page: number;
  /** Section index, or -1. */
  section?: number;
  /** Structure role from libs/ingest; absent = body. Only body and abstract sentences make a summary. */
  role?: string;
}

/** Roles a summary may draw from (issue 14): never front matter, TOC, notes, references, index, boilerplate. */
export const SUMMARY_ROLES: ReadonlySet<string> = new Set(['body', 'abstract']);
export const summarizableRole = (role: string | undefined): boolean => role === undefined || SUMMARY_ROLES.has(role);

/**
 * A document this long (in words) is not news: the lead says little about the whole (SummEval's longest
 * article has 587 words; ScisummNet papers have a median of about 4,000). Above it the position prior is
 * off and the summary is drawn from every part of the document (see `coveragePool`).
 */
export const LONG_DOCUMENT_WORDS = 1500;

export interface SummaryLength {
  /** Number of sentences (default 3). */
  sentences?: number;
  /** Word budget; when set, sentences are added while the total stays within it (the first one always). */
  words?: number;
}

export interface SummaryWeights {
  /** Weight of the news position prior 1 / (1 + i). */
  position: number;
  /** Weight of the fragment / run-on prior. */
  length: number;
  /** Weight of the fitted content head (liquid and lexical evidence). */
  content: number;
  /** The head's weights over SALIENCE_FEATURES. */
  head: readonly number[];
  /** MMR trade-off λ. */
  lambda: number;
  /** Count liquid-vector similarity as redundancy too (off: lexical overlap only). */
  denseRedundancy?: boolean;
  /**
   * Weight of the opening prior exp(−w / openingWords), w = body words before the sentence (front matter,
   * TOC and other non-summary roles do not count): a long document's opening (a paper's introduction, a
   * book's preface) states what it is about, more gently than the news lead.
   */
  opening?: number;
  /** Decay length of the opening prior in words (takes precedence over openingShare). */
  openingWords?: number;
  /** Decay length of the opening prior as a share of the document's summary-role words. */
  openingShare?: number;
  /** Weight of the contribution cue (`contributionCue`: "in this paper we propose", "this book argues"). */
  cue?: number;
  /** Pick among every part's best sentences (`coveragePool`), so the summary covers the whole document. */
  coverage?: boolean;
  /**
   * With coverage: also keep the most salient candidates overall, whatever their part, this many per
   * summary sentence (so a strong opening is never cut to its part's two best).
   */
  coverageTop?: number;
}

/**
 * The head is scaled so one within-document standard deviation of its score weighs 0.25; wContent = 0.5
 * makes that 0.125. wPos = 4.5 puts three such deviations (0.375) between the third and the fourth
 * sentence (4.5/3 − 4.5/4): a lead sentence yields only to strong content evidence. On news nothing we
 * measured picks better than the lead: no variant that departs from lead-3 on SummEval wins significantly
 * more articles than it loses (eval/summary-variants.ts, sign tests), and the previous margin of two
 * deviations (wPos = 3) departed in 5 of 100 articles for 2 wins and 3 losses. The margin was set on that
 * development set; expect lead-3 ± a few thousandths on other news.
 */
export const DEFAULT_SUMMARY_WEIGHTS: SummaryWeights = {
  position: 4.5,
  length: 1,
  content: 0.5,
  head: SUMMARY_HEAD.weights,
  lambda: 0.6,
};

/**
 * The weights for a long document: no news position prior, and the head's position and length columns
 * zeroed (fitted on abstracts, they favour early, short sentences); centrality decides.
 */
export const LONG_DOCUMENT_WEIGHTS: SummaryWeights = {
  ...DEFAULT_SUMMARY_WEIGHTS,
  position: 0,
  head: SUMMARY_HEAD.weights.map((w, i) => (i < 3 ? 0 : w)),
  opening: 0.4,
  openingShare: 0.1,
  cue: 0.05,
  coverage: true,
  coverageTop: 2,
};

/** Weights for a document of `totalWords` words: the news prior below LONG_DOCUMENT_WORDS, none above. */
export function weightsFor(totalWords: number): SummaryWeights {
  return totalWords >= LONG_DOCUMENT_WORDS ? LONG_DOCUMENT_WEIGHTS : DEFAULT_SUMMARY_WEIGHTS;
}

/**
 * Coverage of a long document: the candidates are split into parts (its sections when it has at least
 * `parts` of them, else equal runs of sentences) and only each part's most salient few stay, so MMR
 * picks among the best of every part instead of the best of the first pages (summary of the parts'
 * summaries).
 */
/**
 * The part of each candidate: its section when there are at least `parts` sections, else its equal run of
 * the span the candidates cover (by sentence index, so a subset of the same candidates gets the same parts).
 */
export function coverageParts(
  pool: readonly number[],
  sectionOf: (i: number) => number,
  parts: number,
): (i: number) => number {
  const sections = new Set(pool.map(sectionOf).filter((x) => x >= 0));
  if (sections.size >= parts) return sectionOf;
  const first = pool.reduce((a, i) => Math.min(a, i), Infinity);
  const span = pool.reduce((a, i) => Math.max(a, i), -Infinity) - first + 1;
  return (i: number) => Math.min(parts - 1, Math.floor(((i - first) * parts) / span));
}

/**
 * At most this many summary sentences from one part (section or run) of a long document: an opening
 * that states the argument may give two, never the whole summary.
 */
export const MAX_PER_PART = 2;

/**
 * The per-section cap for MMR, when the candidates come from two sections or more (a chapter is one part
 * however long). A document without sections gets none: an equal run of sentences is no evidence of a
 * distinct part, and on ScisummNet's sectionless papers capping runs cost about .03 ROUGE-2 (0-99).
 */
export function sectionCap(
  pool: readonly number[],
  sectionOf: (i: number) => number,
): { partOf: (i: number) => number; max: number } | undefined {
  const sections = new Set(pool.map(sectionOf).filter((x) => x >= 0));
  return sections.size >= 2 ? { partOf: sectionOf, max: MAX_PER_PART } : undefined;
}

export function coveragePool(
  pool: readonly number[],
  scores: readonly number[],
  sectionOf: (i: number) => number,
  parts: number,
  perPart = 2,
  top = 0,
): number[] {
  if (pool.length <= parts * perPart + top) return [...pool];
  const groupOf = coverageParts(pool, sectionOf, parts);
  const groups = new Map<number, number[]>();
  for (const i of pool) {
    const g = groupOf(i);
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(i);
  }
  const out = new Set<number>();
  for (const list of groups.values())
    for (const i of list.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, perPart)) out.add(i);
  if (top > 0) for (const i of [...pool].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, top)) out.add(i);
  return [...out].sort((a, b) => a - b);
}

export interface SummarySentence {
  /** Index of the sentence in the input. */
  index: number;
  text: string;
  page: number;
  start: number;
  end: number;
  salience: number;
}

function centre(vs: readonly Vector[]): Float32Array[] {
  const dim = vs[0]?.length ?? 0;
  const mu = new Float32Array(dim);
  for (const v of vs) for (let k = 0; k < dim; k++) mu[k]! += v[k]! / vs.length;
  return vs.map((v) => Float32Array.from({ length: dim }, (_, k) => v[k]! - mu[k]!));
}

/** 0 for a typical sentence (8–60 words), negative for fragments and run-ons. */
function lengthPrior(n: number): number {
  if (n < 4) return -2;
  if (n < 8) return -(8 - n) / 4;
  if (n > 60) return -Math.min(2, (n - 60) / 30);
  return 0;
}

export interface SalienceInput {
  texts: readonly string[];
  vectors?: readonly Vector[] | null;
  documentVector?: Vector | null;
  /** Structure role per sentence (absent = body); the opening prior counts only summary-role words. */
  roles?: readonly (string | undefined)[] | null;
}

/**
 * The author saying what the document does: a self-reference ("this paper", "in this book", "the present
 * study") or a first-person statement of contribution or argument ("we propose", "I argue", "our results
 * show"). Argumentative zoning (Teufel & Moens 2002) calls these AIM sentences; an abstract is mostly made
 * of them, and a book's argument is put in them too ("This book argues that …").
 */
const SELF_REFERENCE =
  /\b(in |of )?(this|the present|our) (paper|article|work|study|report|book|chapter|thesis|essay|note|volume)\b/i;
const CONTRIBUTION =
  /\b(we|i) (also |first |further |then )?(propose|present|describe|introduce|argue|show|demonstrate|develop|report|investigate|examine|address|explore|evaluate|offer|suggest|claim|contend|outline|focus|define|apply|extend|compare|find|conclude)[sd]?\b|\bour (approach|method|model|system|results|experiments|contribution|argument|analysis|framework|algorithm|work)\b/i;

export function contributionCue(text: string): number {
  return (SELF_REFERENCE.test(text) ? 1 : 0) + (CONTRIBUTION.test(text) ? 1 : 0);
}

/** exp(−w / scale) with w the summary-role words before each sentence (see SummaryWeights.opening). */
export function openingPrior(
  wordCounts: readonly number[],
  scale: number,
  roles?: readonly (string | undefined)[] | null,
): number[] {
  let before = 0;
  return wordCounts.map((n, i) => {
    const p = Math.exp(-before / scale);
    if (!roles || summarizableRole(roles[i])) before += n;
    return p;
  });
}

/** Salience per sentence (see the module comment), plus what MMR needs for redundancy. */
export function salience(
  input: SalienceInput,
  weights: SummaryWeights = DEFAULT_SUMMARY_WEIGHTS,
): { scores: number[]; similarity: (i: number, j: number) => number; wordCounts: number[] } {
  const feats = salienceFeatures(input);
  const { wordCounts } = feats;
  let opening: number[] | null = null;
  if (weights.opening) {
    const bodyWords = wordCounts.reduce((a, n, i) => a + (!input.roles || summarizableRole(input.roles[i]) ? n : 0), 0);
    const scale = weights.openingWords ?? Math.max(1, (weights.openingShare ?? 0.1) * bodyWords);
    opening = openingPrior(wordCounts, scale, input.roles);
  }
  const cue = weights.cue ?? 0;
  const scores = feats.rows.map(
    (row, i) =>
      weights.position / (1 + i) +
      weights.length * lengthPrior(wordCounts[i]!) +
      weights.content * dotw(weights.head, row) +
      (opening ? weights.opening! * opening[i]! : 0) +
      (cue ? cue * contributionCue(input.texts[i]!) : 0),
  );
  const lex = feats.lexical;
  // Redundancy on centred liquid vectors: every sentence of a document shares a large common
  // component (the document's context rides in the state), which raw cosines would count as overlap.
  const centred = feats.liquid && weights.denseRedundancy ? centre(input.vectors!) : null;
  const similarity = (i: number, j: number): number => {
    const l = sparseDot(lex[i]!, lex[j]!);
    return centred ? Math.max(l, cosine(centred[i]!, centred[j]!)) : l;
  };
  return { scores, similarity, wordCounts };
}

/** Candidates MMR considers at most (the most salient ones). */
export const MMR_POOL = 300;

/** MMR selection over precomputed salience; returns indices in document order. */
export function selectMmr(
  scores: readonly number[],
  similarity: (i: number, j: number) => number,
  length: SummaryLength,
  wordCounts: readonly number[],
  lambda: number,
  candidates?: readonly number[],
  perPart?: { partOf: (i: number) => number; max: number },
): number[] {
  let pool = candidates ? [...candidates] : scores.map((_, i) => i);
  const maxSentences = length.sentences ?? (length.words ? Number.POSITIVE_INFINITY : 3);
  // MMR only needs the head of the salience ranking: a long document (100k sentences) would
  // otherwise cost picks × sentences similarity computations.
  const head = Math.max(MMR_POOL, 4 * (Number.isFinite(maxSentences) ? maxSentences : (length.words ?? 0) / 8));
  if (pool.length > head) {
    pool = pool
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, Math.ceil(head))
      .sort((a, b) => a - b);
  }
  const picked: number[] = [];
  let usedWords = 0;
  let misfits = 0;
  // Scale salience to [0, 1] so λ trades it against a cosine on the same footing.
  const [lo, hi] = extent(pool.map((i) => scores[i]!));
  const scaled = (i: number) => (hi > lo ? (scores[i]! - lo) / (hi - lo) : 1);
  const remaining = new Set(pool);
  const partCount = new Map<number, number>();
  let capped = perPart !== undefined;
  const full = (i: number) => capped && (partCount.get(perPart!.partOf(i)) ?? 0) >= perPart!.max;
  while (picked.length < maxSentences && remaining.size > 0) {
    let best = -1;
    let bestVal = -Infinity;
    for (const i of remaining) {
      if (full(i)) continue;
      let red = 0;
      for (const j of picked) red = Math.max(red, similarity(i, j));
      const val = lambda * scaled(i) - (1 - lambda) * red;
      if (val > bestVal) {
        bestVal = val;
        best = i;
      }
    }
    if (best < 0) {
      // Every part left is full (a document of few sections): fill the rest without the cap.
      if (!capped) break;
      capped = false;
      continue;
    }
    remaining.delete(best);
    if (length.words !== undefined && picked.length > 0 && usedWords + wordCounts[best]! > length.words) {
      // Too long for what is left of the budget: try a few shorter ones, then stop.
      if (++misfits >= 5) break;
      continue;
    }
    picked.push(best);
    if (perPart) partCount.set(perPart.partOf(best), (partCount.get(perPart.partOf(best)) ?? 0) + 1);
    usedWords += wordCounts[best]!;
    if (length.words !== undefined && usedWords >= length.words) break;
  }
  return picked.sort((a, b) => a - b);
}

/** A sentence of running prose: four words or more, ending like a sentence (not a title, byline or heading). */
export function isProse(text: string): boolean {
  return words(text).length >= 4 && /[.!?…]["'”’)\]]*$/.test(text.trim());
}

/**
 * Candidates for a summary: prose sentences when there are enough of them, else sentences of four
 * words or more, else everything (a document of headings still gets a summary).
 */
export function summaryPool(
  texts: readonly string[],
  length: SummaryLength,
  roles?: readonly (string | undefined)[],
): number[] | undefined {
  const need = Math.min(length.sentences ?? 1, texts.length);
  // Body and abstract only, when they hold enough sentences (a document that is all index still gets one).
  const allowed =
    roles && roles.filter(summarizableRole).length >= need ? (i: number) => summarizableRole(roles[i]) : () => true;
  const prose = texts.map((t, i) => (allowed(i) && isProse(t) ? i : -1)).filter((i) => i >= 0);
  if (prose.length >= need) return prose;
  const full = texts.map((t, i) => (allowed(i) && words(t).length >= 4 ? i : -1)).filter((i) => i >= 0);
  return full.length >= need ? full : undefined;
}

export interface SummarizeInput {
  sentences: readonly SummarySentenceInput[];
  /** One liquid vector per sentence (same order), or null to run on lexical evidence alone. */
  vectors?: readonly Vector[] | null;
  documentVector?: Vector | null;
}

export function summarize(
  input: SummarizeInput,
  length: SummaryLength = { sentences: 3 },
  weightsIn?: SummaryWeights,
): SummarySentence[] {
  const texts = input.sentences.map((s) => s.text);
  if (texts.length === 0) return [];
  const totalWords = texts.reduce((a, t) => a + words(t).length, 0);
  const weights = weightsIn ?? weightsFor(totalWords);
  const roles = input.sentences.map((s) => s.role);
  const { scores, similarity, wordCounts } = salience(
    { texts, vectors: input.vectors ?? null, documentVector: input.documentVector ?? null, roles },
    weights,
  );
  let pool = summaryPool(texts, length, roles);
  let perPart: { partOf: (i: number) => number; max: number } | undefined;
  if (weights.coverage && pool) {
    const want = length.sentences ?? Math.ceil((length.words ?? 60) / 8);
    const sectionOf = (i: number) => input.sentences[i]!.section ?? -1;
    const parts = Math.max(want * 2, 6);
    perPart = sectionCap(pool, sectionOf);
    pool = coveragePool(pool, scores, sectionOf, parts, 2, Math.ceil(want * (weights.coverageTop ?? 0)));
  }
  const picked = selectMmr(scores, similarity, length, wordCounts, weights.lambda, pool, perPart);
  return picked.map((i) => {
    const s = input.sentences[i]!;
    return { index: i, text: s.text, page: s.page, start: s.start, end: s.end, salience: scores[i]! };
  });
}

export interface SectionInput {
  title: string;
  start: number;
  end: number;
  page: number;
  /** Structure role; sections outside body, abstract and appendix get no section summary. */
  role?: string;
}

/** Sections that get a section summary (issue 14: none for TOC, notes, index, references, front matter). */
const SECTION_SUMMARY_ROLES: ReadonlySet<string> = new Set(['body', 'abstract', 'appendix']);

export interface SectionSummary {
  section: number;
  title: string;
  page: number;
  sentences: SummarySentence[];
}

/**
 * Per-section summaries for long documents: each section with at least `minSentences` sentences gets
 * its own short summary, salience measured against the section's own centroid (positions restart at
 * the section head, where the section's topic sentence usually is).
 */
export function summarizeSections(
  input: SummarizeInput & { sections: readonly SectionInput[] },
  perSection: SummaryLength = { sentences: 2 },
  minSentences = 4,
  weights: SummaryWeights = DEFAULT_SUMMARY_WEIGHTS,
): SectionSummary[] {
  const out: SectionSummary[] = [];
  input.sections.forEach((sec, si) => {
    if (sec.role !== undefined && !SECTION_SUMMARY_ROLES.has(sec.role)) return;
    const idx: number[] = [];
    input.sentences.forEach((s, i) => {
      const inSection =
        s.section !== undefined && s.section >= 0 ? s.section === si : s.start >= sec.start && s.end <= sec.end;
      if (inSection) idx.push(i);
    });
    if (idx.length < minSentences) return;
    const sub = summarize(
      {
        sentences: idx.map((i) => input.sentences[i]!),
        vectors: input.vectors ? idx.map((i) => input.vectors![i]!) : null,
      },
      perSection,
      weights,
    ).map((s) => ({ ...s, index: idx[s.index]! }));
    out.push({ section: si, title: sec.title, page: sec.page, sentences: sub });
  });
  return out;
}
