import { createPgDatabase } from '@elegans/storage';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makePdf, pageTag } from './support/fixtures';
import { auth, getJson, readSse, upload, type Doc } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

const postgresUrl = inject('postgresUrl');

/**
 * The service with DATABASE_URL: the real API, worker and CLI processes against the run's private
 * PostgreSQL (a fresh database for this suite). Rows, checkpoints, batches and blobs live in
 * PostgreSQL; DATA_DIR keeps staging, the blob cache and (until retrieval moves) the search index.
 */
describe.skipIf(!postgresUrl)('the service on PostgreSQL (DATABASE_URL)', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let alice: string;
  let bob: string;
  let db: pg.Pool;
  let doc: Doc;

  beforeAll(async () => {
    const url = await createPgDatabase(postgresUrl!, `service_${process.pid}`);
    env = makeEnv({ DATABASE_URL: url });
    alice = createKey(env, 'alice');
    bob = createKey(env, 'bob');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    db = new pg.Pool({ connectionString: url, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  const rows = async (sql: string, ...params: unknown[]) => (await db.query(sql, params)).rows;

  it('an uploaded PDF reaches ready, its rows and blob in PostgreSQL and none of them in DATA_DIR', async () => {
    const up = await upload(api.url, alice, await makePdf(3, 8, 'pgsvc'), { collection: 'papers' });
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    const events = await readSse(`${api.url}/v1/documents/${id}/events`, alice);
    expect(events[events.length - 1]).toMatchObject({ event: 'done', data: { status: 'ready' } });
    doc = (await getJson(`${api.url}/v1/documents/${id}`, alice)).body as unknown as Doc;
    expect(doc).toMatchObject({ status: 'ready', pages: 3, collection: 'papers', format: 'pdf' });
    expect(doc.passages).toBeGreaterThan(0);

    const pages = await rows('SELECT number, text FROM pages WHERE document_id = $1 ORDER BY number', id);
    expect(pages.map((p) => p.number)).toEqual([1, 2, 3]);
    pages.forEach((p) => expect(p.text).toContain(`Marker ${pageTag(p.number as number)}`));
    expect(await rows('SELECT bytes::int AS bytes FROM pg_blobs WHERE sha256 = $1', doc.contentHash)).toEqual([
      { bytes: doc.bytes },
    ]);
    // The embed stage's final state went through the PostgreSQL model-state repository.
    expect(await rows('SELECT count(*)::int AS n FROM model_document_states WHERE document_id = $1', id)).toEqual([
      { n: 1 },
    ]);
    // No SQLite storage file and no blob folder: only staging, the blob cache and the retrieval index.
    expect(existsSync(join(env.dataDir, 'elegans.db'))).toBe(false);
    expect(existsSync(join(env.dataDir, 'blobs'))).toBe(false);
    expect(
      readdirSync(env.dataDir)
        .filter((n) => !n.startsWith('retrieval.db'))
        .sort(),
    ).toEqual(['cache', 'tmp']);
    expect(readdirSync(join(env.dataDir, 'tmp'))).toEqual([]);
  });

  it('serves the stored file, pages and search, and keeps the document from another tenant', async () => {
    const file = await fetch(`${api.url}/v1/documents/${doc.id}/file`, { headers: auth(alice) });
    expect(file.status).toBe(200);
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    const page = await getJson(`${api.url}/v1/documents/${doc.id}/pages?page=2`, alice);
    expect(page.status).toBe(200);
    const search = await fetch(`${api.url}/v1/search`, {
      method: 'POST',
      headers: { ...auth(alice), 'content-type': 'application/json' },
      body: JSON.stringify({ query: `Marker ${pageTag(2)} pgsvc`, mode: 'lexical', k: 3 }),
    });
    const hits = (await search.json()) as { results: { documentId: string; page: number }[] };
    expect(hits.results[0]).toMatchObject({ documentId: doc.id, page: 2 });

    expect((await getJson(`${api.url}/v1/documents/${doc.id}`, bob)).status).toBe(404);
    expect((await getJson(`${api.url}/v1/documents`, bob)).body.data).toEqual([]);
    expect(((await getJson(`${api.url}/v1/documents`, alice)).body.data as Doc[]).map((d) => d.id)).toEqual([doc.id]);
    expect((await fetch(`${api.url}/v1/documents/${doc.id}`, { method: 'DELETE', headers: auth(bob) })).status).toBe(
      404,
    );
  });

  it('runs a batch through the PostgreSQL batch repository', async () => {
    const form = new FormData();
    form.append('files', new Blob([await makePdf(1, 4, 'batchpg')]), 'one.pdf');
    form.append('files', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])]), 'image.png');
    const res = await fetch(`${api.url}/v1/batches`, { method: 'POST', headers: auth(alice), body: form });
    expect(res.status).toBe(202);
    const batch = (await res.json()) as { id: string };
    let view: Record<string, unknown> = {};
    for (const end = Date.now() + 120_000; Date.now() < end;) {
      view = (await getJson(`${api.url}/v1/batches/${batch.id}`, alice)).body;
      if (view.status !== 'processing') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(view.status).toBe('completed_with_errors');
    expect((view.documents as { status: string }[]).map((d) => d.status)).toEqual(['ready', 'rejected']);
    expect((await getJson(`${api.url}/v1/batches/${batch.id}`, bob)).status).toBe(404);
    // The worker's finalize job recorded the tally in PostgreSQL (it counts documents only, so the
    // refused image does not make it completed_with_errors there; the API's view above does).
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      const [b] = await rows('SELECT status FROM batches WHERE id = $1', batch.id);
      if (b?.status !== 'processing') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await rows('SELECT status FROM batches WHERE id = $1', batch.id)).toEqual([{ status: 'completed' }]);
  });

  it('deletes the document: every row, the blob and its index entries', async () => {
    const del = await fetch(`${api.url}/v1/documents/${doc.id}`, { method: 'DELETE', headers: auth(alice) });
    expect(del.status).toBe(204);
    expect((await getJson(`${api.url}/v1/documents/${doc.id}`, alice)).status).toBe(404);
    for (const t of ['documents', 'pages', 'sentences', 'passages', 'model_document_states']) {
      const col = t === 'documents' ? 'id' : 'document_id';
      expect(await rows(`SELECT count(*)::int AS n FROM ${t} WHERE ${col} = $1`, doc.id), t).toEqual([{ n: 0 }]);
    }
    expect(await rows('SELECT count(*)::int AS n FROM pg_blobs WHERE sha256 = $1', doc.contentHash)).toEqual([
      { n: 0 },
    ]);
    expect(existsSync(join(env.dataDir, 'cache', 'blobs', doc.contentHash.slice(0, 2), doc.contentHash))).toBe(false);
    const search = await fetch(`${api.url}/v1/search`, {
      method: 'POST',
      headers: { ...auth(alice), 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'pgsvc', mode: 'lexical', k: 5 }),
    });
    const hits = (await search.json()) as { results: { documentId: string }[] };
    expect(hits.results.filter((r) => r.documentId === doc.id)).toEqual([]);
  });
});
