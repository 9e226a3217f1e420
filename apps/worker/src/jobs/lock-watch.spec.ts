import { describe, expect, it } from 'vitest';
import { LockWatch } from './lock-watch';

describe('LockWatch', () => {
  it('marks runs started before the loss as lost, not runs started after it', async () => {
    const w = new LockWatch();
    const oldRun = performance.now();
    expect(w.isLost('j1', oldRun)).toBe(false);
    await new Promise((r) => setTimeout(r, 2));
    w.lost(['j1']);
    await new Promise((r) => setTimeout(r, 2));
    const newRun = performance.now();
    expect(w.isLost('j1', oldRun)).toBe(true);
    expect(w.isLost('j1', newRun)).toBe(false);
    expect(w.isLost('j2', oldRun)).toBe(false);
    w.forget('j1', newRun); // the new run ending does not erase the old run's loss
    expect(w.isLost('j1', oldRun)).toBe(true);
    w.forget('j1', oldRun); // the old run ending does
    expect(w.isLost('j1', oldRun)).toBe(false);
  });
});
