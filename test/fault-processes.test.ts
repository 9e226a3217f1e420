import { Queue } from 'bullmq';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbQuery, failPageWrites, storedBlobs } from './support/db';
import { makePdf } from './support/fixtures';
import { getJson, startSlowUpload, upload, waitForStatus } from './support/http';
import { createKey, makeBackendEnv, startApi, startWorker, type Env } from './support/services';

/** Short locks so a job left behind by a dead or departed worker moves on within seconds. */
const FAST = { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '1000', JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '200' };

const jobIdOf = async (env: Env, id: string) =>
  (await dbQuery<{ job_id: string }>(env, 'SELECT job_id FROM documents WHERE id = ?', id))[0]!.job_id;
const partFiles = (dataDir: string) => {
  const dir = join(dataDir, 'tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults on real processes: API killed mid-upload, SIGTERM on a busy worker, a job that keeps failing', () => {
  let env: Env;
  let key: string;
  let queue: Queue;

  beforeAll(async () => {
    env = await makeBackendEnv(FAST);
    key = createKey(env, 'faults');
    queue = new Queue('documents', { connection: { url: env.redisUrl }, prefix: env.prefix });
  });

  afterAll(async () => {
    await queue?.close();
    env?.cleanup();
  });

  it('API SIGKILLed in the middle of an upload: no document, no blob; the same upload afterwards is new', async () => {
    const api = await startApi(env);
    const pdf = Buffer.from(await makePdf(40, 20, 'killed-upload'));
    const { req, answered } = startSlowUpload(api.url, key, pdf, 'half', pdf.length >> 1);
    // Half the file is on the server's disk (staged) when the API dies.
    const deadline = Date.now() + 10_000;
    while (!partFiles(env.dataDir).some((f) => statSync(join(env.dataDir, 'tmp', f)).size > 0)) {
      if (Date.now() > deadline) throw new Error('upload never started staging');
      await sleep(20);
    }
    api.proc.kill('SIGKILL');
    await api.exited();
    expect(await answered).toHaveProperty('error'); // the client saw the connection drop, not a success
    req.destroy();

    expect(await dbQuery(env, 'SELECT id FROM documents')).toEqual([]);
    expect(await storedBlobs(env)).toEqual([]);
    expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toMatchObject({
      waiting: 0,
      active: 0,
      delayed: 0,
    });

    // Restarted with a short staging age: the half-written staging file of the killed upload is swept.
    await sleep(1100);
    const again = await startApi(env, { UPLOAD_TMP_MAX_AGE_MS: '1000' });
    try {
      expect(partFiles(env.dataDir)).toEqual([]);
      expect(again.output()).toContain('removed stale upload staging files');
      expect((await getJson(`${again.url}/v1/documents`, key)).body.data).toEqual([]);
      const up = await upload(again.url, key, pdf, { filename: 'whole.pdf' });
      expect(up.status).toBe(202); // not 200: nothing of the killed attempt counts as "already uploaded"
      expect(await storedBlobs(env)).toHaveLength(1);
    } finally {
      await again.stop();
    }
  });

  it('SIGTERM on a busy worker whose job outlasts SHUTDOWN_TIMEOUT_MS: the job is handed back and finished by another', async () => {
    const api = await startApi(env);
    const worker = await startWorker(env, { SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      const up = await upload(api.url, key, await makePdf(30, 20, 'sigterm-handback'));
      expect(up.status).toBe(202);
      const id = up.body.id as string;
      // Busy: in any stage (parsing, embedding, indexing, summarizing), not done yet.
      const BUSY = new Set(['parsing', 'embedding', 'indexing', 'summarizing']);
      await waitForStatus(api.url, key, id, (d) => BUSY.has(d.status), 60_000, 20);
      const code = await worker.stop('SIGTERM');
      expect(code).toBe(1); // left before its job was done (the timeout path)
      expect(worker.output()).toContain('shutdown timeout');
      expect((await getJson(`${api.url}/v1/documents/${id}`, key)).body.status).not.toBe('ready');

      const second = await startWorker(env);
      try {
        const doc = await waitForStatus(api.url, key, id, (d) => d.status === 'ready' || d.status === 'failed');
        expect(doc.status).toBe('ready');
        expect(doc.pages).toBe(30);
        // The job itself completes too (on a loaded machine a short lock can be lost and the job rerun
        // once more; the stages are idempotent, so it still ends completed, never lost).
        const job = (await queue.getJob(await jobIdOf(env, id)))!;
        const deadline = Date.now() + 120_000;
        while ((await job.getState()) !== 'completed' && Date.now() < deadline) await sleep(250);
        expect(await job.getState()).toBe('completed');
        expect(
          (await dbQuery<{ n: number }>(env, 'SELECT count(*) AS n FROM pages WHERE document_id = ?', id))[0]!.n,
        ).toBe(30);
      } finally {
        await second.stop();
      }
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
  });

  it('a job that keeps failing ends failed with its code after JOB_ATTEMPTS attempts, and stays failed', async () => {
    const api = await startApi(env);
    const worker = await startWorker(env);
    // Fault injection on the real database: every write of parsed pages fails (like a broken disk).
    const clearFault = await failPageWrites(env);
    try {
      const up = await upload(api.url, key, await makePdf(3, 5, 'always-failing'));
      expect(up.status).toBe(202);
      const id = up.body.id as string;
      const doc = await waitForStatus(api.url, key, id, (d) => d.status === 'failed', 60_000);
      expect(doc.error).toMatchObject({ code: 'internal_error' });
      // The message is the stable public one, not the database's.
      expect(JSON.stringify(doc.error)).not.toContain('injected disk fault');
      const job = (await queue.getJob(await jobIdOf(env, id)))!;
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(3);
      expect(
        (await dbQuery<{ attempts: number }>(env, 'SELECT attempts FROM documents WHERE id = ?', id))[0]!.attempts,
      ).toBe(3);
      // No loop: nothing runs or waits for it afterwards.
      await sleep(1500);
      expect(await job.getState()).toBe('failed');
      expect((await queue.getJob(await jobIdOf(env, id)))!.attemptsMade).toBe(3);
      expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
      });
      expect(worker.output().match(/attempt failed; will retry/g)).toHaveLength(2);

      // A permanent error (bad input) fails at once, without the retries.
      const broken = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << >>\n%%EOF\n');
      const bad = await upload(api.url, key, broken, { filename: 'broken.pdf' });
      expect(bad.status).toBe(202);
      const badDoc = await waitForStatus(api.url, key, bad.body.id as string, (d) => d.status === 'failed', 60_000);
      expect(badDoc.error?.code).toMatch(/^pdf_|parse_failed|empty_document|no_text_layer/);
      expect((await queue.getJob(await jobIdOf(env, badDoc.id)))!.attemptsMade).toBe(1);

      // The fault cleared, the service works again: nothing was wedged by the failures.
      await clearFault();
      const ok = await upload(api.url, key, await makePdf(2, 4, 'after-fault'));
      expect((await waitForStatus(api.url, key, ok.body.id as string, (d) => d.status === 'ready')).pages).toBe(2);
    } finally {
      await clearFault();
      await Promise.all([api.stop(), worker.stop()]);
    }
  });
});
