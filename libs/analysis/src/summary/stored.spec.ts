import { describe, expect, it } from 'vitest';
import { buildStoredSummary, parseSummaryLength, selectFromSalience } from './stored';

function doc(texts: string[], sectionsAt: number[] = []) {
  let pos = 0;
  const sentences = texts.map((text, i) => {
    const s = { text, start: pos, end: pos + text.length, page: 1 + Math.floor(i / 10), section: -1 };
    pos += text.length + 1;
    return s;
  });
  const sections = sectionsAt.map((i, k) => ({
    title: `Part ${k + 1}`,
    start: sentences[i]!.start,
    end: k + 1 < sectionsAt.length ? sentences[sectionsAt[k + 1]!]!.start : pos,
    page: sentences[i]!.page,
  }));
  sentences.forEach((s) => (s.section = sections.findIndex((x) => s.start >= x.start && s.end <= x.end)));
  return { text: texts.join(' '), sentences, sections, passages: [] };
}

const TOPICS = ['rivers', 'forests', 'cities', 'markets', 'schools'];
const texts = Array.from(
  { length: 50 },
  (_, i) => `Sentence ${i} reports on ${TOPICS[i % 5]} and their ${TOPICS[(i + 2) % 5]} in region ${i % 7}.`,
);

describe('stored summaries', () => {
  it('parses lengths in sentences or words and rejects the rest', () => {
    expect(parseSummaryLength('5')).toEqual({ sentences: 5 });
    expect(parseSummaryLength('120w')).toEqual({ words: 120 });
    expect(parseSummaryLength('7 sentences')).toEqual({ sentences: 7 });
    expect(parseSummaryLength(undefined)).toBeNull();
    for (const bad of ['0', '-3', 'lots', '51', '5000w', '3.5']) expect(parseSummaryLength(bad)).toBeNull();
  });

  it('stores salience for every sentence and per-section summaries for long documents', () => {
    const d = doc(texts, [0, 20, 35]);
    const s = buildStoredSummary(d, null, null);
    expect(s.salience).toHaveLength(50);
    expect(s.sentences).toHaveLength(5);
    expect(s.sections.map((x) => x.title)).toEqual(['Part 1', 'Part 2', 'Part 3']);
    for (const sec of s.sections) for (const x of sec.sentences) expect(d.sentences[x.index]!.text).toBe(x.text);
    expect(buildStoredSummary(doc(texts.slice(0, 10), [0, 5]), null, null).sections).toEqual([]);
  });

  it('re-selects another length from stored salience, consistent with the stored one', () => {
    const d = doc(texts);
    const s = buildStoredSummary(d, null, null);
    expect(selectFromSalience(d, s.salience, { sentences: 5 }).map((x) => x.index)).toEqual(
      s.sentences.map((x) => x.index),
    );
    const three = selectFromSalience(d, s.salience, { sentences: 3 });
    expect(three).toHaveLength(3);
    const byWords = selectFromSalience(d, s.salience, { words: 30 });
    expect(byWords.reduce((n, x) => n + x.text.split(/\s+/).length, 0)).toBeLessThanOrEqual(30);
  });
});
