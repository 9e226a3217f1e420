import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbQuery } from './support/db';
import { makePdf } from './support/fixtures';
import { getJson, upload, waitForStatus } from './support/http';
import { createKey, makeBackendEnv, startApi, startWorker, type Api, type Env } from './support/services';

/** Statuses of a job in progress (the worker holds it). */
const RUNNING = new Set(['parsing', 'embedding', 'indexing', 'summarizing']);

/** Short locks so a dead worker's job is taken over within seconds. */
const FAST_RECOVERY = { LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' };

describe('workers: crash takeover and graceful shutdown', () => {
  let env: Env;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    env = await makeBackendEnv(FAST_RECOVERY);
    key = createKey(env, 'recovery');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.stop();
    env?.cleanup();
  });

  it('a worker killed with SIGKILL mid-job: a second worker takes the job over and the document reaches ready', async () => {
    const first = await startWorker(env);
    const up = await upload(api.url, key, await makePdf(300, 4, 'sigkill'));
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    await waitForStatus(api.url, key, id, (d) => RUNNING.has(d.status), 60_000, 20);
    first.proc.kill('SIGKILL');
    await first.exited();
    const afterKill = (await getJson(`${api.url}/v1/documents/${id}`, key)).body;
    expect(RUNNING.has(afterKill.status as string)).toBe(true); // killed mid-job, not after it

    const second = await startWorker(env);
    try {
      const doc = await waitForStatus(api.url, key, id, (d) => d.status === 'ready' || d.status === 'failed', 120_000);
      expect(doc.status).toBe('ready');
      expect(doc.pages).toBe(300);
      expect(second.output()).toContain('document ready');
      const pages = await dbQuery<{ n: number }>(env, 'SELECT count(*) AS n FROM pages WHERE document_id = ?', id);
      expect(pages[0]!.n).toBe(300); // the retried parse replaced, not duplicated, its rows
    } finally {
      await second.stop();
    }
  });

  it('SIGTERM lets the active job finish before the worker exits', async () => {
    const worker = await startWorker(env, { SHUTDOWN_TIMEOUT_MS: '60000' });
    const up = await upload(api.url, key, await makePdf(150, 4, 'sigterm'));
    const id = up.body.id as string;
    await waitForStatus(api.url, key, id, (d) => RUNNING.has(d.status), 60_000, 20);
    const code = await worker.stop('SIGTERM');
    expect(code).toBe(0);
    const doc = (await getJson(`${api.url}/v1/documents/${id}`, key)).body;
    expect(doc.status).toBe('ready');
    expect(doc.pages).toBe(150);
  });

  it('refuses to start with a bad configuration value, in one line', async () => {
    await expect(startWorker(env, { WORKER_CONCURRENCY: 'lots' })).rejects.toThrow(/WORKER_CONCURRENCY/);
    await expect(startApi(env, { MAX_UPLOAD_MB: '-1' })).rejects.toThrow(/exited with 78[\s\S]*MAX_UPLOAD_MB/);
  });
});
