import { describe, expect, it } from 'vitest';
import { lcsLength, rouge, rougeMulti } from './rouge';

describe('rouge', () => {
  it('is 1 for identical text and 0 for disjoint text', () => {
    expect(rouge('The cat sat on the mat.', 'the cat sat on the mat')).toEqual({ rouge1: 1, rouge2: 1, rougeL: 1 });
    expect(rouge('alpha beta', 'gamma delta')).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0 });
  });

  it('matches a hand computation', () => {
    // cand: the cat was found under the bed (7); ref: the cat was under the bed (6)
    const r = rouge('the cat was found under the bed', 'the cat was under the bed');
    // unigram overlap 6: P 6/7, R 6/6
    expect(r.rouge1).toBeCloseTo((2 * (6 / 7) * 1) / (6 / 7 + 1), 6);
    // bigrams: cand 6, ref 5, overlap 4 (the cat, cat was, under the, the bed)
    expect(r.rouge2).toBeCloseTo((2 * (4 / 6) * (4 / 5)) / (4 / 6 + 4 / 5), 6);
    expect(r.rougeL).toBeCloseTo(r.rouge1, 6); // LCS = 6
  });

  it('stems before matching', () => expect(rouge('running dogs', 'the dog runs').rouge1).toBeGreaterThan(0.7));

  it('takes the best reference per measure', () => {
    const m = rougeMulti('storm hits the coast', ['markets fell', 'a storm hits the coast']);
    expect(m.rouge1).toBeCloseTo(rouge('storm hits the coast', 'a storm hits the coast').rouge1, 9);
  });

  it('computes LCS length', () => expect(lcsLength(['a', 'b', 'c', 'd'], ['b', 'd', 'a'])).toBe(2));
});
