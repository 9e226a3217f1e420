import { Queue } from 'bullmq';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobStored, dbQuery, dbRowsForDocument } from './support/db';
import { makePdf } from './support/fixtures';
import { auth, getJson, upload, waitForStatus } from './support/http';
import { createKey, makeBackendEnv, startApi, startWorker, type Api, type Env } from './support/services';

/** Statuses of a job in progress (the worker holds it). */
const RUNNING = new Set(['parsing', 'embedding', 'indexing', 'summarizing']);

describe('DELETE removes rows, blob and job', () => {
  let env: Env;
  let api: Api;
  let key: string;
  let other: string;
  let queue: Queue;

  const del = (id: string, k = key) => fetch(`${api.url}/v1/documents/${id}`, { method: 'DELETE', headers: auth(k) });
  const noRows = async (id: string) => {
    const rows = await dbRowsForDocument(env, id);
    expect(Object.keys(rows)).toEqual(expect.arrayContaining(['documents', 'pages', 'sentences', 'passages']));
    expect(Object.entries(rows).filter(([, n]) => n > 0)).toEqual([]);
  };

  beforeAll(async () => {
    env = await makeBackendEnv({ LOCK_DURATION_MS: '5000' });
    key = createKey(env, 'deleter');
    other = createKey(env, 'other');
    api = await startApi(env);
    queue = new Queue('documents', { connection: { url: env.redisUrl }, prefix: env.prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await api?.stop();
    env?.cleanup();
  });

  it('a queued document: its job is removed, rows and blob are gone', async () => {
    // No worker is running yet, so the job waits in the queue.
    const up = await upload(api.url, key, await makePdf(2, 3, 'queued'));
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    const hash = up.body.contentHash as string;
    const jobId = (await dbQuery<{ job_id: string }>(env, 'SELECT job_id FROM documents WHERE id = ?', id))[0]!.job_id;
    expect(await (await queue.getJob(jobId))?.getState()).toBe('waiting');
    expect(await blobStored(env, hash)).toBe(true);

    expect((await del(id)).status).toBe(204);
    expect(await queue.getJob(jobId)).toBeUndefined();
    expect((await getJson(`${api.url}/v1/documents/${id}`, key)).status).toBe(404);
    await noRows(id);
    expect(await blobStored(env, hash)).toBe(false);
    expect((await del(id)).status).toBe(404);
  });

  it('a ready document: every row keyed by it (any lib’s table) and its blob are gone; re-upload works', async () => {
    const worker = await startWorker(env);
    try {
      const pdf = await makePdf(4, 6, 'ready');
      const up = await upload(api.url, key, pdf);
      const doc = await waitForStatus(api.url, key, up.body.id as string, (d) => d.status === 'ready');
      const before = await dbRowsForDocument(env, doc.id);
      expect(before.pages).toBe(4);
      expect(before.passages).toBeGreaterThan(0);

      expect((await del(doc.id)).status).toBe(204);
      await noRows(doc.id);
      expect(await blobStored(env, doc.contentHash)).toBe(false);
      expect(readdirSync(join(env.dataDir, 'tmp'))).toEqual([]);

      // The same content again is a fresh document that is processed again (no stale job id).
      const again = await upload(api.url, key, pdf);
      expect(again.status).toBe(202);
      expect(again.body.id).not.toBe(doc.id);
      const redone = await waitForStatus(api.url, key, again.body.id as string, (d) => d.status === 'ready');
      expect(redone.pages).toBe(4);
    } finally {
      await worker.stop();
    }
  });

  it('a blob shared by two tenants stays until the last document using it is deleted', async () => {
    const pdf = await makePdf(1, 2, 'shared');
    const a = await upload(api.url, key, pdf);
    const b = await upload(api.url, other, pdf);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const hash = a.body.contentHash as string;
    expect(b.body.contentHash).toBe(hash);
    expect((await del(a.body.id as string)).status).toBe(204);
    expect(await blobStored(env, hash)).toBe(true);
    expect((await getJson(`${api.url}/v1/documents/${b.body.id as string}`, other)).status).toBe(200);
    expect((await del(b.body.id as string, other)).status).toBe(204);
    expect(await blobStored(env, hash)).toBe(false);
  });

  it('a running document: the worker notices, stops the job as cancelled and leaves no rows', async () => {
    const worker = await startWorker(env);
    try {
      const up = await upload(api.url, key, await makePdf(300, 4, 'running'));
      const id = up.body.id as string;
      const jobId = (await dbQuery<{ job_id: string }>(env, 'SELECT job_id FROM documents WHERE id = ?', id))[0]!
        .job_id;
      await waitForStatus(api.url, key, id, (d) => RUNNING.has(d.status), 60_000, 20);
      expect((await del(id)).status).toBe(204);
      const deadline = Date.now() + 60_000;
      let state = '';
      while (Date.now() < deadline) {
        state = (await (await queue.getJob(jobId))?.getState()) ?? 'missing';
        if (state === 'failed' || state === 'missing') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(state).toBe('failed');
      expect((await queue.getJob(jobId))?.failedReason).toMatch(/cancelled/);
      await noRows(id);
      expect(worker.output()).toContain('job stopped');
    } finally {
      await worker.stop();
    }
  });
});
