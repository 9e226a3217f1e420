import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Elapsed time given to the first token of a unit; the largest boundary wins (model contract). */
export interface TimestepConfig {
  token: number;
  sentence: number;
  paragraph: number;
  page: number;
}

/** models/liquid/manifest.json as written by training/ (see notes/model-contract.md). */
export interface LiquidManifest {
  name: string;
  version: string;
  cell: string;
  vocabSize: number;
  embedDim: number;
  layers: number;
  hidden: number;
  featureDim: number;
  files: { onnx: string; onnxInt8?: string; tokenizer?: string; reference?: string };
  ts: TimestepConfig;
  pooling: 'mean';
  queryPrefix: string | null;
  [extra: string]: unknown;
}

const DEFAULT_TS: TimestepConfig = { token: 1, sentence: 2, paragraph: 4, page: 8 };

function positiveInt(m: Record<string, unknown>, key: string, file: string): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new Error(`${file}: "${key}" must be a positive integer`);
  }
  return v;
}

export function loadManifest(modelDir: string): LiquidManifest {
  const file = join(modelDir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`model manifest not found: ${file}`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of ['vocabSize', 'layers', 'hidden', 'featureDim']) positiveInt(raw, k, file);
  if (typeof raw.version !== 'string' || !raw.version) throw new Error(`${file}: "version" must be a string`);
  const files = raw.files as LiquidManifest['files'] | undefined;
  if (!files || typeof files.onnx !== 'string') throw new Error(`${file}: "files.onnx" is required`);
  const pooling = raw.pooling ?? 'mean';
  if (pooling !== 'mean') throw new Error(`${file}: unsupported pooling "${String(pooling)}"`);
  return {
    ...raw,
    name: String(raw.name ?? 'liquid'),
    version: raw.version,
    cell: String(raw.cell ?? 'cfc'),
    embedDim: Number(raw.embedDim ?? 0),
    files,
    ts: { ...DEFAULT_TS, ...((raw.ts as Partial<TimestepConfig>) ?? {}) },
    pooling: 'mean',
    queryPrefix: typeof raw.queryPrefix === 'string' ? raw.queryPrefix : null,
  } as LiquidManifest;
}

/**
 * The shipped model folder: $ELEGANS_MODEL_DIR, else models/liquid found by walking up from this file
 * (works from the sources, from dist/ and from test runners alike).
 */
export function defaultModelDir(): string {
  const env = process.env.ELEGANS_MODEL_DIR;
  if (env) return resolve(env);
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return join(dir, 'models', 'liquid');
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return resolve('models/liquid');
}
