import { describe, expect, it } from 'vitest';
import { parseDocument } from '@elegans/ingest';
import { buildStoredSummary } from './stored';
import { LONG_DOCUMENT_WORDS, summarize } from './summarize';

const topics = ['rivers', 'markets', 'proteins', 'contracts', 'engines', 'forests', 'ledgers', 'vaccines'];

/** A long markdown book: a licence notice, a TOC, eight body chapters on different topics, notes and an index. */
function book(): string {
  const chapter = (t: string, c: number) =>
    Array.from(
      { length: 14 },
      (_, i) => `In chapter ${c} the ${t} argument develops point ${i} with care, because ${t} shape what follows.`,
    ).join(' ');
  return [
    'This PDF version is licensed under a Creative Commons license. Some rights reserved.',
    '',
    '# Contents',
    '',
    ...topics.flatMap((t, c) => [`Chapter ${c + 1}: ${t} ........ ${c * 20 + 1}`, '']),
    ...topics.flatMap((t, c) => [`# Chapter ${c + 1}: ${t}`, '', chapter(t, c + 1), '']),
    '# Notes',
    '',
    ...Array.from({ length: 12 }, (_, i) => [
      `${i + 1}. See Smith, The ${topics[i % 8]} Papers, ${40 + i} (1999).`,
      '',
    ]).flat(),
    '# Index',
    '',
    ...topics.flatMap((t, c) => [`${t}, ${c + 3}, ${c + 40}-${c + 44}`, '']),
  ].join('\n');
}

describe('summaries of long documents (issue 14)', () => {
  it('draw only from the body, cover the whole book, and give no section summaries to TOC, notes or index', async () => {
    const doc = await parseDocument(new TextEncoder().encode(book()), { format: 'markdown' });
    const words = doc.sentences.reduce((a, s) => a + s.text.split(/\s+/).length, 0);
    expect(words).toBeGreaterThan(LONG_DOCUMENT_WORDS);
    const stored = buildStoredSummary(doc, null, null, { sentences: 5 });
    expect(stored.sentences).toHaveLength(5);
    for (const s of stored.sentences) expect(s.role).toBe('body');
    // Coverage: the five sentences come from at least four different chapters, not the first pages.
    const chapters = new Set(stored.sentences.map((s) => /chapter (\d)/.exec(s.text)?.[1]));
    expect(chapters.size).toBeGreaterThanOrEqual(4);
    const titles = stored.sections.map((s) => s.title);
    expect(titles).not.toContain('Contents');
    expect(titles).not.toContain('Notes');
    expect(titles).not.toContain('Index');
    expect(titles.filter((t) => t.startsWith('Chapter'))).toHaveLength(8);
  });

  it('keeps the lead on a short news-length text', () => {
    const texts = Array.from({ length: 12 }, (_, i) => `Sentence ${i} reports a fact about the storm and the town.`);
    let at = 0;
    const sentences = texts.map((text) => ({
      text,
      start: (at += text.length + 1) - text.length - 1,
      end: at - 1,
      page: 1,
    }));
    expect(summarize({ sentences }, { sentences: 3 }).map((s) => s.index)).toEqual([0, 1, 2]);
  });
});
