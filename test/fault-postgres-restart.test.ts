import { createPgDatabase } from '@elegans/storage';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgresServer, startPrivatePostgres, type PrivatePostgres } from '../apps/server/src/postgres-server';
import { dbQuery } from './support/db';
import { makePdf } from './support/fixtures';
import { getJson, upload, waitForStatus } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';
import { expectAllJobsCompleted } from './support/queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL stopped (pg_ctl stop -m fast: every connection is terminated) while documents are
 * being processed, then started again on the same port and data, as an operator or an orchestrator
 * restarts it. A server private to this suite (test/setup/postgres-setup.ts's is shared by the run).
 */
describe.skipIf(!hasPostgresServer())('fault: PostgreSQL restarts while documents are being processed', () => {
  let pg: PrivatePostgres;
  let env: Env;
  let api: Api;
  let workers: Service[];
  let key: string;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const url = await createPgDatabase(pg.url, 'restart');
    // Retries with room for an outage of a few seconds (exponential from 500 ms: 0.5, 1, 2, 4, 8 s…).
    env = makeEnv({
      DATABASE_URL: url,
      LOCK_DURATION_MS: '3000',
      STALLED_INTERVAL_MS: '1000',
      JOB_ATTEMPTS: '8',
      JOB_BACKOFF_MS: '500',
    });
    key = createKey(env, 'pgrestart');
    api = await startApi(env);
    workers = await Promise.all([startWorker(env), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), ...(workers ?? []).map((w) => w.stop())]);
    await pg?.stop();
    env?.cleanup();
  });

  it('API and workers survive and reconnect; every document ends ready, nothing lost', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const up = await upload(api.url, key, await makePdf(25, 10, `pg-restart-${i}`));
      expect(up.status).toBe(202);
      ids.push(up.body.id as string);
    }
    // Mid-processing: the first document is being worked on, the last ones still wait.
    await waitForStatus(api.url, key, ids[0]!, (d) => d.status !== 'queued', 60_000, 20);

    await pg.halt();
    // While PostgreSQL is away: readiness says so (503, naming the database), and the API still answers.
    const ready = await fetch(`${api.url}/health/ready`, { signal: AbortSignal.timeout(15_000) });
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { detail: string }).detail).toMatch(/database/);
    const read = await getJson(`${api.url}/v1/documents/${ids[0]}`, key);
    expect(read.status).toBeGreaterThanOrEqual(500); // an error answer, not a hang and not a crash
    await sleep(2000);
    for (const p of [api, ...workers]) expect(p.proc.exitCode).toBeNull();
    await pg.resume();

    // The API answers again without being restarted: reads, readiness, a new upload.
    const back = Date.now() + 30_000;
    while ((await fetch(`${api.url}/health/ready`)).status !== 200) {
      if (Date.now() > back) throw new Error(`API not ready after the restart:\n${api.output().slice(-4000)}`);
      await sleep(200);
    }
    expect((await getJson(`${api.url}/v1/documents/${ids[0]}`, key)).status).toBe(200);
    const after = await upload(api.url, key, await makePdf(5, 5, 'after-pg-restart'));
    expect(after.status).toBe(202);
    ids.push(after.body.id as string);

    const docs = await Promise.all(
      ids.map((id) =>
        waitForStatus(api.url, key, id, (d) => d.status === 'ready' || d.status === 'failed', 150_000, 250),
      ),
    );
    expect(docs.map((d) => [d.id, d.status, d.error?.code ?? null])).toEqual(ids.map((id) => [id, 'ready', null]));
    expect(docs.map((d) => d.pages)).toEqual([...Array(6).fill(25), 5]);
    for (const d of docs) {
      const rows = await dbQuery<{ n: number }>(env, 'SELECT count(*) AS n FROM pages WHERE document_id = ?', d.id);
      expect(rows[0]!.n).toBe(d.pages); // retried stages replaced their rows, none duplicated
    }
    for (const p of [api, ...workers]) expect(p.proc.exitCode).toBeNull(); // reconnected, not crashed

    const queue = new Queue('documents', { connection: { url: env.redisUrl }, prefix: env.prefix });
    try {
      await expectAllJobsCompleted(queue, ids.length);
      // The jobs the outage interrupted were retried (attempts beyond the first, or a stalled
      // job taken over), not lost and not failed.
      const jobs = await queue.getJobs(['completed']);
      const extra = jobs.map((j) => j.attemptsMade - 1 + (j.stalledCounter ?? 0));
      console.log(`pg restart: extra attempts per job ${JSON.stringify(extra)}`);
      expect(extra.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      await queue.close();
    }
  });
});
