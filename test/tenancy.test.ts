import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbQuery } from './support/db';
import { makePdf } from './support/fixtures';
import { auth, getJson, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeBackendEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

describe('tenant isolation: another tenant’s document is 404 on every route', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let alice: string;
  let bob: string;
  let pdf: Uint8Array;
  let aliceDoc: Doc;

  beforeAll(async () => {
    env = await makeBackendEnv();
    alice = createKey(env, 'alice');
    bob = createKey(env, 'bob');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    pdf = await makePdf(3, 5, 'tenancy');
    const up = await upload(api.url, alice, pdf, { collection: 'shared-name' });
    expect(up.status).toBe(202);
    aliceDoc = await waitForStatus(api.url, alice, up.body.id as string, (d) => d.status === 'ready');
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('GET, events and DELETE of alice’s document answer 404 to bob', async () => {
    const id = aliceDoc.id;
    const get = await getJson(`${api.url}/v1/documents/${id}`, bob);
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('not_found');
    // Same body as for an id that never existed: nothing tells bob the document exists.
    const missing = await getJson(`${api.url}/v1/documents/doc_00000000000000000000000000000000`, bob);
    expect({ ...get.body, detail: '' }).toEqual({ ...missing.body, detail: '' });
    expect((await getJson(`${api.url}/v1/documents/${id}/events`, bob)).status).toBe(404);
    const del = await fetch(`${api.url}/v1/documents/${id}`, { method: 'DELETE', headers: auth(bob) });
    expect(del.status).toBe(404);
    expect((await getJson(`${api.url}/v1/documents/${id}`, alice)).status).toBe(200);
  });

  it('lists only the caller’s documents, whatever the filters', async () => {
    const bobList = await getJson(`${api.url}/v1/documents?collection=shared-name`, bob);
    expect(bobList.body.data).toEqual([]);
    const bobAll = await getJson(`${api.url}/v1/documents?limit=100`, bob);
    expect(bobAll.body.data).toEqual([]);
    const aliceList = await getJson(`${api.url}/v1/documents?collection=shared-name`, alice);
    expect((aliceList.body.data as Doc[]).map((d) => d.id)).toEqual([aliceDoc.id]);
  });

  it('the same content from another tenant is a separate document, not a duplicate', async () => {
    const up = await upload(api.url, bob, pdf);
    expect(up.status).toBe(202);
    expect(up.body.id).not.toBe(aliceDoc.id);
    const bobDoc = await waitForStatus(api.url, bob, up.body.id as string, (d) => d.status === 'ready');
    expect(bobDoc.pages).toBe(3);
    const owners = await dbQuery<{ tenant_id: string }>(
      env,
      'SELECT DISTINCT tenant_id FROM documents WHERE content_hash = ?',
      aliceDoc.contentHash,
    );
    expect(owners).toHaveLength(2);
    expect((await getJson(`${api.url}/v1/documents/${aliceDoc.id}`, bob)).status).toBe(404);
    expect((await getJson(`${api.url}/v1/documents/${bobDoc.id}`, alice)).status).toBe(404);
  });
});
