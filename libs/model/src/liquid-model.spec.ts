import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserializeCheckpoint, serializeCheckpoint } from './checkpoint';
import { LiquidModel, type DocumentCheckpoint } from './liquid-model';
import { defaultModelDir } from './manifest';
import { dot } from './pooling';
import { LiquidState } from './state';
import type { SentenceInput } from './timesteps';

// The real shipped model (models/liquid), 1 thread so parallel test files do not fight over 2 cores.
let model: LiquidModel;
beforeAll(async () => {
  model = await LiquidModel.load({ intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model.release();
});

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic token ids and ts with structure (sentence/paragraph boundaries). */
function synthetic(n: number, seed: number): { tokens: number[]; ts: Float32Array } {
  let s = seed;
  const tokens: number[] = [];
  const ts = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    tokens.push(2 + (s % (model.manifest.vocabSize - 2)));
    ts[i] = i % 97 === 0 ? 4 : i % 13 === 0 ? 2 : 1;
  }
  return { tokens, ts };
}

const TEXT = [
  'Liquid networks carry a state through the whole document.',
  'Each sentence is tokenized on its own, so its tokens form a known range.',
  'A passage is a run of sentences; its vector is the mean of their token features.',
  'The state can be saved to bytes and restored in another process.',
  'Queries are streamed alone from the zero state.',
  'Short.',
  '',
  'Page breaks grow the elapsed time that the cell sees.',
];

describe('LiquidModel on the shipped model', () => {
  it('reproduces the PyTorch reference outputs (max abs diff <= 1e-4)', async () => {
    const ref = JSON.parse(readFileSync(join(defaultModelDir(), 'reference.json'), 'utf8')) as {
      cases: Array<{
        shape: { B: number; T: number };
        tokens: number[];
        ts: number[];
        state: number[];
        features: number[];
        new_state: number[];
      }>;
      chunks: number[];
    };
    expect(ref.cases.length).toBeGreaterThan(0);
    for (const c of ref.cases) {
      const out = await model.run(c.tokens, c.ts, Float32Array.from(c.state), c.shape.B, c.shape.T);
      expect(maxAbs(out.features, c.features)).toBeLessThanOrEqual(1e-4);
      expect(maxAbs(out.state, c.new_state)).toBeLessThanOrEqual(1e-4);
    }
    // The reference's own chunking of row 0 of the zero-state case, carried through stream().
    const c = ref.cases[0]!;
    const T = c.shape.T;
    const D = model.featureDim;
    const pieces = [];
    let at = 0;
    for (const n of ref.chunks) {
      pieces.push({ tokens: c.tokens.slice(at, at + n), ts: c.ts.slice(at, at + n) });
      at += n;
    }
    const feats: Float32Array[] = [];
    for await (const ch of model.stream(pieces, { chunkSize: ref.chunks[0] })) feats.push(ch.features);
    expect(maxAbs(concat(feats), c.features.slice(0, T * D))).toBeLessThanOrEqual(1e-4);
  });

  it('chunked streaming equals one call over the whole sequence, whatever the chunking', async () => {
    const { tokens, ts } = synthetic(300, 1);
    const whole = await model.run(tokens, ts, model.zeroState().data, 1, tokens.length);
    for (const chunkSize of [1, 7, 64, 256]) {
      // Input arrives in uneven pieces that do not line up with chunkSize.
      const pieces = [0, 5, 50, 51, 200, 300].slice(1).map((end, i, ends) => {
        const start = i === 0 ? 0 : ends[i - 1]!;
        return { tokens: tokens.slice(start, end), ts: ts.slice(start, end) };
      });
      const feats: Float32Array[] = [];
      let last: LiquidState | null = null;
      for await (const ch of model.stream(pieces, { chunkSize })) {
        expect(ch.tokens.length).toBeLessThanOrEqual(chunkSize);
        feats.push(ch.features);
        last = ch.state;
      }
      expect(maxAbs(concat(feats), whole.features)).toBeLessThan(1e-5);
      expect(maxAbs(last!.data, whole.state)).toBeLessThan(1e-5);
      expect(last!.position).toBe(300);
    }
    // Reused output buffers (valid until the next chunk): same features once copied out in time.
    const copied: Float32Array[] = [];
    const seen = new Set<ArrayBufferLike>();
    for await (const ch of model.stream([{ tokens, ts }], { chunkSize: 64, reuseBuffers: true })) {
      copied.push(ch.features.slice());
      seen.add(ch.features.buffer);
    }
    expect(maxAbs(concat(copied), whole.features)).toBeLessThan(1e-5);
    expect(seen.size).toBe(2); // one buffer for the 64-token chunks, one for the 44-token tail
  });

  it('checkpoint to bytes and restore mid-stream gives the same outputs as an uninterrupted stream', async () => {
    const { tokens, ts } = synthetic(256, 2);
    const full: Float32Array[] = [];
    let fullState: LiquidState | null = null;
    for await (const ch of model.stream([{ tokens, ts }], { chunkSize: 32 })) {
      full.push(ch.features);
      fullState = ch.state;
    }
    // Interrupted after 96 tokens: only the serialised bytes survive.
    let bytes: Buffer | null = null;
    const first: Float32Array[] = [];
    for await (const ch of model.stream([{ tokens: tokens.slice(0, 96), ts: ts.slice(0, 96) }], { chunkSize: 32 })) {
      first.push(ch.features);
      bytes = ch.state.serialize();
    }
    expect(bytes!.length).toBeLessThan(model.manifest.layers * model.manifest.hidden * 4 + 64);
    const restored = model.restoreState(bytes!);
    expect(restored.position).toBe(96);
    const rest: Float32Array[] = [];
    let resumedState: LiquidState | null = null;
    for await (const ch of model.stream([{ tokens: tokens.slice(96), ts: ts.slice(96) }], {
      state: restored,
      chunkSize: 32,
    })) {
      if (rest.length === 0) expect(ch.offset).toBe(96);
      rest.push(ch.features);
      resumedState = ch.state;
    }
    expect(maxAbs(concat([...first, ...rest]), concat(full))).toBe(0);
    expect(maxAbs(resumedState!.data, fullState!.data)).toBe(0);
    expect(resumedState!.position).toBe(256);
  });

  it('refuses a state from another model version or shape', () => {
    const alien = new LiquidState(model.manifest.layers, model.manifest.hidden, 'other-model');
    expect(() => model.restoreState(alien.serialize())).toThrow(/other-model/);
    const wrong = new LiquidState(1, 4, model.version);
    expect(() => model.restoreState(wrong.serialize())).toThrow(/expected/);
    expect(() => model.restoreState(Buffer.from('not a state at all'))).toThrow(/not a serialized/);
  });

  it('batched lanes of different lengths equal each lane streamed alone (no pad leaks into a state)', async () => {
    const lengths = [70, 3, 129, 64, 1, 200, 64, 17];
    const lanes = lengths.map((n, i) => synthetic(n, 10 + i));
    const D = model.featureDim;
    const got = lanes.map((l) => new Float32Array(l.tokens.length * D));
    const states = await model.runLanes(
      lanes,
      (lane, offset, features, rows) => got[lane]!.set(features.subarray(0, rows * D), offset * D),
      { chunkSize: 32, maxBatch: 5 },
    );
    for (let i = 0; i < lanes.length; i++) {
      const alone = await model.run(lanes[i]!.tokens, lanes[i]!.ts, model.zeroState().data, 1, lengths[i]!);
      expect(maxAbs(got[i]!, alone.features)).toBeLessThan(1e-5);
      expect(maxAbs(states[i]!.data, alone.state)).toBeLessThan(1e-5);
      expect(states[i]!.position).toBe(lengths[i]);
    }
  });

  it('embeds queries in a padded batch exactly as one by one, with unit norm and the model version', async () => {
    const queries = ['what is a liquid network', 'state', 'how are passages pooled into vectors?', ''];
    const batch = await model.embedQueries(queries);
    for (let i = 0; i < queries.length; i++) {
      const one = await model.embedQuery(queries[i]!);
      expect(batch[i]!.modelVersion).toBe(model.version);
      expect(maxAbs(batch[i]!.vector, one.vector)).toBeLessThan(1e-5);
      if (queries[i]) expect(Math.abs(dot(one.vector, one.vector) - 1)).toBeLessThan(1e-5);
    }
    expect(batch[3]!.tokens).toBe(0);
    expect(Math.abs(dot(batch[0]!.vector, batch[2]!.vector))).toBeLessThan(0.999999);
  });

  it('embedDocument pools sentences and passages from one carried state', async () => {
    const sentences: SentenceInput[] = TEXT.map((text, i) => ({ text, boundary: i === 4 ? 'paragraph' : 'sentence' }));
    const passages = [
      { sentenceStart: 0, sentenceEnd: 3 },
      { sentenceStart: 3, sentenceEnd: 8 },
      { sentenceStart: 5, sentenceEnd: 5 }, // empty: a zero vector, not an error
    ];
    const doc = await model.embedDocument(sentences, { passages, chunkSize: 16 });
    expect(doc.modelVersion).toBe(model.version);
    expect(doc.sentenceVectors).toHaveLength(TEXT.length);
    expect(doc.passages.map((p) => p.index).sort()).toEqual([0, 1, 2]);
    expect(doc.passages.find((p) => p.index === 2)!.tokens).toBe(0);
    // Passage 0 = normalised token-weighted mean of its sentences' features.
    expect(doc.passages.find((p) => p.index === 0)!.tokens).toBe(
      doc.sentenceTokens[0]! + doc.sentenceTokens[1]! + doc.sentenceTokens[2]!,
    );
    expect(doc.sentenceTokens[6]).toBe(0);
    expect(doc.tokens).toBe(doc.sentenceTokens.reduce((a, b) => a + b, 0));
    // Sentence vector = normalised mean of that sentence's token features in the one-shot stream.
    const all: number[] = [];
    const allTs: number[] = [];
    TEXT.forEach((t, i) => {
      const e = model.encodeSentence(t, i === 0 ? 'page' : i === 4 ? 'paragraph' : 'sentence');
      all.push(...e.tokens);
      allTs.push(...e.ts);
    });
    const whole = await model.run(all, allTs, model.zeroState().data, 1, all.length);
    expect(maxAbs(doc.state.data, whole.state)).toBeLessThan(1e-5);
    const D = model.featureDim;
    const s1Start = doc.sentenceTokens[0]!;
    const mean = new Float32Array(D);
    for (let r = s1Start; r < s1Start + doc.sentenceTokens[1]!; r++) {
      for (let j = 0; j < D; j++) mean[j]! += whole.features[r * D + j]!;
    }
    const norm = Math.sqrt(dot(mean, mean));
    expect(
      maxAbs(
        doc.sentenceVectors[1]!,
        mean.map((v) => v / norm),
      ),
    ).toBeLessThan(1e-5);
    // Context: the same sentence in another document position gets another vector.
    const alone = await model.embedDocument([{ text: TEXT[1]! }]);
    expect(dot(alone.sentenceVectors[0]!, doc.sentenceVectors[1]!)).toBeLessThan(0.99999);
  });

  it('embedDocument resumed from a serialised checkpoint equals an uninterrupted run', async () => {
    const sentences: SentenceInput[] = Array.from({ length: 30 }, (_, i) => ({
      text: `${TEXT[i % TEXT.length]} (${i})`,
      boundary: i % 10 === 0 ? 'page' : 'sentence',
    }));
    const passages = Array.from({ length: 10 }, (_, i) => ({ sentenceStart: i * 3, sentenceEnd: i * 3 + 3 }));
    const checkpoints: Buffer[] = [];
    const full = await model.embedDocument(sentences, {
      passages,
      chunkSize: 24,
      checkpointEveryTokens: 60,
      onCheckpoint: (cp: DocumentCheckpoint) => {
        checkpoints.push(serializeCheckpoint(cp));
      },
    });
    expect(checkpoints.length).toBeGreaterThan(1);
    const m = model.manifest;
    const cp = deserializeCheckpoint(checkpoints[1]!, { layers: m.layers, hidden: m.hidden, modelVersion: m.version });
    expect(cp.nextSentence % 3).toBe(0); // never inside a passage
    const resumed = await model.embedDocument(sentences, { passages, chunkSize: 24, resume: cp });
    expect(resumed.firstSentence).toBe(cp.nextSentence);
    expect(resumed.sentenceVectors).toHaveLength(30 - cp.nextSentence);
    for (let i = 0; i < resumed.sentenceVectors.length; i++) {
      expect(maxAbs(resumed.sentenceVectors[i]!, full.sentenceVectors[cp.nextSentence + i]!)).toBeLessThan(1e-5);
    }
    const fullPassages = new Map(full.passages.map((p) => [p.index, p.vector]));
    expect(resumed.passages.length).toBe(10 - cp.nextSentence / 3);
    for (const p of resumed.passages) expect(maxAbs(p.vector, fullPassages.get(p.index)!)).toBeLessThan(1e-5);
    expect(maxAbs(resumed.state.data, full.state.data)).toBeLessThan(1e-5);
    expect(maxAbs(resumed.documentVector, full.documentVector)).toBeLessThan(1e-5);
    expect(resumed.tokens).toBe(full.tokens);
  });

  it('embedTexts streams independent texts as batched lanes', async () => {
    const texts = TEXT.slice(0, 5);
    const batched = await model.embedTexts(texts);
    for (let i = 0; i < texts.length; i++) {
      const doc = await model.embedDocument([{ text: texts[i]! }]);
      expect(maxAbs(batched[i]!.vector, doc.documentVector)).toBeLessThan(1e-5);
      expect(maxAbs(batched[i]!.state.data, doc.state.data)).toBeLessThan(1e-5);
    }
  });

  it('lets timers run between model calls while a long stream is in progress', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let calls = 0;
    for await (const _ of model.stream([synthetic(512, 3)], { chunkSize: 16 })) calls++;
    clearInterval(timer);
    expect(calls).toBe(32);
    // onnxruntime-node computes on the calling thread; without the yield in run() no timer could fire.
    expect(ticks).toBeGreaterThan(4);
  });

  it('rejects token ids outside the vocabulary with a clear error', async () => {
    await expect(model.run([model.manifest.vocabSize], [1], model.zeroState().data, 1, 1)).rejects.toThrow(/outside/);
  });
});
