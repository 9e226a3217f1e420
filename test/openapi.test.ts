import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from './support/fixtures';
import { auth, upload, waitForStatus } from './support/http';
import { PublishedSchemas, servedRoutes, type OpenApiDoc } from './support/openapi';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

/** Splits a text/event-stream body into `{event?, data}` frames (data parsed as JSON unless it is `[DONE]`). */
function sseFrames(text: string): { event?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => /^data: /m.test(block))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const raw = /^data: (.*)$/m.exec(block)![1]!;
      return { ...(event ? { event } : {}), data: raw === '[DONE]' ? raw : JSON.parse(raw) };
    });
}

/**
 * /docs/openapi.json is generated from the zod schemas that validate the requests: every route the
 * router serves must be in it with response schemas, and real answers of the main routes must match
 * what it publishes (checked with Ajv against the document itself, not against the zod source).
 */
describe('OpenAPI document: complete, and true to the real responses', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let key: string;
  let doc: OpenApiDoc;
  let schemas: PublishedSchemas;
  let docId: string;
  let pdf: Uint8Array;
  const checked: string[] = [];

  /** Calls a route and validates the answer against the schema published for (route, status, media type). */
  async function call(
    method: 'get' | 'post' | 'delete',
    template: string,
    init: { path?: string; body?: unknown; form?: FormData; expect?: number } = {},
  ): Promise<{ status: number; body: unknown; frames?: unknown[] }> {
    const url = `${api.url}${init.path ?? template}`;
    const headers: Record<string, string> = auth(key);
    let body: FormData | string | undefined;
    if (init.form) body = init.form;
    else if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const res = await fetch(url, { method: method.toUpperCase(), headers, ...(body ? { body } : {}) });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = await res.text();
    if (init.expect !== undefined) expect(res.status, `${method} ${url}: ${text.slice(0, 300)}`).toBe(init.expect);
    const label = `${method.toUpperCase()} ${template} → ${res.status} ${type}`;
    let parsed: unknown;
    let items: unknown[];
    if (type === 'text/event-stream') items = sseFrames(text);
    else if (type === 'application/x-ndjson')
      items = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
    else items = [(parsed = JSON.parse(text) as unknown)];
    expect(items.length, label).toBeGreaterThan(0);
    for (const item of items) {
      expect(
        schemas.errors(template, method, res.status, type, item),
        `${label}: ${JSON.stringify(item).slice(0, 400)}`,
      ).toEqual([]);
    }
    checked.push(label);
    return { status: res.status, body: parsed, ...(parsed === undefined ? { frames: items } : {}) };
  }

  beforeAll(async () => {
    env = makeEnv();
    key = createKey(env, 'openapi');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    doc = (await (await fetch(`${api.url}/docs/openapi.json`)).json()) as OpenApiDoc;
    schemas = new PublishedSchemas(doc);
    if (process.env.DUMP_OPENAPI)
      (await import('node:fs')).writeFileSync(process.env.DUMP_OPENAPI, JSON.stringify(doc, null, 1));
    pdf = await makePdf(2, 6, 'openapi');
    const up = await upload(api.url, key, pdf, {
      filename: 'tiny.pdf',
      collection: 'specs',
    });
    expect(up.status).toBe(202);
    docId = up.body.id as string;
    expect(
      (await waitForStatus(api.url, key, docId, (d) => d.status === 'ready' || d.status === 'failed')).status,
    ).toBe('ready');
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('has a response schema for every route the router serves, and the problem+json error shape', async () => {
    const served = await servedRoutes(env.vars);
    expect(served.length).toBeGreaterThanOrEqual(20);
    const missing: string[] = [];
    for (const route of served) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op?.responses) {
        missing.push(`${route}: not in the document`);
        continue;
      }
      const success = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
      if (success.length === 0) missing.push(`${route}: no 2xx response`);
      for (const [status, r] of success) {
        if (status === '204') continue;
        const content = Object.entries(r.content ?? {});
        if (content.length === 0 || content.some(([, m]) => !m.schema)) missing.push(`${route} → ${status}: no schema`);
      }
      const errors = Object.entries(op.responses).filter(([s]) => s === 'default' || /^[45]\d\d$/.test(s));
      for (const [status, r] of errors) {
        if (!r.content?.['application/problem+json']?.schema) missing.push(`${route} → ${status}: not problem+json`);
      }
      if (!op.responses.default) missing.push(`${route}: no default (problem+json) response`);
    }
    expect(missing).toEqual([]);
    // And nothing is documented that is not served.
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('documents SSE and file routes with their media types', () => {
    const events = doc.paths['/v1/documents/{id}/events']!.get!.responses!['200']!.content!;
    expect(Object.keys(events)).toEqual(['text/event-stream']);
    const chat = doc.paths['/v1/chat/completions']!.post!.responses!['200']!.content!;
    expect(Object.keys(chat).sort()).toEqual(['application/json', 'text/event-stream']);
    const file = doc.paths['/v1/documents/{id}/file']!.get!.responses!['200']!.content!;
    expect(file['application/pdf']?.schema).toMatchObject({ type: 'string', format: 'binary' });
    // Request bodies are inline objects with properties (the fuzz and isolation suites read them).
    const search = doc.paths['/v1/search']!.post!.requestBody!.content!['application/json']!.schema as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(search.required).toEqual(['query']);
    expect(Object.keys(search.properties)).toEqual(expect.arrayContaining(['query', 'mode', 'k', 'documentIds']));
  });

  it('real answers of the main routes match their published schemas', async () => {
    const id = `/v1/documents/${docId}`;
    // Upload again: the same bytes answer 200 with the existing document.
    const form = new FormData();
    form.set('file', new Blob([pdf]), 'tiny.pdf');
    form.set('collection', 'specs');
    await call('post', '/v1/documents', { form, expect: 200 });
    const fresh = new FormData();
    fresh.set('file', new Blob([new TextEncoder().encode('A short note about schemas. It is validated.')]), 'n.txt');
    await call('post', '/v1/documents', { form: fresh, expect: 202 });
    const one = await call('get', '/v1/documents/{id}', { path: id, expect: 200 });
    // Negative controls: the validator does reject a body that strays from the schema.
    const published = (b: unknown) => schemas.errors('/v1/documents/{id}', 'get', 200, 'application/json', b);
    const real = one.body as Record<string, unknown>;
    expect(published({ ...real, undocumented: 1 })).not.toEqual([]);
    expect(published({ ...real, status: 'lost' })).not.toEqual([]);
    expect(published({ ...real, pages: undefined })).not.toEqual([]);
    await call('get', '/v1/documents', { path: '/v1/documents?limit=5&collection=specs', expect: 200 });
    await call('get', '/v1/documents/{id}/summary', { path: `${id}/summary`, expect: 200 });
    await call('get', '/v1/documents/{id}/summary', { path: `${id}/summary?length=2`, expect: 200 });
    await call('get', '/v1/documents/{id}/sections', { path: `${id}/sections`, expect: 200 });
    await call('get', '/v1/documents/{id}/pages', { path: `${id}/pages`, expect: 200 });
    await call('get', '/v1/documents/{id}/pages', { path: `${id}/pages?page=2`, expect: 200 });
    await call('get', '/v1/documents/{id}/pages', { path: `${id}/pages?from=1&to=1`, expect: 200 });
    const boxes = await call('get', '/v1/documents/{id}/geometry', {
      path: `${id}/geometry?start=0&end=40`,
      expect: 200,
    });
    expect((boxes.body as { geometry: boolean }).geometry).toBe(true);
    await call('get', '/v1/documents/{id}/geometry', { path: `${id}/geometry?start=9&end=3`, expect: 400 });
    const events = await call('get', '/v1/documents/{id}/events', { path: `${id}/events`, expect: 200 });
    expect(events.frames!.map((f) => (f as { event: string }).event)).toEqual(['progress', 'done']);
    const search = await call('post', '/v1/search', { body: { query: 'liquid network memory', k: 3 }, expect: 200 });
    expect((search.body as { results: unknown[] }).results.length).toBeGreaterThan(0);
    await call('post', '/v1/search', {
      body: { query: 'river mountain', unit: 'sentence', neighbours: 1, mode: 'lexical' },
      expect: 200,
    });
    await call('post', '/v1/ask', { body: { question: 'What does the liquid network read?' }, expect: 200 });
    const messages = [{ role: 'user', content: 'What does the liquid network read?' }];
    await call('post', '/v1/chat/completions', { body: { model: 'elegans:specs', messages }, expect: 200 });
    const stream = await call('post', '/v1/chat/completions', {
      body: { model: 'elegans', messages, stream: true },
      expect: 200,
    });
    expect(stream.frames!.at(-1)).toEqual({ data: '[DONE]' });
    await call('post', '/v1/embeddings', { body: { model: 'elegans', input: ['lakes', 'rivers'] }, expect: 200 });
    await call('post', '/v1/embeddings', {
      body: { model: 'elegans', input: 'lakes', encoding_format: 'base64' },
      expect: 200,
    });
    await call('post', '/v1/embeddings', { body: { model: 'elegans', input: [1, 2, 3] }, expect: 400 });
    const models = await call('get', '/v1/models', { expect: 200 });
    expect((models.body as { data: { id: string }[] }).data.map((m) => m.id)).toContain('elegans:specs');
    await call('get', '/v1/models/{id}', { path: '/v1/models/elegans:specs', expect: 200 });
    const batch = new FormData();
    batch.append('files', new Blob([new TextEncoder().encode('Batch note one. It has two sentences.')]), 'one.txt');
    batch.append('files', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])]), 'image.png');
    const created = await call('post', '/v1/batches', { form: batch, expect: 202 });
    const batchId = (created.body as { id: string }).id;
    await call('get', '/v1/batches/{id}', { path: `/v1/batches/${batchId}`, expect: 200 });
    await call('get', '/v1/batches/{id}/results', { path: `/v1/batches/${batchId}/results`, expect: 200 });
    await call('get', '/health/live', { expect: 200 });
    await call('get', '/health/ready', { expect: 200 });
    // Errors: problem+json as published.
    await call('get', '/v1/documents/{id}', { path: '/v1/documents/doc_missing', expect: 404 });
    await call('post', '/v1/search', { body: { query: '' }, expect: 400 });
    await call('get', '/v1/documents', { path: '/v1/documents?limit=0', expect: 400 });
    await call('post', '/v1/chat/completions', { body: { model: 'gpt-4', messages }, expect: 400 });
    console.log(`openapi: ${checked.length} real answers validated\n${checked.join('\n')}`);
  });
});
