import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/db';
import { getJson, upload, waitForStatus } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

const WORDS = (
  'river mountain harbor lantern orchard meadow copper violet canyon glacier falcon willow state ' +
  'neuron memory stream token passage section model liquid time constant gate cell layer signal ' +
  'document reader network query answer summary index offset worker queue storage tenant blob'
).split(' ');

/** A long plain-text document (about 1k sentences: 17k tokens), different words in every sentence. */
function longText(sentences: number, seed: number): string {
  let s = seed;
  const word = () => {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    return WORDS[(s >>> 8) % WORDS.length]!;
  };
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const w = Array.from({ length: 9 }, word).join(' ');
    out.push(`${w.charAt(0).toUpperCase()}${w.slice(1)} number ${i}.`);
    if (i % 12 === 11) out.push('\n\n');
  }
  return out.join(' ');
}

async function tokensStreamed(api: Api): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const m = /^elegans_tokens_streamed_total (\d+)/m.exec(text);
  if (!m) throw new Error('elegans_tokens_streamed_total missing from /metrics');
  return Number(m[1]);
}

/** Every stored vector of a document, by table: the model's state and document vector, retrieval's vectors. */
function storedVectors(dbPath: string, id: string): Record<string, Buffer[]> {
  const out: Record<string, Buffer[]> = {};
  const state = query<{ state: Buffer; document_vector: Buffer }>(
    dbPath,
    'SELECT state, document_vector FROM model_document_states WHERE document_id = ?',
    id,
  );
  out['model_document_states.state'] = state.map((r) => r.state);
  out['model_document_states.document_vector'] = state.map((r) => r.document_vector);
  // Retrieval's sentence and passage vectors (the embed stage's output, stored by the index stage).
  for (const kind of ['sentence', 'passage']) {
    out[`rt_vectors.${kind}`] = query<{ f32: Buffer }>(
      dbPath,
      `SELECT v.f32 FROM rt_vectors v JOIN rt_${kind}s u ON u.id = v.unit_id
        WHERE v.kind = ? AND u.document_id = ? ORDER BY u.idx`,
      kind,
      id,
    ).map((r) => r.f32);
  }
  const tables = query<{ name: string }>(dbPath, "SELECT name FROM sqlite_master WHERE type = 'table'").map(
    (t) => t.name,
  );
  for (const t of tables) {
    const cols = query<{ name: string; type: string }>(dbPath, 'SELECT name, type FROM pragma_table_info(?)', t);
    if (!cols.some((c) => c.name === 'document_id') || t.startsWith('model_')) continue;
    const blobCols = cols.filter((c) => c.type.toUpperCase() === 'BLOB').map((c) => c.name);
    if (blobCols.length === 0) continue;
    const order = cols.some((c) => c.name === 'rowid')
      ? 'rowid'
      : cols.map((c) => c.name).filter((n) => n !== 'document_id')[0];
    for (const c of blobCols) {
      out[`${t}.${c}`] = query<Record<string, Buffer>>(
        dbPath,
        `SELECT "${c}" FROM "${t}" WHERE document_id = ? ORDER BY ${order}`,
        id,
      ).map((r) => r[c]!);
    }
  }
  return out;
}

// The exactly carried state, and the same document streamed in lanes. Lanes checkpoint only at the end of a
// round (lanes × max segment tokens, here 4 × 1024: about five rounds), so the lanes case also shows that a
// crash costs at most the round in flight and that the resumed run streams the same lanes as a clean one.
const PATHS: Array<[string, Record<string, string>]> = [
  ['the exact carried state', { MODEL_LANES: '1' }],
  [
    'parallel lanes',
    {
      MODEL_LANES: '4',
      MODEL_LANE_WARMUP_TOKENS: '256',
      MODEL_LANE_MIN_SEGMENT_TOKENS: '1024',
      MODEL_LANE_MAX_SEGMENT_TOKENS: '1024',
    },
  ],
];

