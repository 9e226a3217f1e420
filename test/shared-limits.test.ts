import IORedis from 'ioredis';
import type { ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from './support/fixtures';
import { auth, startSlowUpload, upload } from './support/http';
import { createKey, makeEnv, startApi, type Api, type Env } from './support/services';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Requests still open (a failed assertion would leave them holding the API's shutdown). */
const open: ClientRequest[] = [];

function slowUpload(api: Api, key: string, pdf: Buffer, name: string) {
  const up = startSlowUpload(api.url, key, pdf, name, 1024);
  open.push(up.req);
  return up;
}

/**
 * Two API replicas on one Redis (no worker: an accepted upload stays a waiting job). The
 * back-pressure limit (QUEUE_MAX_WAITING) counts waiting jobs plus the uploads being received by
 * either replica; a replica that is killed mid-upload gives its slots back when their lease ends.
 */
describe('shared upload limits across API replicas', () => {
  let env: Env;
  let a: Api;
  let b: Api;
  let key: string;
  let redis: IORedis;

  beforeAll(async () => {
    env = makeEnv({ QUEUE_MAX_WAITING: '3', QUEUE_RETRY_AFTER_S: '9', UPLOAD_SLOT_LEASE_MS: '1500' });
    key = createKey(env, 'limits');
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
    redis = new IORedis(env.redisUrl, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    for (const r of open) r.destroy();
    await Promise.all([a?.stop(), b?.stop()]);
    env?.cleanup();
  });

  // Live slots: those whose lease (the score, Redis time in ms) has not ended.
  const inFlight = async () => {
    const [sec, usec] = await redis.time();
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    return redis.zcount(`${env.prefix}:uploads:in-flight`, `(${now}`, '+inf');
  };
  const waitInFlight = async (n: number, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while ((await inFlight()) !== n) {
      if (Date.now() > deadline) throw new Error(`uploads in flight never reached ${n} (at ${await inFlight()})`);
      await sleep(50);
    }
  };

  it('the limit holds across both replicas, and a killed replica’s slots are released after the lease', async () => {
    const pdf = Buffer.from(await makePdf(4, 40, 'slow'));
    // Two slow uploads through A, one through B: three in flight, the limit.
    const slowA = [slowUpload(a, key, pdf, 'a1'), slowUpload(a, key, pdf, 'a2')];
    await waitInFlight(2);
    const slowB = slowUpload(b, key, pdf, 'b1');
    await waitInFlight(3);

    // Both replicas refuse: neither has three uploads of its own, but together they do.
    for (const api of [a, b]) {
      const form = new FormData();
      form.set('file', new Blob([await makePdf(1, 2, `refused-${api.url}`)]), 'r.pdf');
      const res = await fetch(`${api.url}/v1/documents`, { method: 'POST', headers: auth(key), body: form });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('9');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 429, code: 'queue_full' });
    }
    expect(await inFlight()).toBe(3); // the refused uploads gave their slots back
    // Either replica's /metrics reports the cluster-wide number.
    expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(/^elegans_uploads_in_flight 3$/m);

    // A dies with two uploads half received: nothing gives its slots back but their lease.
    a.proc.kill('SIGKILL');
    await a.exited();
    for (const s of slowA) expect(await s.answered).toHaveProperty('error');
    await waitInFlight(1);

    // One slot of B in flight: two more fit (each then waits in the queue), the third does not.
    const first = await upload(b.url, key, await makePdf(1, 2, 'after-1'));
    expect(first.status).toBe(202);
    const second = await upload(b.url, key, await makePdf(1, 2, 'after-2'));
    expect(second.status).toBe(202);
    const third = await upload(b.url, key, await makePdf(1, 2, 'after-3'));
    expect(third).toMatchObject({ status: 429, body: { code: 'queue_full' } });

    // B's slow upload completes: accepted (it held its slot all along), and the queue is now full.
    const done = await slowB.finish();
    expect(done).toMatchObject({ status: 202 });
    expect(await inFlight()).toBe(0);
    expect((await upload(b.url, key, await makePdf(1, 2, 'after-4'))).status).toBe(429);

    // A restarted replica shares the same count.
    a = await startApi(env);
    expect((await upload(a.url, key, await makePdf(1, 2, 'after-5'))).status).toBe(429);
  });
});
