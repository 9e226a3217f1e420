/**
 * Symmetric per-vector int8 quantisation: x ≈ scale · q with q ∈ [-127, 127] and
 * scale = max|x| / 127. For a float query y, y·x ≈ scale · Σ yᵢ qᵢ, which keeps the ranking of a
 * unit-norm vector set within a small error at a quarter of the memory.
 */
export function quantizeInt8(v: Float32Array): { data: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const scale = max > 0 ? max / 127 : 1;
  const data = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) data[i] = Math.round(v[i] / scale);
  return { data, scale };
}

export function dequantizeInt8(q: Int8Array, scale: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i] * scale;
  return out;
}

/** Copies a float32 blob (SQLite returns a Buffer that may share a pool) into its own array. */
export function blobToFloat32(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function blobToInt8(b: Buffer): Int8Array {
  const out = new Int8Array(b.byteLength);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** L2 normalisation in place; a zero vector stays zero. */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
