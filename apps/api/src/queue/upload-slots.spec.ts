import { ElegansError } from '@elegans/common';
import IORedis, { type Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../../../server/src/redis-server';
import { takeUploadSlot, UploadSlots } from './upload-slots';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two UploadSlots on one real Redis stand for two API replicas. */
describe.skipIf(!hasRedisServer())('UploadSlots (upload slots shared by API replicas, in Redis)', () => {
  let dir: string;
  let redis: PrivateRedis;
  const clients: Redis[] = [];
  const client = () => {
    const c = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  let n = 0;
  const prefix = () => `spec${++n}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elegans-slots-spec-'));
    redis = await startPrivateRedis(dir, { persist: false });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the slots of every replica; release gives one back, twice is a no-op', async () => {
    const p = prefix();
    const a = new UploadSlots(client(), p, 10_000);
    const b = new UploadSlots(client(), p, 10_000);
    const s1 = await a.acquire();
    const s2 = await b.acquire();
    const s3 = await a.acquire();
    expect([s1.held, s2.held, s3.held]).toEqual([1, 2, 3]);
    expect(await b.count()).toBe(3);
    await s2.release();
    await s2.release();
    expect(await a.count()).toBe(2);
    await a.close();
    expect(await b.count()).toBe(0); // close gives back what is still held
    await b.close();
  });

  it("a replica that stops renewing (killed) loses its slots after the lease; a live one's are renewed", async () => {
    const p = prefix();
    const dead = new UploadSlots(client(), p, 600);
    const live = new UploadSlots(client(), p, 600);
    await dead.acquire();
    await dead.acquire();
    const kept = await live.acquire();
    await dead.close({ release: false }); // as if SIGKILLed: nothing removed, nothing renewed
    expect(await live.count()).toBe(3);
    await sleep(1500); // 2.5 leases: the live replica renewed its slot meanwhile
    expect(await live.count()).toBe(1);
    await kept.release();
    expect(await live.count()).toBe(0);
    await live.close();
  });

  it('takeUploadSlot: refuses with queue_full (and the Retry-After seconds) past QUEUE_MAX_WAITING, counting waiting jobs', async () => {
    const p = prefix();
    const a = new UploadSlots(client(), p, 10_000);
    const b = new UploadSlots(client(), p, 10_000);
    const config = { QUEUE_MAX_WAITING: 3, QUEUE_RETRY_AFTER_S: 7 };
    let waiting = 1;
    const queue = { waitingCount: async () => waiting };
    const first = await takeUploadSlot(a, queue, config);
    const second = await takeUploadSlot(b, queue, config);
    const refused = await takeUploadSlot(a, queue, config).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ElegansError);
    expect(refused).toMatchObject({ code: 'queue_full', details: { retryAfterSeconds: 7 } });
    expect(await a.count()).toBe(2); // the refused upload gave its slot back
    await first.release();
    waiting = 2; // the first upload became a waiting job
    await expect(takeUploadSlot(b, queue, config)).rejects.toMatchObject({ code: 'queue_full' });
    waiting = 1;
    const third = await takeUploadSlot(b, queue, config);
    await Promise.all([second.release(), third.release()]);
    await Promise.all([a.close(), b.close()]);
  });
});
