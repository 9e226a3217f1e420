import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Configuration from the environment, validated once at start. A bad value stops the process
 * with one line naming the variable (see `loadConfigOrExit`). Every limit is explicit here.
 */
const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  /** Prefix of every BullMQ/metrics key in Redis: lets several deployments (or test suites) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, - and _ only (1-32)')
    .default('elegans'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** SQLite file; defaults to DATA_DIR/elegans.db. */
  DATABASE_PATH: z.string().min(1).optional(),
  /**
   * PostgreSQL instead of SQLite (issue 16): every row and blob, and the retrieval index, in this
   * database; DATA_DIR keeps upload staging and a blob cache only.
   */
  DATABASE_URL: z
    .string()
    .refine((v) => {
      if (!/^postgres(ql)?:\/\//.test(v)) return false;
      try {
        return new URL(v).hostname !== '';
      } catch {
        return false;
      }
    }, 'must be a postgres:// or postgresql:// URL with a host')
    .optional(),
  /** Connections each process keeps to PostgreSQL (API replicas and workers each hold a pool). */
  DATABASE_POOL_MAX: int(10, 1, 200),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(10_240).default(100),
  MAX_METADATA_BYTES: int(16_384, 2, 1_048_576),
  MAX_PAGES: int(2000, 1),
  PARSE_TIMEOUT_MS: int(120_000, 100),
  /** OCR of PDF pages without a usable text layer and of image files: off, auto (those pages), force (every page). */
  OCR: z.enum(['off', 'auto', 'force']).default('auto'),
  OCR_DPI: int(200, 50, 600),
  OCR_MAX_PAGES: int(200, 0),
  OCR_PAGE_TIMEOUT_MS: int(60_000, 100),
  OCR_TOTAL_TIMEOUT_MS: int(600_000, 100),
  OCR_MIN_CONFIDENCE: int(50, 0, 100),
  /** Pixels (width × height) of one page of a PNG, JPEG or TIFF upload; larger fails with image_too_large. */
  IMAGE_MAX_PIXELS: int(50_000_000, 1),
  /**
   * Back-pressure: uploads are refused with 429 queue_full once waiting jobs plus uploads still being
   * received reach this; the uploads in flight are counted across every API replica (in Redis).
   */
  QUEUE_MAX_WAITING: int(10_000, 1),
  /** Lease of an upload's in-flight slot, renewed every third of it: a killed API's slots free within this. */
  UPLOAD_SLOT_LEASE_MS: int(30_000, 300, 3_600_000),
  /** Retry-After (seconds) sent with 429 queue_full. */
  QUEUE_RETRY_AFTER_S: int(5, 1, 3600),
  /** Requests per API key per RATE_LIMIT_WINDOW_MS, all routes together (429 + Retry-After past it); 0 = off. */
  RATE_LIMIT_MAX: int(1200, 0),
  RATE_LIMIT_WINDOW_MS: int(60_000, 100),
  /** Upload staging files (DATA_DIR/tmp) untouched this long are debris of a crashed upload: removed. */
  UPLOAD_TMP_MAX_AGE_MS: int(3_600_000, 1000),
  WORKER_CONCURRENCY: int(2, 1, 64),
  JOB_ATTEMPTS: int(3, 1, 50),
  JOB_BACKOFF_MS: int(2000, 0),
  /** A job whose lock is not renewed within this time is taken over by another worker. */
  LOCK_DURATION_MS: int(30_000, 500),
  STALLED_INTERVAL_MS: int(30_000, 200),
  /** SIGTERM: how long the worker waits for its active job before handing it back. */
  SHUTDOWN_TIMEOUT_MS: int(25_000, 0),
  SSE_POLL_MS: int(300, 20, 10_000),
  /** ONNX Runtime intra-op threads of the liquid model: jobs run concurrently and one Loop gains little from more. */
  MODEL_THREADS: int(1, 1, 256),
  /** Tokens per model call when streaming a document. */
  MODEL_CHUNK_TOKENS: int(64, 1, 65_536),
  /** A long document checkpoints its state about every this many tokens (a retry resumes there); 0 = off. */
  MODEL_CHECKPOINT_TOKENS: int(8192, 0),
  /**
   * Lanes one long document streams in (libs/model document-lanes.ts); 1 = one exactly carried state.
   * At most 16, the model's batch. Measured with eval/lanes-quality.ts: see models/README.md.
   */
  MODEL_LANES: int(16, 1, 16),
  /** Tokens each lane streams (from the zero state) before its own segment, features discarded. */
  MODEL_LANE_WARMUP_TOKENS: int(256, 0),
  /** Shortest segment of a lane: documents under two segments take the exact path. */
  MODEL_LANE_MIN_SEGMENT_TOKENS: int(2048, 1),
  /** Longest segment: a round of lanes covers at most lanes × this, and ends in a checkpoint and a progress update. */
  MODEL_LANE_MAX_SEGMENT_TOKENS: int(4096, 1),
  /** `GET /v1/documents/:id/geometry`: the longest character range one request may ask for (400 past it). */
  GEOMETRY_MAX_RANGE_CHARS: int(100_000, 1, 100_000_000),
  /** POST /v1/embeddings: inputs per request (2048 is OpenAI's own limit, so SDK batch sizes fit). */
  EMBEDDINGS_MAX_INPUTS: int(2048, 1, 100_000),
  /** POST /v1/embeddings: tokens of one input, counted with the liquid model's tokenizer. */
  EMBEDDINGS_MAX_INPUT_TOKENS: int(8192, 1),
  /** POST /v1/embeddings: tokens of all inputs of one request together (bounds the CPU one request takes). */
  EMBEDDINGS_MAX_TOTAL_TOKENS: int(100_000, 1),
  /** The built web app served at `/`; defaults to `web/` beside the compiled apps (dist/web). */
  WEB_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawConfig = z.infer<typeof schema>;
export interface Config extends Omit<RawConfig, 'DATABASE_PATH'> {
  DATABASE_PATH: string;
  maxUploadBytes: number;
}

export class ConfigError extends Error {}

const SECRET_KEYS = new Set(['DATABASE_URL']);

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset" (docker-compose passes `FOO=` through).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const res = schema.safeParse(cleaned);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const key = issue.path.join('.');
    const got = env[key];
    // A database URL may carry a password: name the variable, never echo its value.
    const shown =
      got === undefined ? '' : SECRET_KEYS.has(key) ? ' (value not shown)' : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(`invalid configuration: ${key}: ${issue.message}${shown}`);
  }
  const c = res.data;
  const dataDir = resolve(c.DATA_DIR);
  if (c.MODEL_LANE_MAX_SEGMENT_TOKENS < c.MODEL_LANE_MIN_SEGMENT_TOKENS) {
    throw new ConfigError(
      `invalid configuration: MODEL_LANE_MAX_SEGMENT_TOKENS: must be >= MODEL_LANE_MIN_SEGMENT_TOKENS (${c.MODEL_LANE_MIN_SEGMENT_TOKENS}) (got ${JSON.stringify(String(c.MODEL_LANE_MAX_SEGMENT_TOKENS))})`,
    );
  }
  return {
    ...c,
    DATA_DIR: dataDir,
    DATABASE_PATH: resolve(c.DATABASE_PATH ?? `${dataDir}/elegans.db`),
    maxUploadBytes: Math.floor(c.MAX_UPLOAD_MB * 1024 * 1024),
  };
}

/** For process entry points: one line on stderr and exit code 78 (EX_CONFIG) on a bad value. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`elegans: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
