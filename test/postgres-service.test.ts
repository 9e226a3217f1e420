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
 * PostgreSQL (a fresh database for this suite). Rows, checkpoints, batches, blobs and the retrieval
 * index (units, vectors, BM25 statistics, change log) live in PostgreSQL; DATA_DIR keeps only staging
 * and the blob cache. Two API processes share the one index: each finds what the worker wrote at its
 * next search, and neither returns a deleted document.
 */
describe.skipIf(!postgresUrl)('the service on PostgreSQL (DATABASE_URL)', () => {
  let env: Env;
  let api: Api;
  let api2: Api;
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
    [api, api2, worker] = await Promise.all([startApi(env), startApi(env), startWorker(env)]);
    db = new pg.Pool({ connectionString: url, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([api?.stop(), api2?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  const rows = async (sql: string, ...params: unknown[]) => (await db.query(sql, params)).rows;
  const search = async (url: string, body: Record<string, unknown>) => {
    const res = await fetch(`${url}/v1/search`, {
      method: 'POST',
      headers: { ...auth(alice), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { mode: string; results: { documentId: string; page: number; snippet: string }[] };
  };
  /** Every file under DATA_DIR, relative paths. */
  const filesUnder = (dir: string, base = ''): string[] =>
    readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? filesUnder(dir, join(base, e.name)) : [join(base, e.name)],
    );

  it('an uploaded PDF reaches ready, its rows and blob in PostgreSQL and none of them in DATA_DIR', async () => {
    // Both API processes load their vector index before the document exists (it must follow the database).
    for (const url of [api.url, api2.url]) {
      expect((await search(url, { query: 'pgsvc marker', mode: 'dense', k: 5 })).results).toEqual([]);
    }
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
    // The retrieval index: units, vectors of the model version, BM25 statistics and the change log.
    const [units] = await rows(
      `SELECT (SELECT count(*)::int FROM rt_passages WHERE document_id = $1) AS passages,
              (SELECT count(*)::int FROM rt_sentences WHERE document_id = $1) AS sentences,
              (SELECT count(*)::int FROM rt_vectors v JOIN rt_passages p ON p.id = v.unit_id
                 WHERE v.kind = 'passage' AND p.document_id = $1) AS vectors,
              (SELECT count(*)::int FROM rt_lex_units WHERE document_id = $1) AS lexical,
              (SELECT count(*)::int FROM rt_changes WHERE document_id = $1 AND op = 'index') AS changes`,
      id,
    );
    expect(units).toMatchObject({ passages: doc.passages, vectors: doc.passages, changes: 1 });
    expect(units!.sentences).toBeGreaterThan(0);
    expect(units!.lexical).toBe(units!.passages + units!.sentences);
    // No database file of any kind and no blob folder: only staging and the blob cache.
    expect(existsSync(join(env.dataDir, 'elegans.db'))).toBe(false);
    expect(existsSync(join(env.dataDir, 'blobs'))).toBe(false);
    expect(readdirSync(env.dataDir).sort()).toEqual(['cache', 'tmp']);
    expect(filesUnder(env.dataDir).filter((f) => /\.(sqlite|db)(-wal|-shm|-journal)?$/.test(f))).toEqual([]);
    expect(readdirSync(join(env.dataDir, 'tmp'))).toEqual([]);
    // Each API process finds the worker's vectors at its next search (dense: the in-memory index).
    for (const url of [api.url, api2.url]) {
      const dense = await search(url, { query: `Marker ${pageTag(2)} pgsvc`, mode: 'dense', k: 10 });
      expect(dense.mode).toBe('dense');
      expect(dense.results.map((r) => r.documentId)).toContain(id);
    }
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
    for (const url of [api.url, api2.url]) {
      const hits = await search(url, { query: `Marker ${pageTag(2)} pgsvc`, mode: 'lexical', k: 3 });
      expect(hits.results[0]).toMatchObject({ documentId: doc.id, page: 2 });
      expect(hits.results[0]!.snippet).toMatch(/<mark>pgsvc<\/mark>/i);
    }

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
    for (const t of ['rt_passages', 'rt_sentences', 'rt_lex_units']) {
      expect(await rows(`SELECT count(*)::int AS n FROM ${t} WHERE document_id = $1`, doc.id), t).toEqual([{ n: 0 }]);
    }
    expect(
      await rows("SELECT count(*)::int AS n FROM rt_changes WHERE document_id = $1 AND op = 'delete'", doc.id),
    ).toEqual([{ n: 1 }]);
    // Neither API process returns the deleted document, lexically or from its in-memory vectors.
    for (const url of [api.url, api2.url]) {
      for (const mode of ['lexical', 'dense', 'hybrid']) {
        const hits = await search(url, { query: `pgsvc Marker ${pageTag(2)}`, mode, k: 20 });
        expect(
          hits.results.filter((r) => r.documentId === doc.id),
          `${mode} ${url}`,
        ).toEqual([]);
      }
    }
  });
});
