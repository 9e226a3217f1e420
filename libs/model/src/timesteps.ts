import type { ParsedDocument } from '@elegans/ingest';
import type { TimestepConfig } from './manifest';

/** The structural unit a sentence opens; its first token's elapsed time grows with the unit. */
export type Boundary = 'sentence' | 'paragraph' | 'page';

export interface SentenceInput {
  text: string;
  /** What this sentence opens (default 'sentence'); the first sentence of a document opens a page. */
  boundary?: Boundary;
}

/**
 * ts for a run of tokens that opens a unit: ts[boundary] on the first token, ts.token on the rest
 * ("the elapsed time before each token"; the largest boundary wins).
 */
export function timestepsFor(count: number, boundary: Boundary | 'token', ts: TimestepConfig): Float32Array {
  const out = new Float32Array(count).fill(ts.token);
  if (count > 0) out[0] = ts[boundary];
  return out;
}

const BLANK_LINE = /\n[^\S\n]*\n/;

/**
 * Sentences of a parsed document with their boundaries: the first sentence on a page opens a page;
 * one preceded by a blank line, or by the start of a section, opens a paragraph.
 */
export function documentSentences(doc: ParsedDocument): SentenceInput[] {
  const sectionStarts = doc.sections.map((s) => s.start).sort((a, b) => a - b);
  let next = 0; // first section start not yet passed
  let lastPage = -1;
  let prevEnd = 0;
  return doc.sentences.map((s, i) => {
    let sectionOpens = false;
    while (next < sectionStarts.length && sectionStarts[next]! <= s.start) {
      if (sectionStarts[next]! >= prevEnd) sectionOpens = true;
      next++;
    }
    let boundary: Boundary = 'sentence';
    if (i === 0 || s.page !== lastPage) boundary = 'page';
    else if (sectionOpens || BLANK_LINE.test(doc.text.slice(prevEnd, s.start))) boundary = 'paragraph';
    lastPage = s.page;
    prevEnd = s.end;
    return { text: s.text, boundary };
  });
}
