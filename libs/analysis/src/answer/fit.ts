/**
 * The two small models behind answers, and their fitting by plain gradient descent (a few dozen
 * weights; no library needed):
 *  - a listwise ranker: P(sentence i answers | question) = softmax_i(w · f_i), fitted by the
 *    cross-entropy of the gold sentence (ListNet-style top-1, Cao et al. 2007);
 *  - a logistic confidence: P(answerable) = σ(b + v · g), g the question-level evidence.
 * Both use L2 regularisation so a small development set cannot push weights to extremes.
 */

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function dotw(w: readonly number[], f: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += w[i]! * f[i]!;
  return s;
}

export interface RankExample {
  /** One feature row per candidate sentence. */
  rows: number[][];
  /** Indices of candidates that hold a gold answer (at least one). */
  gold: number[];
}

export function fitRanker(examples: RankExample[], dims: number, l2 = 1e-3, epochs = 300, lr = 0.5): number[] {
  const w = new Array<number>(dims).fill(0);
  for (let ep = 0; ep < epochs; ep++) {
    const grad = new Array<number>(dims).fill(0);
    for (const ex of examples) {
      const s = ex.rows.map((r) => dotw(w, r));
      let m = -Infinity;
      for (const x of s) if (x > m) m = x;
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      const goldSet = new Set(ex.gold);
      const eg = ex.gold.reduce((a, g) => a + e[g]!, 0);
      // −log Σ_{g∈gold} p_g ; d/dw = Σ_i p_i f_i − Σ_g (p_g / p_gold) f_g
      ex.rows.forEach((r, i) => {
        const coef = e[i]! / z - (goldSet.has(i) ? e[i]! / eg : 0);
        for (let d = 0; d < dims; d++) grad[d]! += coef * r[d]!;
      });
    }
    for (let d = 0; d < dims; d++) w[d]! -= lr * (grad[d]! / examples.length + l2 * w[d]!);
  }
  return w;
}

/**
 * Logistic regression; the last weight returned is the bias. Features are standardised for the descent
 * (so one learning rate suits features of any scale) and the weights mapped back to raw features.
 * With `prior` (raw weights + bias, e.g. a calibration fitted elsewhere) the descent starts there and L2
 * pulls the weights toward it instead of toward zero: a refit on new data that moves only as far as that
 * data asks, which keeps what the prior learned on data the refit does not see.
 */
export function fitLogistic(
  xs: number[][],
  ys: number[],
  l2 = 1e-3,
  epochs = 500,
  lr = 0.5,
  prior?: readonly number[],
): number[] {
  const dims = xs[0]?.length ?? 0;
  const mu = new Array<number>(dims).fill(0);
  const sd = new Array<number>(dims).fill(0);
  for (const x of xs) for (let d = 0; d < dims; d++) mu[d]! += x[d]! / xs.length;
  for (const x of xs) for (let d = 0; d < dims; d++) sd[d]! += (x[d]! - mu[d]!) ** 2 / xs.length;
  // A (near-)constant feature keeps scale 1: dividing by a rounding-error deviation would blow it up.
  for (let d = 0; d < dims; d++) sd[d] = Math.sqrt(sd[d]!) > 1e-9 ? Math.sqrt(sd[d]!) : 1;
  const zs = xs.map((x) => x.map((v, d) => (v - mu[d]!) / sd[d]!));
  // The prior in standardised coordinates: w_z = w·sd, b_z = b + Σ w·mu.
  const anchor = prior
    ? [
        ...prior.slice(0, dims).map((v, d) => v * sd[d]!),
        prior[dims]! + prior.slice(0, dims).reduce((a, v, d) => a + v * mu[d]!, 0),
      ]
    : new Array<number>(dims + 1).fill(0);
  const w = [...anchor];
  for (let ep = 0; ep < epochs; ep++) {
    const grad = new Array<number>(dims + 1).fill(0);
    zs.forEach((x, i) => {
      const p = sigmoid(dotw(w, x) + w[dims]!);
      const err = p - ys[i]!;
      for (let d = 0; d < dims; d++) grad[d]! += err * x[d]!;
      grad[dims]! += err;
    });
    for (let d = 0; d <= dims; d++) w[d]! -= lr * (grad[d]! / xs.length + (d < dims ? l2 * (w[d]! - anchor[d]!) : 0));
  }
  const raw = w.slice(0, dims).map((v, d) => v / sd[d]!);
  const bias = w[dims]! - raw.reduce((a, v, d) => a + v * mu[d]!, 0);
  return [...raw, bias];
}

export function predictLogistic(w: readonly number[], x: readonly number[]): number {
  return sigmoid(dotw(w, x) + w[x.length]!);
}

/** Area under the ROC curve: P(score of a random positive > score of a random negative), ties count ½. */
export function auroc(scores: readonly number[], labels: readonly (0 | 1 | boolean)[]): number {
  const idx = scores.map((s, i) => ({ s, y: labels[i] ? 1 : 0 })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let pos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]!.s === idx[i]!.s) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (idx[k]!.y) {
        rankSum += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return 0.5;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
