import { describe, expect, it } from 'vitest';
import { parseSciTldr } from './scitldr';

describe('parseSciTldr', () => {
  it('keeps the source split, with offsets into the joined text, and skips unusable records', () => {
    const jsonl = [
      JSON.stringify({ source: ['We study X.', 'It works.'], target: ['X works.', ' '] }),
      JSON.stringify({ source: ['Only one sentence.'], target: 'tldr' }),
      JSON.stringify({ source: ['A b.', 'C d.'], target: [] }),
      '',
    ].join('\n');
    const [e, ...rest] = parseSciTldr(jsonl);
    expect(rest).toHaveLength(0);
    expect(e!.targets).toEqual(['X works.']);
    expect(e!.text).toBe('We study X. It works.');
    expect(e!.sentences.map((s) => e!.text.slice(s.start, s.end))).toEqual(['We study X.', 'It works.']);
  });

  it('names the line of a record without sentences', () => {
    expect(() => parseSciTldr(`${JSON.stringify({ source: ['a.', 'b.'], target: 'c' })}\n{"target":"x"}`)).toThrow(
      /line 2/,
    );
  });
});
