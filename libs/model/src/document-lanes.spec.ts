import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLanes } from './document-lanes';
import { LiquidModel, type DocumentCheckpoint } from './liquid-model';
import { dot } from './pooling';
import type { SentenceInput } from './timesteps';

// A real text that ships with the repository: the project's own docs, one sentence per line-ish unit.
const ROOT = join(__dirname, '..', '..', '..');
const TEXT = ['docs/ARCHITECTURE.md', 'libs/model/README.md', 'README.md']
  .map((f) => readFileSync(join(ROOT, f), 'utf8'))
  .join('\n\n');
const SENTENCES: SentenceInput[] = TEXT.split(/(?<=[.!?])\s+|\n\s*\n/)
  .map((t) => t.trim())
  .filter((t) => t.length > 0)
  .map((text, i) => ({ text, boundary: i % 7 === 0 ? 'paragraph' : 'sentence' }));
const PASSAGES = Array.from({ length: Math.ceil(SENTENCES.length / 5) }, (_, i) => ({
  sentenceStart: i * 5,
  sentenceEnd: Math.min(SENTENCES.length, i * 5 + 5),
}));

let model: LiquidModel;
beforeAll(async () => {
  model = await LiquidModel.load({ intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model.release();
});

function minCos(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let m = 1;
  a.forEach((v, i) => {
    if (v.some((x) => x !== 0)) m = Math.min(m, dot(v, b[i]!));
  });
  return m;
}

describe('one document in parallel lanes', () => {
  it('plans no lanes for a short document and whole-sentence segments for a long one', () => {
    const cum = Float64Array.from({ length: 101 }, (_, i) => i * 100); // 100 sentences × 100 tokens
    const safe = new Uint8Array(101).fill(1);
    const o = { lanes: 16, warmupTokens: 500, minSegmentTokens: 2000, maxSegmentTokens: 4000 };
    expect(planLanes(cum, safe, 0, { ...o, minSegmentTokens: 6000 })).toBeNull();
    const rounds = planLanes(cum, safe, 0, o)!;
    const segs = rounds.flatMap((r) => r.segments);
    expect(segs.length).toBe(5);
    expect(segs[0]!.first).toBe(0);
    expect(segs.at(-1)!.end).toBe(100);
    segs.forEach((s, j) => {
      if (j > 0) expect(s.first).toBe(segs[j - 1]!.end);
      if (j > 0) expect(cum[s.first]! - cum[s.warm]!).toBeGreaterThanOrEqual(500);
    });
    // A boundary inside a passage is never a cut.
    safe.fill(0, 1, 60);
    expect(
      planLanes(cum, safe, 0, o)!
        .flatMap((r) => r.segments.map((s) => s.first))
        .every((f) => f === 0 || f >= 60),
    ).toBe(true);
  });

  it('equals the exactly carried state when every warm-up reaches the document start', async () => {
    const exact = await model.embedDocument(SENTENCES, { passages: PASSAGES });
    expect(exact.tokens).toBeGreaterThan(4000);
    const lanes = await model.embedDocument(SENTENCES, {
      passages: PASSAGES,
      lanes: { lanes: 4, warmupTokens: 1e9, minSegmentTokens: 500, maxSegmentTokens: 1e9 },
    });
    expect(lanes.tokens).toBe(exact.tokens);
    expect(lanes.passages.map((p) => p.index)).toEqual(exact.passages.map((p) => p.index));
    expect(lanes.sentenceTokens).toEqual(exact.sentenceTokens);
    expect(minCos(lanes.sentenceVectors, exact.sentenceVectors)).toBeGreaterThan(1 - 1e-5);
    expect(
      minCos(
        lanes.passages.map((p) => p.vector),
        exact.passages.map((p) => p.vector),
      ),
    ).toBeGreaterThan(1 - 1e-5);
    expect(dot(lanes.documentVector, exact.documentVector)).toBeGreaterThan(1 - 1e-6);
    let maxDiff = 0;
    lanes.state.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - exact.state.data[i]!))));
    expect(maxDiff).toBeLessThan(1e-4);
    expect(lanes.state.position).toBe(exact.state.position);
  });

  it('stays close to the exact vectors with the default warm-up on real text', async () => {
    const exact = await model.embedDocument(SENTENCES, { passages: PASSAGES });
    const opts = { minSegmentTokens: 1024 };
    const def = await model.embedDocument(SENTENCES, { passages: PASSAGES, lanes: opts });
    const pv = (d: typeof exact) => d.passages.map((p) => p.vector);
    const meanCos = (a: Float32Array[], b: Float32Array[]) => a.reduce((s, v, i) => s + dot(v, b[i]!), 0) / a.length;
    // The shipped model remembers only a few tokens (models/README.md): the default warm-up is all but exact.
    // A model with a longer memory fails here, which is the cue to re-run eval/lanes-quality.ts.
    expect(def.lanes).toBeGreaterThan(1);
    expect(minCos(pv(def), pv(exact))).toBeGreaterThan(0.9999);
    expect(minCos(def.sentenceVectors, exact.sentenceVectors)).toBeGreaterThan(0.9999);
    expect(meanCos(pv(def), pv(exact))).toBeGreaterThan(0.99999);
  });

  it('resumed from a lanes checkpoint equals an uninterrupted lanes run', async () => {
    const lanes = { lanes: 4, warmupTokens: 256, minSegmentTokens: 400, maxSegmentTokens: 500 };
    const cps: DocumentCheckpoint[] = [];
    const full = await model.embedDocument(SENTENCES, {
      passages: PASSAGES,
      lanes,
      checkpointEveryTokens: 1,
      onCheckpoint: (cp) => void cps.push(cp),
    });
    expect(cps.length).toBeGreaterThan(1);
    const cp = cps[Math.floor(cps.length / 2)]!;
    // Every checkpoint is at a boundary no passage straddles.
    for (const c of cps)
      expect(PASSAGES.some((p) => p.sentenceStart < c.nextSentence && p.sentenceEnd > c.nextSentence)).toBe(false);
    const resumed = await model.embedDocument(SENTENCES, { passages: PASSAGES, lanes, resume: cp });
    expect(resumed.firstSentence).toBe(cp.nextSentence);
    expect(resumed.sentenceVectors).toEqual(full.sentenceVectors.slice(cp.nextSentence));
    const later = full.passages.filter((p) => PASSAGES[p.index]!.sentenceStart >= cp.nextSentence);
    expect(resumed.passages).toEqual(later);
    expect(Array.from(resumed.documentVector)).toEqual(Array.from(full.documentVector));
    expect(Array.from(resumed.state.data)).toEqual(Array.from(full.state.data));
  });

  it("saves each round's checkpoint before reporting its progress, and says how many lanes it streamed", async () => {
    const lanes = { lanes: 4, warmupTokens: 128, minSegmentTokens: 400, maxSegmentTokens: 500 };
    const events: string[] = [];
    const res = await model.embedDocument(SENTENCES, {
      passages: PASSAGES,
      lanes,
      checkpointEveryTokens: 1,
      onCheckpoint: (cp) => void events.push(`checkpoint ${cp.nextSentence}`),
      onProgress: (p) => void events.push(`progress ${p.sentencesDone}`),
    });
    expect(res.lanes).toBe(4);
    const progress = events.filter((e) => e.startsWith('progress'));
    expect(progress.length).toBeGreaterThan(2);
    // Every progress but the last (the document's end) comes right after the checkpoint of the same boundary:
    // a crash after a progress update never loses the round it reported.
    events.forEach((e, i) => {
      if (!e.startsWith('progress') || i === events.length - 1) return;
      expect(events[i - 1]).toBe(e.replace('progress', 'checkpoint'));
    });
    expect((await model.embedDocument(SENTENCES.slice(0, 20))).lanes).toBe(1);
  });

  it('takes the exact path for a document too short for two segments', async () => {
    const few = SENTENCES.slice(0, 20);
    const exact = await model.embedDocument(few);
    const lanes = await model.embedDocument(few, { lanes: {} });
    expect(lanes.sentenceVectors).toEqual(exact.sentenceVectors);
  });
});
