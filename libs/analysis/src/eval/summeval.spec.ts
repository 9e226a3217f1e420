import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from './summeval';

describe('pairedBootstrap', () => {
  it('is deterministic and brackets the mean', () => {
    const diffs = Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? 0.05 : i % 5 === 0 ? -0.04 : 0));
    const a = pairedBootstrap(diffs);
    expect(pairedBootstrap(diffs)).toEqual(a);
    expect(a.ci95[0]).toBeLessThanOrEqual(a.mean);
    expect(a.ci95[1]).toBeGreaterThanOrEqual(a.mean);
    expect(a.ci95[0]).toBeLessThan(0); // a handful of documents either way: the interval spans 0
    expect(a.ci95[1]).toBeGreaterThan(0);
  });

  it('separates a consistent gain from zero, and collapses for no difference', () => {
    const gain = pairedBootstrap(Array.from({ length: 50 }, (_, i) => 0.01 + (i % 3) * 0.005));
    expect(gain.ci95[0]).toBeGreaterThan(0);
    expect(pairedBootstrap(new Array<number>(30).fill(0))).toEqual({ mean: 0, ci95: [0, 0] });
    expect(pairedBootstrap([])).toEqual({ mean: 0, ci95: [0, 0] });
  });
});
