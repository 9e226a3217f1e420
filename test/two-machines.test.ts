import { REPORT_PAGES } from '@elegans/analysis';
import { parseDocument, type ParsedDocument } from '@elegans/ingest';
import { makePdf as makeReportPdf } from '@elegans/ingest/testing';
import { createPgDatabase } from '@elegans/storage';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makePdf, pageTag } from './support/fixtures';
import { auth, getJson, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

const postgresUrl = inject('postgresUrl');

/** Statuses of a job in progress (a worker holds it). */
const RUNNING = new Set(['parsing', 'embedding', 'indexing', 'summarizing']);
/** Short locks so a dead worker's job is taken over within seconds. */
const FAST_RECOVERY = { LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' };

interface Cite {
  documentId: string;
  page: number;
  start: number;
  end: number;
  text: string;
}
interface Hit extends Cite {
  pageEnd: number;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Issue 16, "two machines without a shared disk": two APIs (A, B) and two workers, every process
 * with its own empty DATA_DIR, one PostgreSQL database and one Redis. Nothing a request needs may
 * live on one machine's disk: a document uploaded through A is processed by whichever worker takes
 * it, then listed, searched, answered and deleted through B (or A); a worker SIGKILLed mid-document
 * is taken over by the other one, on the other disk.
 */
describe.skipIf(!postgresUrl)('two machines without a shared disk (DATABASE_URL, one Redis)', () => {
  /** One env per process: same database, Redis and queue prefix; a DATA_DIR of its own. */
  const envs: Env[] = [];
  let apiA: Api;
  let apiB: Api;
  const workers: Service[] = [];
  let key: string;
  let report: Uint8Array;
  let parsed: ParsedDocument;
  let docId: string;

  beforeAll(async () => {
    const url = await createPgDatabase(postgresUrl!, `two_machines_${process.pid}`);
    const first = makeEnv({ DATABASE_URL: url, ...FAST_RECOVERY });
    envs.push(first);
    for (let i = 1; i < 4; i++) envs.push(makeEnv({ DATABASE_URL: url, QUEUE_PREFIX: first.prefix, ...FAST_RECOVERY }));
    for (const e of envs) expect(readdirSync(e.dataDir)).toEqual([]);
    key = createKey(envs[0]!, 'fleet');
    const [a, b, w1, w2] = await Promise.all([
      startApi(envs[0]!),
      startApi(envs[1]!),
      startWorker(envs[2]!),
      startWorker(envs[3]!),
    ]);
    [apiA, apiB] = [a, b];
    workers.push(w1, w2);
    report = await makeReportPdf({
      pages: REPORT_PAGES.map((p) => ({ heading: p.heading, lines: p.lines })),
      outline: REPORT_PAGES.map((p, i) => ({ title: p.heading, page: i + 1 })),
    });
    // The parser the worker runs: offsets in B's answers must index this text.
    parsed = await parseDocument(report, { filename: 'report.pdf' });
  });

  afterAll(async () => {
    await Promise.all([apiA?.stop(), apiB?.stop(), ...workers.map((w) => w.stop())]);
    for (const e of envs) e.cleanup();
  });

  const post = async (api: Api, path: string, body: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { ...auth(key), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const search = async (api: Api, query: string, mode = 'lexical') =>
    (await post(api, '/v1/search', { query, mode, k: 10 })).body.results as Hit[];
  const del = async (api: Api, id: string) =>
    (await fetch(`${api.url}/v1/documents/${id}`, { method: 'DELETE', headers: auth(key) })).status;
  /** The hit is a passage of document `id` that covers page `page`. */
  const onPage = (hit: Hit | undefined, id: string, page: number) =>
    hit !== undefined && hit.documentId === id && hit.page <= page && page <= hit.pageEnd;
  const pageOf = (doc: ParsedDocument, offset: number) =>
    doc.pages.find((p) => offset >= p.start && offset < p.end)?.number;

  it('a document uploaded through API A is processed by a worker and listed through API B', async () => {
    const up = await upload(apiA.url, key, report, { filename: 'report.pdf', collection: 'lakes' });
    expect(up.status).toBe(202);
    docId = up.body.id as string;
    const doc = await waitForStatus(apiB.url, key, docId, (d) => d.status === 'ready' || d.status === 'failed');
    expect(doc).toMatchObject({ status: 'ready', pages: REPORT_PAGES.length, collection: 'lakes' });
    expect(((await getJson(`${apiB.url}/v1/documents`, key)).body.data as Doc[]).map((d) => d.id)).toEqual([docId]);
    const file = await fetch(`${apiB.url}/v1/documents/${docId}/file`, { headers: auth(key) });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(report))).toBe(true);
    expect(workers.filter((w) => w.output().includes(docId)).length).toBe(1);
  });

  it('is searchable through API B, with its page and offsets', async () => {
    for (const mode of ['lexical', 'hybrid']) {
      const hits = await search(apiB, 'survey of Lake Veronne began', mode);
      const hit = hits.find((h) => h.documentId === docId);
      expect(hit, `${mode} search through B`).toBeDefined();
      expect(parsed.text.slice(hit!.start, hit!.end)).toBe(hit!.text);
      expect(hit!.page).toBe(pageOf(parsed, hit!.start));
    }
  });

  it('is answerable through API B, cited at its page and exact offsets', async () => {
    const r = await post(apiB, '/v1/ask', { question: 'In what year did the survey of Lake Veronne begin?' });
    expect(r.status).toBe(200);
    expect(r.body.answer, 'the answer through B').toEqual(expect.stringContaining('1987'));
    const c = (r.body.citations as Cite[])[0];
    expect(c, 'a citation through B').toBeDefined();
    expect(c).toMatchObject({ documentId: docId, page: 2 });
    expect(parsed.text.slice(c!.start, c!.end)).toBe(c!.text);
    expect(c!.page).toBe(pageOf(parsed, c!.start));
  });

  it('deleted through API B: A and B both answer 404 and neither finds it any more', async () => {
    expect(await del(apiB, docId)).toBe(204);
    for (const api of [apiA, apiB]) {
      expect((await getJson(`${api.url}/v1/documents/${docId}`, key)).status).toBe(404);
      expect((await search(api, 'survey of Lake Veronne began')).filter((h) => h.documentId === docId)).toEqual([]);
      const r = await post(api, '/v1/ask', { question: 'In what year did the survey of Lake Veronne begin?' });
      expect((r.body.citations as Cite[]).filter((c) => c.documentId === docId)).toEqual([]);
    }
    expect(await del(apiA, docId)).toBe(404);
  });

  it('a second document, uploaded through B, is deleted through API A', async () => {
    const up = await upload(apiB.url, key, await makePdf(2, 6, 'secondmachine'), { filename: 'second.pdf' });
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    expect((await waitForStatus(apiA.url, key, id, (d) => d.status === 'ready' || d.status === 'failed')).status).toBe(
      'ready',
    );
    const [top] = await search(apiA, `Marker ${pageTag(2)} secondmachine`);
    expect(onPage(top, id, 2), `search through A: ${JSON.stringify(top)}`).toBe(true);
    expect(await del(apiA, id)).toBe(204);
    for (const api of [apiA, apiB]) {
      expect((await getJson(`${api.url}/v1/documents/${id}`, key)).status).toBe(404);
      expect((await search(api, 'secondmachine')).filter((h) => h.documentId === id)).toEqual([]);
    }
  });

  it('a worker SIGKILLed mid-document on one machine: the worker on the other machine finishes it', async () => {
    const up = await upload(apiA.url, key, await makePdf(300, 4, 'takeover'), { filename: 'long.pdf' });
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    // The owner is the worker whose log names the document (its first stage is done, the job is not).
    let owner = -1;
    for (const end = Date.now() + 120_000; owner < 0 && Date.now() < end;) {
      const d = (await getJson(`${apiA.url}/v1/documents/${id}`, key)).body;
      expect(d.status === 'ready' || d.status === 'failed', 'finished before the kill').toBe(false);
      if (RUNNING.has(d.status as string)) owner = workers.findIndex((w) => w.output().includes(id));
      if (owner < 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(owner).toBeGreaterThanOrEqual(0);
    const victim = workers[owner]!;
    const heir = workers[1 - owner]!;
    victim.proc.kill('SIGKILL');
    await victim.exited();
    const afterKill = (await getJson(`${apiA.url}/v1/documents/${id}`, key)).body;
    expect(RUNNING.has(afterKill.status as string)).toBe(true); // killed mid-document, not after it

    const doc = await waitForStatus(apiB.url, key, id, (d) => d.status === 'ready' || d.status === 'failed');
    expect(doc).toMatchObject({ status: 'ready', pages: 300 });
    const readyLine = new RegExp(`"documentId":"${id}"[^\\n]*"msg":"document ready"`);
    expect(heir.output()).toMatch(readyLine);
    expect(victim.output()).not.toMatch(readyLine);
    for (const api of [apiA, apiB]) {
      const hits = await search(api, `Marker ${pageTag(250)} takeover`);
      expect(onPage(hits[0], id, 250), `search through ${api === apiA ? 'A' : 'B'}: ${JSON.stringify(hits[0])}`).toBe(
        true,
      );
    }
  });

  it('no DATA_DIR holds a database file: only the blob cache and staging', () => {
    const names = ['api A', 'api B', 'worker 1', 'worker 2'];
    const strays = (pick: (e: Env) => string[]) => Object.fromEntries(envs.map((e, i) => [names[i]!, pick(e)]));
    const none = Object.fromEntries(names.map((n) => [n, []]));
    expect(strays((e) => readdirSync(e.dataDir).filter((n) => n !== 'cache' && n !== 'tmp'))).toEqual(none);
    expect(
      strays((e) => filesUnder(e.dataDir).filter((f) => /\.(db|sqlite\d?)(-wal|-shm|-journal)?$/.test(f))),
    ).toEqual(none);
    // The APIs staged every upload in tmp and left nothing behind there.
    for (const e of envs.slice(0, 2)) expect(filesUnder(e.dataDir).filter((f) => !f.startsWith('cache/'))).toEqual([]);
  });
});
