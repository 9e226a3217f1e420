/**
 * The embedder the retrieval benchmark uses: the shipped liquid model when models/liquid loads,
 * otherwise seeded random unit vectors (and the output says `realModel: false`).
 */
import { normalize } from '@elegans/retrieval';

export interface BenchEmbedder {
  modelVersion: string;
  real: boolean;
  embedQuery(text: string): Promise<Float32Array>;
  embedPassages(texts: string[]): Promise<Float32Array[]>;
}

function hashVec(text: string, dim: number): Float32Array {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    v[j] = ((h >>> 0) / 4294967296) * 2 - 1;
  }
  return normalize(v);
}

export async function loadBenchEmbedder(modelDir?: string): Promise<BenchEmbedder> {
  try {
    const { loadLiquidEmbedder } = await import('@elegans/retrieval');
    const m = await loadLiquidEmbedder(modelDir);
    return {
      modelVersion: m.modelVersion,
      real: true,
      embedQuery: (t) => m.embedQuery(t),
      embedPassages: (ts) => m.embedTexts(ts),
    };
  } catch (err) {
    process.stderr.write(`[retrieval-bench] model not loaded (${(err as Error).message}); random vectors\n`);
    return {
      modelVersion: 'random-128',
      real: false,
      embedQuery: async (t) => hashVec(t, 128),
      embedPassages: async (ts) => ts.map((t) => hashVec(t, 128)),
    };
  }
}
