import { describe, expect, it } from 'vitest';
import { parseDocument } from '@elegans/ingest';
import { buildStoredSummary } from './stored';
import { withoutRole } from '../eval/long';
import {
  contributionCue,
  LONG_DOCUMENT_WEIGHTS,
  LONG_DOCUMENT_WORDS,
  openingPrior,
  salience,
  selectMmr,
  summarize,
} from './summarize';

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
    // Coverage: the five sentences come from at least three different chapters, not the first pages; the
    // opening chapter (where a book states its argument) may give two of them, never more.
    const chapters = stored.sentences.map((s) => /chapter (\d)/.exec(s.text)?.[1]);
    expect(new Set(chapters).size).toBeGreaterThanOrEqual(3);
    expect(chapters.filter((c) => c === '1').length).toBeGreaterThanOrEqual(1);
    expect(chapters.filter((c) => c === '1').length).toBeLessThanOrEqual(2);
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

describe('the opening of a long document and its contribution statements', () => {
  it('reads contribution cues: self-reference and first-person statements of what the work does', () => {
    expect(contributionCue('In this paper we propose a tagger based on Markov models.')).toBe(2);
    expect(contributionCue('This book argues that culture is being locked down.')).toBe(1);
    expect(contributionCue('We present results on two corpora.')).toBe(1);
    expect(contributionCue('The tagger assigns a tag to each token in the input.')).toBe(0);
    expect(contributionCue('Weather presents problems for the harvest.')).toBe(0);
  });

  it('decays the opening prior over body words only (front matter and TOC do not count)', () => {
    const p = openingPrior([10, 10, 10], 10, ['front_matter', 'body', 'body']);
    expect(p[0]).toBeCloseTo(1);
    expect(p[1]).toBeCloseTo(1);
    expect(p[2]).toBeCloseTo(Math.exp(-1));
  });

  it('leads a long paper with its contribution statement rather than an equally central sentence later on', () => {
    // Varied filler: each sentence draws three words from a small vocabulary (a fixed pseudo-random walk).
    const vocab =
      'corpus tokens tags words counts errors runs tables models data rates trigram tagger smoothing tagging'.split(
        ' ',
      );
    let seed = 7;
    const draw = () => vocab[(seed = (seed * 1103515245 + 12345) % 2147483648) % vocab.length]!;
    const filler = (_t: string, n: number) =>
      Array.from({ length: n }, (_, i) => `Run ${i} measured the ${draw()} and the ${draw()} of the ${draw()} again.`);
    const statement = 'In this paper we propose a trigram tagger with smoothing for part-of-speech tagging.';
    const later = 'The trigram tagger with smoothing gives the best part-of-speech tagging of all runs.';
    const texts = [
      'Many language processing systems start from the words of a text.',
      statement,
      ...filler('tagging', 60),
      ...filler('smoothing', 30),
      later,
      ...filler('smoothing', 30),
      ...filler('tagger', 60),
    ];
    expect(texts.join(' ').split(/\s+/).length).toBeGreaterThan(LONG_DOCUMENT_WORDS);
    const at1 = texts.indexOf(later);
    // Without the opening prior and the cue, the later sentence is at least as salient; with them the
    // statement clearly leads it.
    const flat = salience({ texts }, { ...LONG_DOCUMENT_WEIGHTS, opening: 0, cue: 0 }).scores;
    expect(flat[at1]!).toBeGreaterThanOrEqual(flat[1]!);
    const shipped = salience({ texts }, LONG_DOCUMENT_WEIGHTS).scores;
    expect(shipped[1]! - shipped[at1]!).toBeGreaterThan(0.3);
  });
});

describe('withoutRole', () => {
  it('drops the role from sentences and re-indexes passages over what remains', () => {
    const s = (text: string, role?: string) => ({
      text,
      start: 0,
      end: 0,
      page: 1,
      section: 0,
      ...(role ? { role } : {}),
    });
    const doc = {
      text: '',
      sentences: [s('a', 'abstract'), s('b', 'abstract'), s('c'), s('d'), s('e')],
      passages: [
        { start: 0, end: 0, pageStart: 1, text: '', sentenceStart: 0, sentenceEnd: 2 },
        { start: 0, end: 0, pageStart: 1, text: '', sentenceStart: 1, sentenceEnd: 4 },
        { start: 0, end: 0, pageStart: 1, text: '', sentenceStart: 4, sentenceEnd: 5 },
      ],
      sections: [],
    };
    const out = withoutRole(doc, 'abstract');
    expect(out.sentences.map((x) => x.text)).toEqual(['c', 'd', 'e']);
    expect(out.passages.map((p) => [p.sentenceStart, p.sentenceEnd])).toEqual([
      [0, 2],
      [2, 3],
    ]);
  });
});

describe('the per-section cap', () => {
  it('keeps at most two sentences per section, and fills up without it when sections run out', () => {
    const scores = [5, 4, 3, 2, 1, 0];
    const sim = () => 0;
    const wc = scores.map(() => 10);
    const partOf = (i: number) => (i < 4 ? 0 : 1);
    expect(selectMmr(scores, sim, { sentences: 3 }, wc, 0.6, undefined, { partOf, max: 2 })).toEqual([0, 1, 4]);
    expect(selectMmr(scores, sim, { sentences: 5 }, wc, 0.6, undefined, { partOf, max: 2 })).toEqual([0, 1, 2, 4, 5]);
  });
});
