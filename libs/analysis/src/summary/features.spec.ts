import { describe, expect, it } from 'vitest';
import { cosine } from '../vectors';
import { SALIENCE_FEATURES, salienceFeatures, zscore } from './features';

const texts = [
  'The reactor was shut down after a coolant leak on Monday.',
  'Engineers found a cracked valve in the secondary coolant loop.',
  'The plant had passed its last inspection in March.',
  'A spokesperson said the leak posed no risk to the public.',
];

describe('salienceFeatures', () => {
  it('has one column per named feature, and zero liquid columns without vectors', () => {
    const f = salienceFeatures({ texts });
    expect(f.liquid).toBe(false);
    expect(f.rows).toHaveLength(4);
    for (const r of f.rows) {
      expect(r).toHaveLength(SALIENCE_FEATURES.length);
      expect(r[4]).toBe(0);
      expect(r[5]).toBe(0);
    }
    expect(f.rows[0]![0]).toBe(1);
    expect(f.rows[3]![1]).toBe(1);
  });

  it('computes the centred liquid degree in linear time equal to the pairwise definition', () => {
    const vectors = [
      [0.9, 0.1, 0.3],
      [0.8, 0.2, 0.1],
      [0.1, 0.9, 0.4],
      [0.7, 0.3, 0.2],
    ];
    const f = salienceFeatures({ texts, vectors, documentVector: [0.7, 0.4, 0.3] });
    const mu = [0, 1, 2].map((k) => vectors.reduce((a, v) => a + v[k]! / 4, 0));
    const c = vectors.map((v) => v.map((x, k) => x - mu[k]!));
    const pairwise = c.map((a, i) => c.reduce((s, b, j) => (i === j ? s : s + cosine(a, b)), 0));
    const expected = zscore(pairwise);
    f.rows.forEach((r, i) => expect(r[5]).toBeCloseTo(expected[i]!, 9));
    // the outlier (vector 2) is the least central by both liquid measures
    const minBy = (k: number) => f.rows.reduce((b, r, i) => (r[k]! < f.rows[b]![k]! ? i : b), 0);
    expect(minBy(4)).toBe(2);
    expect(minBy(5)).toBe(2);
  });
});
