import { Queue } from 'bullmq';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './setup/global-setup';
import { query } from './support/db';
import { makePdf } from './support/fixtures';
import { getJson, upload, waitForStatus } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';
import { expectAllJobsCompleted } from './support/queue';

/** A private redis-server (this suite restarts it), persisting with AOF like docker-compose's. */
class OwnRedis {
  proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try {
        if (execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG')
          return;
      } catch {
        // loading
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not come up');
  }

  /** SIGTERM: redis fsyncs its AOF and exits (a clean restart, as an operator or an orchestrator does it). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }
}

describe('fault: Redis restarts while documents are being processed', () => {
  let redis: OwnRedis;
  let env: Env;
  let api: Api;
  let workers: Service[];
  let key: string;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'elegans-redis-restart-')));
    await redis.start();
    env = makeEnv({ REDIS_URL: redis.url, LOCK_DURATION_MS: '3000', STALLED_INTERVAL_MS: '1000' });
    key = createKey(env, 'restart');
    api = await startApi(env);
    workers = await Promise.all([startWorker(env), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), ...(workers ?? []).map((w) => w.stop())]);
    await redis?.stop();
    env?.cleanup();
    if (redis) rmSync(redis.dir, { recursive: true, force: true });
  });

  it('workers and the API reconnect, and every document finishes: none lost, none failed', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const up = await upload(api.url, key, await makePdf(25, 10, `restart-${i}`));
      expect(up.status).toBe(202);
      ids.push(up.body.id as string);
    }
    await waitForStatus(api.url, key, ids[0]!, (d) => d.status !== 'queued', 60_000, 20);

    await redis.stop();
    // While Redis is away: reads served from SQLite still answer; readiness says not ready.
    expect((await getJson(`${api.url}/v1/documents/${ids[0]}`, key)).status).toBe(200);
    expect((await fetch(`${api.url}/health/ready`, { signal: AbortSignal.timeout(15_000) })).status).toBe(503);
    // An upload during the outage waits for Redis (its commands are queued by the client) rather than failing.
    const during = upload(api.url, key, await makePdf(5, 5, 'during-outage'));
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();

    const duringUp = await during;
    expect(duringUp.status).toBe(202);
    ids.push(duringUp.body.id as string);
    const after = await upload(api.url, key, await makePdf(5, 5, 'after-restart'));
    expect(after.status).toBe(202);
    ids.push(after.body.id as string);

    const docs = await Promise.all(
      ids.map((id) =>
        waitForStatus(api.url, key, id, (d) => d.status === 'ready' || d.status === 'failed', 150_000, 250),
      ),
    );
    expect(docs.map((d) => d.status)).toEqual(ids.map(() => 'ready'));
    expect(docs.map((d) => d.pages)).toEqual([...Array(6).fill(25), 5, 5]);
    for (const id of ids) {
      const n = query<{ n: number }>(env.dbPath, 'SELECT count(*) AS n FROM pages WHERE document_id = ?', id)[0]!.n;
      expect(n).toBe(docs.find((d) => d.id === id)!.pages);
    }
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
    for (const w of workers) expect(w.proc.exitCode).toBeNull(); // reconnected, not crashed

    const queue = new Queue('documents', { connection: { url: redis.url }, prefix: env.prefix });
    try {
      await expectAllJobsCompleted(queue, ids.length);
    } finally {
      await queue.close();
    }
  });
});
