/** L2-normalises in place and returns the vector; a zero vector (empty span) stays zero. */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

/**
 * Running sum of feature rows for one span. Mean pooling then L2 normalisation is the contract's span
 * vector; the mean's 1/n cancels in the normalisation but is kept so partial sums can be merged by count.
 */
export class SpanSum {
  readonly sum: Float64Array;
  count = 0;

  constructor(readonly dim: number) {
    this.sum = new Float64Array(dim);
  }

  /** Adds rows [from, to) of a row-major [rows, dim] feature block. */
  addRows(features: Float32Array, from: number, to: number): void {
    const d = this.dim;
    for (let r = from; r < to; r++) {
      const o = r * d;
      for (let j = 0; j < d; j++) this.sum[j]! += features[o + j]!;
    }
    this.count += to - from;
  }

  merge(other: SpanSum): void {
    for (let j = 0; j < this.dim; j++) this.sum[j]! += other.sum[j]!;
    this.count += other.count;
  }

  /** L2-normalised mean (zeros for an empty span). */
  vector(): Float32Array {
    const v = new Float32Array(this.dim);
    if (this.count > 0) for (let j = 0; j < this.dim; j++) v[j] = this.sum[j]! / this.count;
    return l2normalize(v);
  }
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
