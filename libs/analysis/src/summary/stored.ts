import type { AnalyzableDocument } from '../analyze';
import type { DocumentVectors } from '../embedder';
import { sparseDot, tfidfVectors } from '../text/tfidf';
import { words } from '../text/tokenize';
import {
  DEFAULT_SUMMARY_WEIGHTS,
  salience,
  selectMmr,
  summarizableRole,
  weightsFor,
  coveragePool,
  sectionCap,
  summarizeSections,
  isProse,
  MMR_POOL,
  type SectionSummary,
  type SummaryLength,
} from './summarize';

/**
 * The summary a pipeline stores per document: the default-length summary, per-section summaries for
 * long documents, and every sentence's salience, so that another length is an MMR re-selection over
 * stored numbers (no model call at request time).
 */
export interface StoredSummary {
  version: 1;
  model: string | null;
  length: SummaryLength;
  sentences: SummaryCitation[];
  sections: { title: string; page: number; role?: string; sentences: SummaryCitation[] }[];
  /** Salience per document sentence (rounded), same order as the parsed sentences. */
  salience: number[];
}

export interface SummaryCitation {
  index: number;
  text: string;
  page: number;
  start: number;
  end: number;
  /** Structure role of the sentence (body or abstract for summary sentences); absent for old parses. */
  role?: string;
}

export const DEFAULT_SUMMARY_LENGTH: SummaryLength = { sentences: 5 };
export const SECTION_SUMMARY_MIN_SENTENCES = 40;

function cite(doc: AnalyzableDocument, i: number): SummaryCitation {
  const s = doc.sentences[i]!;
  return { index: i, text: s.text, page: s.page, start: s.start, end: s.end, ...(s.role ? { role: s.role } : {}) };
}

/**
 * Picks sentences for `length` from stored salience, with lexical (TF-IDF) redundancy for MMR. Only the
 * most salient candidates are tokenised, so a request on a 100k-sentence document stays cheap.
 */
export function selectFromSalience(
  doc: AnalyzableDocument,
  scores: readonly number[],
  length: SummaryLength,
): SummaryCitation[] {
  const n = doc.sentences.length;
  if (n === 0) return [];
  const want = length.sentences ?? Math.ceil((length.words ?? 60) / 8);
  const headSize = Math.max(MMR_POOL, 4 * want);
  // Body and abstract only (issue 14), when they hold enough sentences; absent roles read as body.
  const allowedCount = doc.sentences.filter((s) => summarizableRole(s.role)).length;
  const roleOk =
    allowedCount >= Math.min(want, n) ? (i: number) => summarizableRole(doc.sentences[i]!.role) : () => true;
  const isCandidate = (i: number) => roleOk(i) && words(doc.sentences[i]!.text).length >= 4;
  // Most salient first; prose preferred as in summarize(), then any sentence of 4+ words, then anything.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const pick = (ok: (i: number) => boolean) => {
    const out: number[] = [];
    for (const i of order) {
      if (ok(i)) out.push(i);
      if (out.length >= headSize) break;
    }
    return out;
  };
  let head = pick((i) => roleOk(i) && isProse(doc.sentences[i]!.text));
  if (head.length < Math.min(want, n)) head = pick(isCandidate);
  if (head.length < Math.min(want, n)) head = pick(() => true);
  head.sort((a, b) => a - b);
  const totalWords = doc.sentences.reduce((a, s) => a + words(s.text).length, 0);
  // A long document: the best of every section (or part), so the summary covers the whole of it.
  const weights = weightsFor(totalWords);
  let perPart: { partOf: (i: number) => number; max: number } | undefined;
  if (weights.coverage) {
    const sectionOf = (i: number) => doc.sentences[i]!.section;
    const parts = Math.max(want * 2, 6);
    perPart = sectionCap(head, sectionOf);
    head = coveragePool(head, scores, sectionOf, parts, 2, Math.ceil(want * (weights.coverageTop ?? 0)));
  }
  const lex = tfidfVectors(head.map((i) => doc.sentences[i]!.text));
  const slot = new Map(head.map((i, k) => [i, k]));
  const wc = new Array<number>(n).fill(0);
  for (const i of head) wc[i] = words(doc.sentences[i]!.text).length;
  const picked = selectMmr(
    scores,
    (i, j) => sparseDot(lex[slot.get(i)!]!, lex[slot.get(j)!]!),
    length,
    wc,
    DEFAULT_SUMMARY_WEIGHTS.lambda,
    head,
    perPart,
  );
  return picked.map((i) => cite(doc, i));
}

export function buildStoredSummary(
  doc: AnalyzableDocument,
  vectors: DocumentVectors | null,
  model: string | null,
  length: SummaryLength = DEFAULT_SUMMARY_LENGTH,
): StoredSummary {
  const texts = doc.sentences.map((s) => s.text);
  const totalWords = texts.reduce((a, t) => a + words(t).length, 0);
  const { scores } = salience(
    {
      texts,
      vectors: vectors?.sentences ?? null,
      documentVector: vectors?.document ?? null,
      roles: doc.sentences.map((s) => s.role),
    },
    weightsFor(totalWords),
  );
  const sections: SectionSummary[] =
    doc.sections.length >= 2 && doc.sentences.length >= SECTION_SUMMARY_MIN_SENTENCES
      ? summarizeSections({ sentences: doc.sentences, vectors: vectors?.sentences ?? null, sections: doc.sections })
      : [];
  return {
    version: 1,
    model,
    length,
    sentences: selectFromSalience(doc, scores, length),
    sections: sections.map((s) => ({
      title: s.title,
      page: s.page,
      ...(doc.sections[s.section]?.role ? { role: doc.sections[s.section]!.role } : {}),
      sentences: s.sentences.map((x) => cite(doc, x.index)),
    })),
    salience: scores.map((x) => Math.round(x * 1e4) / 1e4),
  };
}

/** Parses a `length` request value: "5" (sentences) or "120w" (words). Null when malformed. */
export function parseSummaryLength(
  value: string | undefined,
  max = { sentences: 50, words: 2000 },
): SummaryLength | null {
  if (value === undefined || value === '') return null;
  const m = /^(\d{1,5})\s*(w|words?|s|sentences?)?$/i.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const isWords = m[2] !== undefined && m[2].toLowerCase().startsWith('w');
  if (n < 1 || n > (isWords ? max.words : max.sentences)) return null;
  return isWords ? { words: n } : { sentences: n };
}
