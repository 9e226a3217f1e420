import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrievalQuery } from './support/db';
import { makePdf, pageTag } from './support/fixtures';
import { auth, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeBackendEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

interface Result {
  documentId: string;
  page: number;
  start: number;
  end: number;
  text: string;
  snippet: string;
  score: number;
  context?: { before: { text: string }[]; after: { text: string }[] };
}

describe('POST /v1/search on documents indexed by the worker', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let alice: string;
  let bob: string;
  let aliceDoc: Doc;
  let bobDoc: Doc;

  const search = async (key: string, body: unknown) => {
    const res = await fetch(`${api.url}/v1/search`, {
      method: 'POST',
      headers: { ...auth(key), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { results: Result[] } };
  };

  beforeAll(async () => {
    env = await makeBackendEnv();
    alice = createKey(env, 'alice');
    bob = createKey(env, 'bob');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    const a = await upload(api.url, alice, await makePdf(3, 6, 'zephyrine'), { collection: 'papers' });
    const b = await upload(api.url, bob, await makePdf(2, 6, 'quillback'));
    aliceDoc = await waitForStatus(api.url, alice, a.body.id as string, (d) => d.status === 'ready');
    bobDoc = await waitForStatus(api.url, bob, b.body.id as string, (d) => d.status === 'ready');
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('finds the page heading lexically with page, offsets and a highlighted snippet', async () => {
    const res = await search(alice, { query: `Marker ${pageTag(2)} zephyrine`, mode: 'lexical', k: 3, neighbours: 1 });
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('lexical');
    const top = res.body.results[0]!;
    expect(top.documentId).toBe(aliceDoc.id);
    expect(top.page).toBe(2);
    expect(top.text).toContain(`Marker ${pageTag(2)}`);
    expect(top.end - top.start).toBe(top.text.length);
    expect(top.snippet).toMatch(/<mark>zephyrine<\/mark>/i);
    // Neighbour expansion: the sentences around the passage are returned (the page before ends it).
    expect(top.context!.before.length + top.context!.after.length).toBeGreaterThan(0);
  });

  it('hybrid (the default) works and never returns another tenant’s passages', async () => {
    const mine = await search(alice, { query: 'zephyrine quillback river', k: 50 });
    expect(mine.status).toBe(200);
    expect(['hybrid', 'lexical']).toContain(mine.body.mode);
    expect(mine.body.results.length).toBeGreaterThan(0);
    expect(new Set(mine.body.results.map((r) => r.documentId))).toEqual(new Set([aliceDoc.id]));
    const theirs = await search(bob, { query: 'zephyrine', mode: 'lexical' });
    expect(theirs.body.results).toEqual([]);
    // Naming alice's document explicitly does not help bob.
    const named = await search(bob, { query: 'zephyrine', documentIds: [aliceDoc.id] });
    expect(named.body.results).toEqual([]);
    const filtered = await search(alice, { query: 'zephyrine', collection: 'elsewhere', mode: 'lexical' });
    expect(filtered.body.results).toEqual([]);
  });

  it('answers bad requests with a 400 problem body', async () => {
    for (const body of [
      {},
      { query: '' },
      { query: 'x', k: 1000 },
      { query: 'x', mode: 'fuzzy' },
      { query: 'x', bogus: 1 },
    ]) {
      const res = await search(alice, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await fetch(`${api.url}/v1/search`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('deleting a document removes its hits and index rows', async () => {
    expect((await search(bob, { query: 'quillback', mode: 'lexical' })).body.results.length).toBeGreaterThan(0);
    const del = await fetch(`${api.url}/v1/documents/${bobDoc.id}`, { method: 'DELETE', headers: auth(bob) });
    expect(del.status).toBe(204);
    expect((await search(bob, { query: 'quillback', mode: 'lexical' })).body.results).toEqual([]);
    const left = await retrievalQuery<{ n: number }>(
      env,
      'SELECT (SELECT count(*) FROM rt_passages WHERE document_id = ?) + (SELECT count(*) FROM rt_sentences WHERE document_id = ?) AS n',
      bobDoc.id,
      bobDoc.id,
    );
    expect(left[0]!.n).toBe(0);
  });
});