describe.each(PATHS)('resumable streaming (%s): a worker killed halfway through a long document', (_name, model) => {
  let env: Env;
  let api: Api;
  let second: Service | null = null;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    env = makeEnv({
      LOCK_DURATION_MS: '2000',
      STALLED_INTERVAL_MS: '1000',
      MODEL_CHECKPOINT_TOKENS: '700',
      ...model,
    });
    alice = createKey(env, 'alice');
    bob = createKey(env, 'bob');
    api = await startApi(env);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), second?.stop()]);
    env?.cleanup();
  });

  it('the retry resumes from the last checkpoint: ≤ 1.1× the tokens in total, vectors equal to an uninterrupted run', async () => {
    const bytes = new TextEncoder().encode(longText(1000, 42));
    const first = await startWorker(env);
    const before = await tokensStreamed(api);
    const up = await upload(api.url, alice, bytes, { filename: 'long.txt' });
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    // Halfway through the embedding band (25 → 80): kill without warning.
    await waitForStatus(api.url, alice, id, (d) => d.status === 'embedding' && d.progress >= 52, 180_000, 20);
    first.proc.kill('SIGKILL');
    await first.exited();
    expect((await getJson(`${api.url}/v1/documents/${id}`, alice)).body.status).toBe('embedding');
    const cp = query<{ next_sentence: number; sentences: number }>(
      env.dbPath,
      'SELECT next_sentence, sentences FROM model_checkpoints WHERE document_id = ?',
      id,
    );
    expect(cp).toHaveLength(1); // there is a checkpoint to resume from
    expect(cp[0]!.next_sentence).toBeGreaterThan(cp[0]!.sentences / 4);

    second = await startWorker(env);
    const doc = await waitForStatus(api.url, alice, id, (d) => d.status === 'ready' || d.status === 'failed', 180_000);
    expect(doc.status).toBe('ready');
    const total = doc.tokens as number;
    expect(total).toBeGreaterThan(10_000);
    const streamedWithKill = (await tokensStreamed(api)) - before;
    const resumed = second
      .output()
      .split('\n')
      .filter((l) => l.includes('"embedded"'))
      .map((l) => JSON.parse(l) as { resumedAt: number; streamed: number; tokens: number; lanes: number });
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.lanes).toBe(Number(model.MODEL_LANES));
    expect(resumed[0]!.resumedAt).toBeGreaterThan(0);
    expect(resumed[0]!.streamed).toBeLessThan(total * 0.6);

    // The same bytes from another tenant: a separate document, streamed without interruption.
    const mid = await tokensStreamed(api);
    const clean = await upload(api.url, bob, bytes, { filename: 'long.txt' });
    expect(clean.status).toBe(202);
    const cleanDoc = await waitForStatus(api.url, bob, clean.body.id as string, (d) => d.status === 'ready');
    const streamedClean = (await tokensStreamed(api)) - mid;
    expect(cleanDoc.tokens).toBe(total);
    expect(streamedClean).toBe(total);

    console.log(
      `resume: document ${total} tokens; with a SIGKILL at ${doc.id}: ${streamedWithKill} streamed ` +
        `(${(streamedWithKill / total).toFixed(3)}×), resumed at sentence ${resumed[0]!.resumedAt}; uninterrupted: ${streamedClean}; ` +
        `compared bit for bit: ${Object.keys(storedVectors(env.dbPath, id)).join(', ')}`,
    );
    expect(streamedWithKill).toBeGreaterThanOrEqual(total);
    expect(streamedWithKill).toBeLessThanOrEqual(1.1 * total);

    const a = storedVectors(env.dbPath, id);
    const b = storedVectors(env.dbPath, cleanDoc.id);
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a['model_document_states.document_vector']).toHaveLength(1);
    expect(a['rt_vectors.sentence']!.length).toBeGreaterThan(900); // one per sentence, all compared
    expect(a['rt_vectors.passage']!.length).toBeGreaterThan(10);
    for (const k of Object.keys(a)) {
      expect(a[k]!.length, k).toBe(b[k]!.length);
      a[k]!.forEach((buf, i) => expect(buf.equals(b[k]![i]!), `${k}[${i}] differs`).toBe(true));
    }
    // Nothing of the interrupted attempt is left behind.
    expect(query(env.dbPath, 'SELECT document_id FROM model_checkpoints')).toEqual([]);
  });
});
