import { availableParallelism } from 'node:os';
import type { AnnConfig, AnnQuantization } from './types';

/**
 * Default threshold: below it the exact JS scan is fast enough (see libs/retrieval/README.md,
 * "Approximate index"), and building a graph costs more than it saves.
 */
export const DEFAULT_ANN_MIN_VECTORS = 20_000;

export const DEFAULT_ANN_CONFIG: AnnConfig = {
  minVectors: DEFAULT_ANN_MIN_VECTORS,
  ef: 256,
  connectivity: 16,
  expansionAdd: 64,
  quantization: 'f16',
  buildThreads: Math.max(1, availableParallelism()),
  buildChunk: 512,
  maxCandidates: 4096,
};

function int(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return v;
}

/**
 * ANN settings from the environment, or null when disabled (RETRIEVAL_ANN_MIN_VECTORS=0 or off).
 * RETRIEVAL_ANN_MIN_VECTORS, RETRIEVAL_ANN_EF, RETRIEVAL_ANN_CONNECTIVITY,
 * RETRIEVAL_ANN_EXPANSION_ADD, RETRIEVAL_ANN_QUANTIZATION (f32 | f16 | i8),
 * RETRIEVAL_ANN_BUILD_THREADS, RETRIEVAL_ANN_BUILD_CHUNK (0 = synchronous), RETRIEVAL_ANN_MAX_CANDIDATES.
 */
export function annConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AnnConfig | null {
  if (env.RETRIEVAL_ANN_MIN_VECTORS?.trim().toLowerCase() === 'off') return null;
  const minVectors = int(env, 'RETRIEVAL_ANN_MIN_VECTORS', 0);
  if (minVectors === 0) return null;
  const q = env.RETRIEVAL_ANN_QUANTIZATION?.trim();
  if (q !== undefined && q !== '' && q !== 'f32' && q !== 'f16' && q !== 'i8') {
    throw new Error(`RETRIEVAL_ANN_QUANTIZATION must be f32, f16 or i8, got "${q}"`);
  }
  const d = DEFAULT_ANN_CONFIG;
  return {
    minVectors: minVectors ?? d.minVectors,
    ef: int(env, 'RETRIEVAL_ANN_EF', 1) ?? d.ef,
    connectivity: int(env, 'RETRIEVAL_ANN_CONNECTIVITY', 2) ?? d.connectivity,
    expansionAdd: int(env, 'RETRIEVAL_ANN_EXPANSION_ADD', 1) ?? d.expansionAdd,
    quantization: (q || d.quantization) as AnnQuantization,
    buildThreads: int(env, 'RETRIEVAL_ANN_BUILD_THREADS', 1) ?? d.buildThreads,
    buildChunk: int(env, 'RETRIEVAL_ANN_BUILD_CHUNK', 0) ?? d.buildChunk,
    maxCandidates: int(env, 'RETRIEVAL_ANN_MAX_CANDIDATES', 1) ?? d.maxCandidates,
  };
}
