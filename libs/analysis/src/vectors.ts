/** Small dense-vector helpers. Vectors from libs/model are L2-normalised Float32Arrays. */
export type Vector = Float32Array | number[];

export function dot(a: Vector, b: Vector): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: Vector): number {
  return Math.sqrt(dot(a, a));
}

export function cosine(a: Vector, b: Vector): number {
  const d = norm(a) * norm(b);
  return d > 0 ? dot(a, b) / d : 0;
}

/** L2-normalised mean of the given vectors (the contract's pooling), or null for none. */
export function meanVector(vs: readonly Vector[]): Float32Array | null {
  if (vs.length === 0) return null;
  const out = new Float32Array(vs[0]!.length);
  for (const v of vs) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  const n = norm(out);
  if (n > 0) for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

/** Min and max of a list by a loop (spreading a long array into Math.min overflows the call stack). */
export function extent(xs: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
