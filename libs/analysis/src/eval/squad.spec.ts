import { describe, expect, it } from 'vitest';
import { sampleArticles } from './squad';

const file = {
  data: Array.from({ length: 20 }, (_, i) => ({
    title: `a${i}`,
    paragraphs: [{ context: `Article ${i}.`, qas: [] }],
  })),
};
const titles = (f: { data: { title?: string }[] }) => f.data.map((a) => a.title);

describe('sampleArticles', () => {
  it('keeps n articles in file order, the same for the same seed, nested as n grows', () => {
    const five = sampleArticles(file, 5, 1);
    expect(five.data).toHaveLength(5);
    expect(titles(sampleArticles(file, 5, 1))).toEqual(titles(five));
    const order = titles(five).map((t) => Number(t!.slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // A larger sample of the same seed contains the smaller one (vector caches stay useful).
    const ten = new Set(titles(sampleArticles(file, 10, 1)));
    expect(titles(five).every((t) => ten.has(t))).toBe(true);
    expect(titles(sampleArticles(file, 5, 2))).not.toEqual(titles(five));
    expect(sampleArticles(file, 50, 1)).toBe(file);
  });
});
