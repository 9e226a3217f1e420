import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/db';
import { makePdf } from './support/fixtures';
import { upload, waitForStatus } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'models', 'liquid', 'manifest.json'), 'utf8')) as {
  version: string;
  layers: number;
  hidden: number;
  featureDim: number;
};

describe('embed stage: every parsed document streams through the liquid model', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let key: string;

  beforeAll(async () => {
    env = makeEnv();
    key = createKey(env, 'embed');
    // Small checkpoints so the stage checkpoints even on a short document.
    [api, worker] = await Promise.all([startApi(env), startWorker(env, { MODEL_CHECKPOINT_TOKENS: '128' })]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('stores sentence and passage vectors, the final state and the document vector with the model version', async () => {
    const up = await upload(api.url, key, await makePdf(3, 12, 'embed'));
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    const doc = await waitForStatus(api.url, key, id, (d) => d.status === 'ready' || d.status === 'failed');
    expect(doc.status).toBe('ready');
    expect(doc.timings.embedding).toBeGreaterThan(0);
    expect(doc.tokens).toBeGreaterThan(0);

    const [state] = query<{
      model_version: string;
      tokens: number;
      sentences: number;
      state: Buffer;
      document_vector: Buffer;
    }>(
      env.dbPath,
      'SELECT model_version, tokens, sentences, state, document_vector FROM model_document_states WHERE document_id = ?',
      id,
    );
    expect(state).toBeDefined();
    expect(state!.model_version).toBe(manifest.version);
    expect(state!.tokens).toBe(doc.tokens);
    // Header + L×H float32: the whole document's context in a constant-size state.
    expect(state!.state.length).toBeGreaterThan(manifest.layers * manifest.hidden * 4);
    expect(state!.state.length).toBeLessThan(manifest.layers * manifest.hidden * 4 + 64);
    expect(state!.document_vector.length).toBe(manifest.featureDim * 4);
    const dv = new Float32Array(new Uint8Array(state!.document_vector).buffer);
    expect(Math.abs(dv.reduce((s, x) => s + x * x, 0) - 1)).toBeLessThan(1e-4);

    const counts = query<{ kind: string; n: number; version: string }>(
      env.dbPath,
      `SELECT v.kind AS kind, count(*) AS n, min(v.model_version) AS version FROM rt_vectors v
       WHERE (v.kind = 'passage' AND v.unit_id IN (SELECT id FROM rt_passages WHERE document_id = ?))
          OR (v.kind = 'sentence' AND v.unit_id IN (SELECT id FROM rt_sentences WHERE document_id = ?))
       GROUP BY v.kind ORDER BY v.kind`,
      id,
      id,
    );
    const units = query<{ p: number; s: number }>(
      env.dbPath,
      `SELECT (SELECT count(*) FROM rt_passages WHERE document_id = ?) AS p,
              (SELECT count(*) FROM rt_sentences WHERE document_id = ?) AS s`,
      id,
      id,
    )[0]!;
    expect(state!.sentences).toBe(units.s);
    expect(counts).toEqual([
      { kind: 'passage', n: units.p, version: manifest.version },
      { kind: 'sentence', n: units.s, version: manifest.version },
    ]);
    // Checkpoints are progress only: none remains once the document is done.
    expect(query(env.dbPath, 'SELECT 1 FROM model_checkpoints WHERE document_id = ?', id)).toEqual([]);
    expect(query(env.dbPath, 'SELECT 1 FROM model_partial_vectors WHERE document_id = ?', id)).toEqual([]);
  });
});
