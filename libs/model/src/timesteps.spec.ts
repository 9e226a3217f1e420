import type { ParsedDocument } from '@elegans/ingest';
import { describe, expect, it } from 'vitest';
import { documentSentences, timestepsFor } from './timesteps';

const TS = { token: 1, sentence: 2, paragraph: 4, page: 8 };

describe('timesteps', () => {
  it('gives the boundary time to the first token only', () => {
    expect(Array.from(timestepsFor(3, 'paragraph', TS))).toEqual([4, 1, 1]);
    expect(Array.from(timestepsFor(1, 'token', TS))).toEqual([1]);
    expect(timestepsFor(0, 'page', TS)).toHaveLength(0);
  });

  it('derives page, paragraph and sentence boundaries from a parsed document', () => {
    const text = 'Title\n\nOne. Two.\n\nThree. Four.';
    const at = (s: string) => text.indexOf(s);
    const sent = (t: string, page: number, index: number) => ({
      index,
      start: at(t),
      end: at(t) + t.length,
      page,
      text: t,
      section: 0,
    });
    const doc = {
      text,
      pages: [],
      sections: [{ title: 'Title', level: 1, start: 0, end: text.length, page: 1 }],
      sentences: [
        sent('Title', 1, 0),
        sent('One.', 1, 1),
        sent('Two.', 1, 2),
        sent('Three.', 1, 3),
        sent('Four.', 2, 4),
      ],
      passages: [],
      meta: {} as ParsedDocument['meta'],
      flags: [],
    } as ParsedDocument;
    expect(documentSentences(doc).map((s) => s.boundary)).toEqual([
      'page',
      'paragraph',
      'sentence',
      'paragraph',
      'page',
    ]);
  });
});
