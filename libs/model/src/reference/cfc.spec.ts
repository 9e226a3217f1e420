import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { defaultModelDir } from '../manifest';
import { cfcEncode, type CfCEncoderWeights, type LinearWeights } from './cfc';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'tiny-cfc');

interface Case {
  tokens: number[][];
  ts: number[][];
  state: number[][][];
  features: number[][][];
  new_state: number[][][];
}

async function runOnnx(file: string, tokens: number[][], ts: number[][], state: number[][][]) {
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const B = tokens.length;
  const T = tokens[0]!.length;
  const L = state[0]!.length;
  const H = state[0]![0]!.length;
  const out = await session.run({
    tokens: new ort.Tensor('int64', BigInt64Array.from(tokens.flat().map(BigInt)), [B, T]),
    ts: new ort.Tensor('float32', Float32Array.from(ts.flat()), [B, T]),
    state: new ort.Tensor('float32', Float32Array.from(state.flat(2)), [B, L, H]),
  });
  await session.release();
  return { features: out.features!.data as Float32Array, state: out.new_state!.data as Float32Array };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('plain-TypeScript CfC (equations only) against the ONNX graph', () => {
  const weights = JSON.parse(readFileSync(join(FIXTURE, 'weights.json'), 'utf8')) as CfCEncoderWeights;
  const { cases } = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as { cases: Case[] };

  it('matches ONNX Runtime and PyTorch on a 2-layer fixed-weight CfC, zero and carried state', async () => {
    for (const c of cases) {
      const onnx = await runOnnx(join(FIXTURE, 'cfc.onnx'), c.tokens, c.ts, c.state);
      const tsFeatures: number[] = [];
      const tsState: number[] = [];
      c.tokens.forEach((row, b) => {
        const r = cfcEncode(weights, row, c.ts[b]!, c.state[b]!);
        tsFeatures.push(...r.features.flat());
        tsState.push(...r.state.flat());
      });
      expect(maxAbs(tsFeatures, onnx.features)).toBeLessThan(1e-5);
      expect(maxAbs(tsState, onnx.state)).toBeLessThan(1e-5);
      expect(maxAbs(tsFeatures, c.features.flat(2))).toBeLessThan(1e-5);
      expect(maxAbs(tsState, c.new_state.flat(2))).toBeLessThan(1e-5);
    }
  });

  it('the elapsed time ts changes the output (the gate is time-dependent)', () => {
    const c = cases[0]!;
    const a = cfcEncode(weights, c.tokens[0]!, c.ts[0]!, c.state[0]!);
    const b = cfcEncode(
      weights,
      c.tokens[0]!,
      c.ts[0]!.map(() => 1),
      c.state[0]!,
    );
    expect(maxAbs(a.features.flat(), b.features.flat())).toBeGreaterThan(1e-3);
  });

  it('matches the shipped tiny.onnx from the raw weights in models/liquid/reference.json', async () => {
    const dir = defaultModelDir();
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as {
      tiny: {
        onnx: string;
        config: { layers: number; hidden: number; featureDim: number };
        weights: Record<string, { shape: number[]; data: number[] }>;
        tokens: number[];
        ts: number[];
        state: number[];
        shape: { B: number; T: number; L: number; H: number; D: number };
        features: number[];
      };
    };
    const t = ref.tiny;
    const mat = (k: string): number[][] => {
      const w = t.weights[k];
      if (!w) throw new Error(`reference.json tiny weights lack ${k}`);
      const [rows, cols] = w.shape as [number, number];
      return Array.from({ length: rows }, (_, r) => w.data.slice(r * cols, (r + 1) * cols));
    };
    const lin = (p: string): LinearWeights => ({ weight: mat(`${p}.weight`), bias: t.weights[`${p}.bias`]!.data });
    const prefix = (l: number) => (t.config.layers === 1 && t.weights['cell.backbone.weight'] ? 'cell' : `cells.${l}`);
    const w: CfCEncoderWeights = {
      embed: mat('embed.weight'),
      layers: Array.from({ length: t.config.layers }, (_, l) => ({
        backbone: lin(`${prefix(l)}.backbone`),
        ff1: lin(`${prefix(l)}.ff1`),
        ff2: lin(`${prefix(l)}.ff2`),
        time_a: lin(`${prefix(l)}.time_a`),
        time_b: lin(`${prefix(l)}.time_b`),
      })),
      out: lin('out'),
      ...(t.weights['skip_gain.weight'] ? { skipGain: t.weights['skip_gain.weight'].data } : {}),
    };
    const { B, T, L, H } = t.shape;
    const rows = (a: number[], n: number) =>
      Array.from({ length: a.length / n }, (_, i) => a.slice(i * n, (i + 1) * n));
    const tokens = rows(t.tokens, T);
    const ts = rows(t.ts, T);
    const state = rows(t.state, L * H).map((s) => rows(s, H));
    const onnx = await runOnnx(join(dir, t.onnx), tokens, ts, state);
    const mine: number[] = [];
    for (let b = 0; b < B; b++) mine.push(...cfcEncode(w, tokens[b]!, ts[b]!, state[b]!).features.flat());
    expect(maxAbs(mine, onnx.features)).toBeLessThan(1e-5);
    expect(maxAbs(mine, t.features)).toBeLessThan(1e-5);
  });
});
