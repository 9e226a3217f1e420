import { LiquidTokenizer } from '@elegans/model';
import { loadLiquidEmbedder, type LiquidEmbedder } from '@elegans/retrieval';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from './support/http';
import { createKey, makeEnv, startApi, type Api, type Env } from './support/services';

const MODEL_DIR = join(__dirname, '..', 'models', 'liquid');
const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8')) as {
  version: string;
  featureDim: number;
  queryPrefix: string | null;
};

/** Small limits so that each one can be crossed by a request of a few lines. */
const LIMITS = { EMBEDDINGS_MAX_INPUTS: '12', EMBEDDINGS_MAX_INPUT_TOKENS: '64', EMBEDDINGS_MAX_TOTAL_TOKENS: '400' };

/** Question → the passage that answers it; each question must land nearest its own passage. */
const PAIRS: [string, string][] = [
  [
    'How tall is Mount Everest?',
    'Mount Everest is the highest mountain on Earth, rising 8,849 metres above sea level in the Himalayas.',
  ],
  [
    'What do bees make from nectar?',
    'Honey bees collect nectar from flowers and turn it into honey, which they store in wax combs inside the hive.',
  ],
  [
    'When did the Titanic sink?',
    'The Titanic struck an iceberg and sank in the North Atlantic Ocean in April 1912, with the loss of more than 1,500 lives.',
  ],
  [
    'What is the boiling point of water?',
    'At sea level, water boils at 100 degrees Celsius; at higher altitudes it boils at lower temperatures.',
  ],
  [
    'How can the agreement be terminated?',
    'Either party may terminate this agreement with thirty days written notice to the other party.',
  ],
];

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** `POST /v1/embeddings` through the official openai client, against the real API process and model. */
describe('OpenAI-compatible embeddings (issue 13)', () => {
  let env: Env;
  let api: Api;
  let key: string;
  let otherKey: string;
  let client: OpenAI;
  let tokenizer: LiquidTokenizer;
  let local: LiquidEmbedder;

  beforeAll(async () => {
    env = makeEnv(LIMITS);
    key = createKey(env, 'embedders');
    otherKey = createKey(env, 'strangers');
    api = await startApi(env);
    client = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
    // In this process, not the service's: the model's own tokenizer.json (queries read the manifest's prefix first).
    tokenizer = await LiquidTokenizer.load(join(MODEL_DIR, 'tokenizer.json'));
    local = await loadLiquidEmbedder(MODEL_DIR);
    // A collection of this tenant (the document stays queued: no worker runs here).
    const up = await upload(api.url, key, new TextEncoder().encode('Notes about lakes.\n'), {
      filename: 'notes.txt',
      collection: 'notes',
    });
    expect(up.status).toBe(202);
  });

  afterAll(async () => {
    await local?.release();
    await api?.stop();
    env?.cleanup();
  });

  const tokens = (text: string) => tokenizer.encode((manifest.queryPrefix ?? '') + text).length;

  it('embeds one string: a unit vector of the model dimension, retrieval’s query vector, usage in model tokens', async () => {
    const text = 'How tall is Mount Everest?';
    // The client's default: it asks for base64 and decodes it to numbers itself.
    const r = await client.embeddings.create({ model: 'elegans', input: text });
    expect(r.object).toBe('list');
    expect(r.model).toBe('elegans');
    expect(r.data).toHaveLength(1);
    const v = r.data[0]!.embedding;
    expect(v).toHaveLength(manifest.featureDim);
    expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    expect(r.usage).toEqual({ prompt_tokens: tokens(text), total_tokens: tokens(text) });
    expect((r as unknown as { elegans: unknown }).elegans).toEqual({
      modelVersion: manifest.version,
      vector: 'query',
      dimensions: manifest.featureDim,
    });
    // The very vector /v1/search compares with stored passages (libs/retrieval's embedQuery).
    const q = await local.embedQuery(text);
    expect(dot(v, q)).toBeGreaterThan(0.9999);
  });

  it('embeds an array in order; each vector equals that text embedded alone', async () => {
    const texts = ['What do bees make from nectar?', 'The Titanic sank in 1912.', 'x'];
    const r = await client.embeddings.create({ model: 'elegans', input: texts, encoding_format: 'float' });
    expect(r.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const total = texts.reduce((s, t) => s + tokens(t), 0);
    expect(r.usage).toEqual({ prompt_tokens: total, total_tokens: total });
    for (const [i, t] of texts.entries()) {
      const alone = await client.embeddings.create({ model: 'elegans', input: t, encoding_format: 'float' });
      expect(dot(r.data[i]!.embedding, alone.data[0]!.embedding)).toBeGreaterThan(0.9999);
    }
    // Different texts, different vectors.
    expect(dot(r.data[0]!.embedding, r.data[1]!.embedding)).toBeLessThan(0.95);
  });

  it('base64 is little-endian float32 of exactly the float answer', async () => {
    const input = ['Honey bees store honey in wax combs.', 'Either party may terminate this agreement.'];
    const floats = await client.embeddings.create({ model: 'elegans', input, encoding_format: 'float' });
    const b64 = await client.embeddings.create({ model: 'elegans', input, encoding_format: 'base64' });
    for (const [i, d] of b64.data.entries()) {
      expect(typeof d.embedding).toBe('string');
      const buf = Buffer.from(d.embedding as unknown as string, 'base64');
      expect(buf.length).toBe(manifest.featureDim * 4);
      const decoded = Array.from({ length: manifest.featureDim }, (_, k) => buf.readFloatLE(k * 4));
      expect(decoded).toEqual(floats.data[i]!.embedding);
    }
    // And the client's own decoding (no encoding_format given) reads the same numbers.
    const auto = await client.embeddings.create({ model: 'elegans', input });
    expect(auto.data.map((d) => Array.from(d.embedding))).toEqual(floats.data.map((d) => d.embedding));
  });

  it('a question lands nearest the passage that answers it', async () => {
    const r = await client.embeddings.create({ model: 'elegans', input: PAIRS.flat() });
    const v = r.data.map((d) => d.embedding);
    for (let i = 0; i < PAIRS.length; i++) {
      const sims = PAIRS.map((_, k) => dot(v[2 * i]!, v[2 * k + 1]!));
      const best = sims.indexOf(Math.max(...sims));
      expect(best, `"${PAIRS[i]![0]}" → ${sims.map((s) => s.toFixed(3)).join(' ')}`).toBe(i);
    }
  });

  it('accepts the tenant’s model ids and the model’s own dimension; other ids are 404, other tenants’ collections too', async () => {
    const base = await client.embeddings.create({ model: 'elegans', input: 'lakes', encoding_format: 'float' });
    const col = await client.embeddings.create({ model: 'elegans:notes', input: 'lakes', encoding_format: 'float' });
    expect(col.model).toBe('elegans:notes');
    expect(col.data[0]!.embedding).toEqual(base.data[0]!.embedding);
    const dims = await client.embeddings.create({ model: 'elegans', input: 'lakes', dimensions: manifest.featureDim });
    expect(dims.data[0]!.embedding).toHaveLength(manifest.featureDim);

    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const stranger = new OpenAI({ apiKey: otherKey, baseURL: `${api.url}/v1`, maxRetries: 0 });
    await expect(stranger.embeddings.create({ model: 'elegans:notes', input: 'a' })).rejects.toMatchObject({
      status: 404,
    });
    const nobody = new OpenAI({ apiKey: 'elg_00000000_not-a-key', baseURL: `${api.url}/v1`, maxRetries: 0 });
    await expect(nobody.embeddings.create({ model: 'elegans', input: 'a' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  /** The client raises BadRequestError; the body is problem+json with OpenAI's error object beside it. */
  async function rejects400(body: Record<string, unknown>, detail: RegExp): Promise<void> {
    const err = await client.embeddings
      .create(body as unknown as OpenAI.EmbeddingCreateParams)
      .then(() => null)
      .catch((e: unknown) => e);
    expect(err, JSON.stringify(body).slice(0, 80)).toBeInstanceOf(BadRequestError);
    const e = err as BadRequestError;
    expect(e.status).toBe(400);
    expect(e.message).toMatch(detail);
    expect(e.code).toBe('validation_failed');
    expect(e.error).toMatchObject({ type: 'validation_failed', message: expect.stringMatching(detail) });
  }

  it('refuses what is past each limit, and malformed input, with a 400 that says which', async () => {
    const word = (n: number) => Array.from({ length: n }, (_, i) => `lake${i}`).join(' ');
    const overInput = word(40);
    expect(tokens(overInput)).toBeGreaterThan(64);
    const fortyish = word(14);
    expect(tokens(fortyish)).toBeGreaterThan(34);
    expect(tokens(fortyish)).toBeLessThanOrEqual(64);
    const justUnder = Math.floor(400 / tokens(fortyish));

    await rejects400({ model: 'elegans', input: Array(13).fill('a') }, /13 inputs; at most 12.*EMBEDDINGS_MAX_INPUTS/);
    await rejects400({ model: 'elegans', input: ['fine', overInput] }, /input\[1\]: \d+ tokens; at most 64/);
    await rejects400(
      { model: 'elegans', input: Array(justUnder + 1).fill(fortyish) },
      /tokens in all; at most 400.*EMBEDDINGS_MAX_TOTAL_TOKENS/,
    );
    await rejects400({ model: 'elegans', input: [] }, /at least one/);
    await rejects400({ model: 'elegans', input: ['ok', ''] }, /input\[1\]: empty/);
    await rejects400({ model: 'elegans', input: [[1, 2, 3]] }, /token-id arrays are not accepted/);
    await rejects400({ model: 'elegans', input: [1, 2, 3] }, /token-id arrays are not accepted/);
    await rejects400({ model: 'elegans', input: 'a', dimensions: 64 }, /dimensions: this model gives 256/);
    await rejects400({ model: 'elegans', input: 'a', encoding_format: 'int8' }, /encoding_format/);
    await rejects400({ model: 'elegans', input: 'a', temperature: 1 }, /temperature|unrecognized/i);

    // Right at the limits passes, and usage says how much was used.
    const ok = await client.embeddings.create({ model: 'elegans', input: Array(justUnder).fill(fortyish) });
    expect(ok.data).toHaveLength(justUnder);
    expect(ok.usage.prompt_tokens).toBe(justUnder * tokens(fortyish));
    expect(ok.usage.prompt_tokens).toBeLessThanOrEqual(400);
  });
});
