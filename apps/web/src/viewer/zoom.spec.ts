import { describe, expect, it } from 'vitest';
import { FIT, backingRatio, stepZoom, zoomForKey } from './zoom';

describe('viewer zoom', () => {
  it('steps up and down from fit width, clamped at the ends, from any value', () => {
    expect(stepZoom(FIT, 1)).toBe(1.25);
    expect(stepZoom(FIT, -1)).toBe(0.75);
    expect(stepZoom(4, 1)).toBe(4);
    expect(stepZoom(0.5, -1)).toBe(0.5);
    expect(stepZoom(1.1, 1)).toBe(1.25);
    expect(stepZoom(1.1, -1)).toBe(1);
  });

  it('maps + - 0 to zoom in, out and fit; leaves other and modified keys to the browser', () => {
    expect(zoomForKey('+', 1)).toBe(1.25);
    expect(zoomForKey('=', 1.25)).toBe(1.5);
    expect(zoomForKey('-', 1.5)).toBe(1.25);
    expect(zoomForKey('0', 3)).toBe(FIT);
    expect(zoomForKey('a', 1)).toBeNull();
    expect(zoomForKey('+', 1, { ctrlKey: true })).toBeNull();
    expect(zoomForKey('-', 1, { metaKey: true })).toBeNull();
  });

  it('keeps the device pixel ratio unless the canvas would be too large', () => {
    expect(backingRatio(800, 1000, 2)).toBe(2);
    expect(backingRatio(800, 1000, 0)).toBe(1);
    const r = backingRatio(4000, 5000, 2);
    expect(r).toBeLessThan(2);
    expect(4000 * r * 5000 * r).toBeLessThanOrEqual(16_000_000 + 1);
  });
});
