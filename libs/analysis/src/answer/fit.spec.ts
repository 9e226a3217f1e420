import { describe, expect, it } from 'vitest';
import { auroc, fitLogistic, fitRanker, predictLogistic } from './fit';

describe('fit', () => {
  it('auroc: perfect, inverted, ties', () => {
    expect(auroc([0.1, 0.4, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.1], [0, 0, 1])).toBe(0);
    expect(auroc([0.5, 0.5], [0, 1])).toBe(0.5);
  });

  it('logistic regression separates a noisy linear rule, whatever the feature scale', () => {
    const xs: number[][] = [];
    const ys: number[] = [];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      const a = rnd();
      const b = rnd() * 100;
      xs.push([a, b]);
      ys.push(a * 2 + b / 100 > 1.5 ? 1 : 0);
    }
    const w = fitLogistic(xs, ys, 1e-4, 800, 1);
    const p = xs.map((x) => predictLogistic(w, x));
    expect(auroc(p, ys as (0 | 1)[])).toBeGreaterThan(0.97);
  });

  it('a prior holds the weights the data does not contradict, and strong L2 keeps them at the prior', () => {
    const xs: number[][] = [];
    const ys: number[] = [];
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      const a = rnd();
      xs.push([a, 0.5]); // the second feature never varies: the data says nothing about it
      ys.push(a > 0.5 ? 1 : 0);
    }
    const prior = [1, 3, -2];
    const free = fitLogistic(xs, ys, 1e-3, 400, 1);
    const held = fitLogistic(xs, ys, 1e-3, 400, 1, prior);
    expect(held[0]!).toBeGreaterThan(4); // learns the informative feature either way
    expect(held[1]!).toBeCloseTo(3, 6); // keeps the prior where the data is silent
    expect(free[1]!).toBeCloseTo(0, 6);
    const stiff = fitLogistic(xs, ys, 1e3, 400, 0.0005, prior);
    expect(stiff[0]!).toBeCloseTo(1, 1);
  });

  it('ranker learns which feature marks the gold candidate', () => {
    const examples = Array.from({ length: 50 }, (_, i) => {
      const gold = i % 4;
      const rows = [0, 1, 2, 3].map((k) => [k === gold ? 1 : 0.2, (k * 7 + i) % 3]);
      return { rows, gold: [gold] };
    });
    const w = fitRanker(examples, 2);
    expect(w[0]!).toBeGreaterThan(1);
    expect(Math.abs(w[1]!)).toBeLessThan(w[0]!);
  });
});
