import { Queue } from 'bullmq';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobStored, dbQuery } from './support/db';
import { makePdf, pageTag } from './support/fixtures';
import { getJson, readSse, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeBackendEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

describe('documents: upload → queue → worker → ready', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let key: string;
  let queue: Queue;

  beforeAll(async () => {
    env = await makeBackendEnv();
    key = createKey(env, 'acme');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    queue = new Queue('documents', { connection: { url: env.redisUrl }, prefix: env.prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('a generated 5-page PDF reaches ready with its pages, streamed over SSE', async () => {
    const pdf = await makePdf(5);
    const up = await upload(api.url, key, pdf, {
      filename: '../../etc/passwd.pdf',
      collection: 'papers',
      metadata: '{"source":"test"}',
    });
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    expect(id).toMatch(/^doc_/);
    expect(up.body.status).toBe('queued');
    expect(up.body.links).toEqual({ self: `/v1/documents/${id}`, events: `/v1/documents/${id}/events` });

    const events = await readSse(`${api.url}/v1/documents/${id}/events`, key);
    const last = events[events.length - 1]!;
    expect(last.event).toBe('done');
    expect(last.data.status).toBe('ready');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress as number);
    expect(progress[progress.length - 1]).toBe(100);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress); // never goes backwards

    const doc = (await getJson(`${api.url}/v1/documents/${id}`, key)).body as unknown as Doc;
    expect(doc.status).toBe('ready');
    expect(doc.progress).toBe(100);
    expect(doc.pages).toBe(5);
    expect(doc.characters).toBeGreaterThan(1000);
    expect(doc.passages).toBeGreaterThan(0);
    expect(doc.format).toBe('pdf');
    expect(doc.collection).toBe('papers');
    expect(doc.metadata).toEqual({ source: 'test' });
    expect(doc.filename).toBe('passwd.pdf'); // metadata only, the path part dropped
    expect(doc.timings.parsing).toBeGreaterThan(0);
    expect(doc.error).toBeNull();

    const pages = await dbQuery<{ number: number; text: string }>(
      env,
      'SELECT number, text FROM pages WHERE document_id = ? ORDER BY number',
      id,
    );
    expect(pages.map((p) => p.number)).toEqual([1, 2, 3, 4, 5]);
    pages.forEach((p) => expect(p.text).toContain(`Marker ${pageTag(p.number)}`));
    // The blob is content-addressed (under DATA_DIR, or in PostgreSQL), never under the client's file name.
    expect(await blobStored(env, doc.contentHash)).toBe(true);
    expect(existsSync(join(env.dataDir, 'etc'))).toBe(false);
    expect(readdirSync(join(env.dataDir, 'tmp'))).toEqual([]);
  });

  it('the same content uploaded again returns the same document (200) and queues nothing', async () => {
    const pdf = await makePdf(2, 4, 'dup');
    const first = await upload(api.url, key, pdf);
    expect(first.status).toBe(202);
    await waitForStatus(api.url, key, first.body.id as string, (d) => d.status === 'ready');
    const before = await queue.getJobCounts();
    const again = await upload(api.url, key, pdf, { filename: 'other-name.pdf' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.status).toBe('ready');
    expect(await queue.getJobCounts()).toEqual(before);
    const rows = await dbQuery<{ n: number }>(
      env,
      'SELECT count(*) AS n FROM documents WHERE content_hash = ?',
      first.body.contentHash,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('lists with cursor pagination and collection/status filters', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await upload(api.url, key, await makePdf(1, 2, `list-${i}`), { collection: 'listing' });
      expect(r.status).toBe(202);
    }
    const p1 = await getJson(`${api.url}/v1/documents?collection=listing&limit=2`, key);
    expect(p1.status).toBe(200);
    const d1 = p1.body.data as Doc[];
    expect(d1).toHaveLength(2);
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await getJson(
      `${api.url}/v1/documents?collection=listing&limit=2&cursor=${p1.body.nextCursor as string}`,
      key,
    );
    const d2 = p2.body.data as Doc[];
    expect(d2).toHaveLength(1);
    expect(p2.body.nextCursor).toBeNull();
    expect(new Set([...d1, ...d2].map((d) => d.id)).size).toBe(3);
    expect([...d1, ...d2].every((d) => d.collection === 'listing')).toBe(true);

    for (const d of [...d1, ...d2]) await waitForStatus(api.url, key, d.id, (x) => x.status === 'ready');
    const ready = await getJson(`${api.url}/v1/documents?collection=listing&status=ready&limit=100`, key);
    expect((ready.body.data as Doc[]).length).toBe(3);
    const failed = await getJson(`${api.url}/v1/documents?collection=listing&status=failed`, key);
    expect(failed.body.data).toEqual([]);
    const bad = await getJson(`${api.url}/v1/documents?status=bogus`, key);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    const badCursor = await getJson(`${api.url}/v1/documents?cursor=nope`, key);
    expect(badCursor.status).toBe(400);
  });

  it('a corrupt PDF fails once with a stable code, without retries', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref\n%%EOF');
    const up = await upload(api.url, key, bytes, { filename: 'broken.pdf' });
    expect(up.status).toBe(202);
    const doc = await waitForStatus(api.url, key, up.body.id as string, (d) => d.status === 'failed');
    expect(doc.error?.code).toMatch(/^(pdf_corrupt|parse_failed|empty_document|no_text_layer)$/);
    expect(doc.error?.message).toEqual(expect.any(String));
    const job = await queue.getJob(
      `doc-${(await dbQuery<{ tenant_id: string }>(env, 'SELECT tenant_id FROM documents WHERE id = ?', doc.id))[0]!.tenant_id}-${doc.contentHash}`,
    );
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe('failed');
  });

  it('exposes health, OpenAPI and Prometheus metrics', async () => {
    expect((await getJson(`${api.url}/health/live`)).status).toBe(200);
    const ready = await getJson(`${api.url}/health/ready`);
    expect(ready.body).toEqual({ status: 'ok', checks: { redis: 'ok', database: 'ok' } });
    const openapi = await getJson(`${api.url}/docs/openapi.json`);
    expect(Object.keys(openapi.body.paths as object)).toEqual(
      expect.arrayContaining(['/v1/documents', '/v1/documents/{id}', '/v1/documents/{id}/events']),
    );
    expect((await fetch(`${api.url}/docs`)).status).toBe(200);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/elegans_jobs\{queue="documents",state="completed"\} [1-9]/);
    expect(metrics).toMatch(/elegans_stage_duration_seconds_count\{stage="parsing"\} [1-9]/);
    expect(metrics).toContain('elegans_tokens_streamed_total');
  });

  it('never logs keys or document text', () => {
    const logs = api.output() + worker.output();
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(key.slice(13));
    expect(logs).not.toContain(`Marker ${pageTag(3)}`);
    // Logs are structured: every stdout line is one JSON object.
    for (const line of api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{')))
      expect(() => JSON.parse(line)).not.toThrow();
  });
});
