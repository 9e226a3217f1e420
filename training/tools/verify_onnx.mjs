// Check models/liquid/*.onnx in onnxruntime-node against reference.json (PyTorch outputs).
// usage: node training/tools/verify_onnx.mjs models/liquid
import ort from 'onnxruntime-node';
import fs from 'node:fs';
import path from 'node:path';
const dir = process.argv[2] ?? 'models/liquid';
const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
async function run(session, c) {
  const { B, T, L, H } = c.shape;
  return session.run({
    tokens: new ort.Tensor('int64', BigInt64Array.from(c.tokens.map(BigInt)), [B, T]),
    ts: new ort.Tensor('float32', Float32Array.from(c.ts), [B, T]),
    state: new ort.Tensor('float32', Float32Array.from(c.state), [B, L, H]),
  });
}
let worst = 0;
const main = await ort.InferenceSession.create(path.join(dir, 'cfc.onnx'), { intraOpNumThreads: 1 });
for (const c of ref.cases) {
  const r = await run(main, c);
  const d = Math.max(maxDiff(r.features.data, c.features), maxDiff(r.new_state.data, c.new_state));
  worst = Math.max(worst, d);
  console.log(c.name, 'max |diff|', d.toExponential(2));
}
const tiny = await ort.InferenceSession.create(path.join(dir, ref.tiny.onnx));
const rt = await run(tiny, ref.tiny);
const dt = maxDiff(rt.features.data, ref.tiny.features);
worst = Math.max(worst, dt);
console.log('tiny max |diff|', dt.toExponential(2));
console.log(worst <= 1e-4 ? 'OK' : 'FAIL');
process.exit(worst <= 1e-4 ? 0 : 1);
