/**
 * A plain-TypeScript CfC encoder written from the equations, with no ONNX and no PyTorch, used to check
 * that the exported graph computes what the paper says (Hasani et al. 2022, arXiv 2106.13898, eq. 10,
 * "default" mode as in ncps). Slow and simple on purpose: one sample, one step at a time, float64.
 *
 * Per layer l and step t, with x = [input_t ; h_{t-1}] and elapsed time ts_t:
 *   z   = lecun_tanh(W x + b)              lecun_tanh(u) = 1.7159 tanh(0.666 u)
 *   ff1 = tanh(W1 z + b1)
 *   ff2 = tanh(W2 z + b2)
 *   t   = sigmoid((Wa z + ba) * ts_t + (Wb z + bb))
 *   h_t = ff1 * (1 - t) + t * ff2
 * The input of layer 0 is the token embedding e_t; layer l > 0 reads h^{l-1}_t.
 * Features (training/liquid/model.py): f_t = W_o [g(tok_t) e_t ; h^1_t ; … ; h^L_t] + b_o, where g is a learned
 * per-token gain on the embedding skip path (1 when absent).
 */
export interface LinearWeights {
  /** [out][in] */
  weight: number[][];
  bias: number[];
}

export interface CfCLayerWeights {
  backbone: LinearWeights;
  ff1: LinearWeights;
  ff2: LinearWeights;
  time_a: LinearWeights;
  time_b: LinearWeights;
}

export interface CfCEncoderWeights {
  /** [vocab][embedDim] */
  embed: number[][];
  layers: CfCLayerWeights[];
  /** Feature read-out over [g·e ; h1 ; … ; hL]; absent means features = last layer's h. */
  out?: LinearWeights;
  /** Per-token gain g on the embedding skip path ([vocab]); absent means 1. */
  skipGain?: number[];
}

function affine(w: LinearWeights, x: ArrayLike<number>): number[] {
  return w.weight.map((row, o) => {
    let s = w.bias[o]!;
    for (let i = 0; i < row.length; i++) s += row[i]! * x[i]!;
    return s;
  });
}

const lecunTanh = (u: number): number => 1.7159 * Math.tanh(0.666 * u);
const sigmoid = (u: number): number => 1 / (1 + Math.exp(-u));

/** One CfC step: returns h_t. */
export function cfcStep(w: CfCLayerWeights, input: ArrayLike<number>, h: ArrayLike<number>, ts: number): number[] {
  const z = affine(w.backbone, [...Array.from(input), ...Array.from(h)]).map(lecunTanh);
  const ff1 = affine(w.ff1, z).map(Math.tanh);
  const ff2 = affine(w.ff2, z).map(Math.tanh);
  const ta = affine(w.time_a, z);
  const tb = affine(w.time_b, z);
  return ff1.map((a, j) => {
    const t = sigmoid(ta[j]! * ts + tb[j]!);
    return a * (1 - t) + t * ff2[j]!;
  });
}

/** Runs the encoder over one sequence from `state` ([L][H]); returns per-token features and the final state. */
export function cfcEncode(
  w: CfCEncoderWeights,
  tokens: ReadonlyArray<number>,
  ts: ReadonlyArray<number>,
  state: ReadonlyArray<ReadonlyArray<number>>,
): { features: number[][]; state: number[][] } {
  const h = state.map((s) => [...s]);
  const features: number[][] = [];
  tokens.forEach((tok, t) => {
    const e = w.embed[tok]!;
    let x: number[] = e;
    const g = w.skipGain ? w.skipGain[tok]! : 1;
    const parts: number[] = e.map((v) => v * g);
    w.layers.forEach((layer, l) => {
      h[l] = cfcStep(layer, x, h[l]!, ts[t]!);
      x = h[l]!;
      parts.push(...x);
    });
    features.push(w.out ? affine(w.out, parts) : x);
  });
  return { features, state: h };
}
