import ort from 'onnxruntime-node';
import fs from 'fs';
const [path, refPath] = process.argv.slice(2);
const s = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
const ref = JSON.parse(fs.readFileSync(refPath));
const B = ref.B, T = ref.T, L = ref.L, H = ref.H;
const r = await s.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(ref.tokens.map(BigInt)), [B, T]),
  ts: new ort.Tensor('float32', Float32Array.from(ref.ts), [B, T]),
  state: new ort.Tensor('float32', Float32Array.from(ref.state), [B, L, H]) });
let md = 0; r.features.data.forEach((v, i) => md = Math.max(md, Math.abs(v - ref.features[i])));
let ms = 0; r.new_state.data.forEach((v, i) => ms = Math.max(ms, Math.abs(v - ref.new_state[i])));
console.log('maxdiff features', md, 'state', ms, r.features.dims);
for (const b of [1, 16]) { const T2 = 64; const tok = new BigInt64Array(b * T2).fill(5n);
  const feeds = { tokens: new ort.Tensor('int64', tok, [b, T2]), ts: new ort.Tensor('float32', new Float32Array(b * T2).fill(1), [b, T2]), state: new ort.Tensor('float32', new Float32Array(b * L * H), [b, L, H]) };
  await s.run(feeds); const t0 = performance.now(); let n = 0; while (performance.now() - t0 < 2000) { await s.run(feeds); n++; }
  console.log(`B${b} tok/s`, Math.round(n * b * T2 / ((performance.now() - t0) / 1000))); }
