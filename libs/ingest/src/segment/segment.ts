import type { HeadingMark } from '../builder';
import type { PageSpan, Passage, Section, Sentence, SegmentOptions } from '../types';
import { splitSentences } from './sentences';

/**
 * Sections, sentences and passages over finished document text. Every unit's `[start, end)`
 * indexes `text`, and `text.slice(start, end) === unit.text`.
 */
export interface SegmentInput {
  text: string;
  pages: PageSpan[];
  headings: HeadingMark[];
  softLineBreaks: boolean;
  options: SegmentOptions;
}

export interface Segmented {
  sections: Section[];
  sentences: Sentence[];
  passages: Passage[];
}

export const MAX_SENTENCE_CHARS = 1200;

export function segment(input: SegmentInput): Segmented {
  const { text, pages } = input;
  const sections = buildSections(input.headings, text.length);
  const ranges = splitSentences(text, { softLineBreaks: input.softLineBreaks, maxChars: MAX_SENTENCE_CHARS });
  const sentences: Sentence[] = [];
  let sec = -1;
  for (const r of ranges) {
    // Sections are sorted by start; the innermost one containing r.start is the last started one
    // whose end is still ahead.
    while (sec + 1 < sections.length && sections[sec + 1]!.start <= r.start) sec++;
    let s = sec;
    while (s >= 0 && sections[s]!.end <= r.start) s--;
    sentences.push({
      index: sentences.length,
      start: r.start,
      end: r.end,
      page: pageAt(pages, r.start),
      text: text.slice(r.start, r.end),
      section: s,
    });
  }
  const passages = buildPassages(text, sentences, pages, input.options);
  return { sections, sentences, passages };
}

/** A section runs from its heading to the next heading at the same or a higher level. */
export function buildSections(headings: HeadingMark[], textLength: number): Section[] {
  const sorted = [...headings].sort((a, b) => a.start - b.start);
  return sorted.map((h, i) => {
    let end = textLength;
    for (let j = i + 1; j < sorted.length; j++) {
      if (sorted[j]!.level <= h.level) {
        end = sorted[j]!.start;
        break;
      }
    }
    return { title: h.title, level: h.level, start: h.start, end, page: h.page };
  });
}

/**
 * 1-based page that contains offset `pos`: the last page starting at or before it. Empty pages
 * have zero-length spans at the end of the previous text, so ties resolve to the page with text.
 */
export function pageAt(pages: PageSpan[], pos: number): number {
  if (pages.length === 0) return 1;
  let lo = 0;
  let hi = pages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pages[mid]!.start <= pos) lo = mid;
    else hi = mid - 1;
  }
  return pages[lo]!.number;
}

export function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space =
      c <= 0x20 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/**
 * Greedy passages: sentences accumulate until the passage reaches `passageWords`; the next passage
 * starts `passageOverlapSentences` sentences back (always making progress). A new section starts a
 * new passage once the current one holds at least a quarter of the target, so passages rarely
 * straddle headings without producing fragments.
 */
export function buildPassages(text: string, sentences: Sentence[], pages: PageSpan[], opts: SegmentOptions): Passage[] {
  const target = Math.max(1, Math.floor(opts.passageWords));
  const overlap = Math.max(0, Math.floor(opts.passageOverlapSentences));
  const words = sentences.map((s) => countWords(s.text));
  const passages: Passage[] = [];
  let i = 0;
  while (i < sentences.length) {
    let j = i;
    let n = 0;
    while (j < sentences.length) {
      if (j > i && sentences[j]!.section !== sentences[j - 1]!.section && n >= target / 4) break;
      n += words[j]!;
      j++;
      if (n >= target) break;
    }
    const first = sentences[i]!;
    const last = sentences[j - 1]!;
    passages.push({
      index: passages.length,
      start: first.start,
      end: last.end,
      pageStart: first.page,
      pageEnd: pageAt(pages, Math.max(last.start, last.end - 1)),
      text: text.slice(first.start, last.end),
      sentenceStart: i,
      sentenceEnd: j,
    });
    if (j >= sentences.length) break;
    i = Math.max(i + 1, j - overlap);
  }
  return passages;
}
