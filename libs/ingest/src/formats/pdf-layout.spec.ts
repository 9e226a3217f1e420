import { describe, expect, it } from 'vitest';
import { layoutPage, type RawItem } from './pdf-layout';

const item = (str: string, x: number, y: number, size = 10): RawItem => ({
  str,
  transform: [size, 0, 0, size, x, y],
  width: str.length * size * 0.5,
  height: size,
});

describe('layoutPage', () => {
  it('orders lines top-down and inserts spaces at word gaps only', () => {
    const lines = layoutPage(
      [item('world', 130, 700), item('Hello', 100, 700), item('Next', 100, 686), item('line', 125, 686)],
      612,
    );
    expect(lines.map((l) => l.text)).toEqual(['Hello world', 'Next line']);
  });

  it('folds ligatures (NFKC) and attaches a footnote mark to its line', () => {
    const lines = layoutPage(
      [item('The ﬁnal word', 100, 700), item('1', 165.5, 704, 6), item('Below.', 100, 686)],
      612,
    );
    expect(lines.map((l) => l.text)).toEqual(['The final word1', 'Below.']);
  });

  it('handles pathological pages (200k items, one baseline) without blowing the stack', () => {
    const items = Array.from({ length: 200_000 }, (_, i) => item('x', 50 + (i % 1000) * 0.5, 400));
    const lines = layoutPage(items, 612);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0)).toBeGreaterThan(0);
  });
});
