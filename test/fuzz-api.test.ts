import { Queue } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from './support/http';
import { createKey, makeEnv, startApi, type Api, type Env } from './support/services';

/** Statuses a well-behaved API may give to arbitrary client input: never a 5xx. */
const ALLOWED = new Set([200, 201, 202, 400, 404, 413, 415, 422, 429]);

async function jsonRoutes(base: string): Promise<string[]> {
  const doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  return Object.entries(doc.paths)
    .filter(([path, m]) => m.post && !path.includes('{') && !m.post.requestBody?.content?.['multipart/form-data'])
    .map(([path]) => path);
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const token = fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/);

/** JSON-ish text: valid JSON of any shape, broken JSON (cut, spliced), deep nesting, raw bytes. */
const jsonBody = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc.json().chain((j) => fc.nat(Math.max(0, j.length - 1)).map((n) => j.slice(0, n))),
  fc.tuple(fc.json(), fc.string(), fc.json()).map(([a, b, c]) => a + b + c),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.record({ query: fc.anything(), question: fc.anything(), messages: fc.anything(), k: fc.anything() }).map((o) => {
    try {
      return JSON.stringify(o) ?? 'null';
    } catch {
      return '{}';
    }
  }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n % 3 === 0 ? n : 0)),
  fc.constantFrom('', 'null', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000'),
);

/** Plausible requests with odd values: these reach the services (search, ask, chat), not just the parser. */
const text = fc.string({ minLength: 1, maxLength: 200 });
const plausibleBody = fc
  .oneof(
    fc.record(
      {
        query: text,
        mode: fc.constantFrom('hybrid', 'lexical', 'dense', 'other'),
        unit: fc.constantFrom('passage', 'sentence'),
        k: fc.integer({ min: -2, max: 120 }),
        offset: fc.integer({ min: -1, max: 2000 }),
        neighbours: fc.integer({ min: 0, max: 5 }),
        mmr: fc.double({ min: 0, max: 1.5, noNaN: true }),
        documentIds: fc.array(fc.oneof(token, fc.constant('doc_00000000000000000000000000000000')), { maxLength: 3 }),
      },
      { requiredKeys: ['query'] },
    ),
    fc.record({ question: text, k: fc.integer({ min: 0, max: 30 }) }, { requiredKeys: ['question'] }),
    fc.record(
      {
        model: fc.constantFrom('elegans', 'gpt-4', ''),
        stream: fc.boolean(),
        messages: fc.array(fc.record({ role: fc.constantFrom('user', 'system', 'assistant', 'tool'), content: text }), {
          maxLength: 4,
        }),
      },
      { requiredKeys: ['messages'] },
    ),
  )
  .map((o) => JSON.stringify(o));

/** Multipart bodies: sometimes well formed, often not (bad headers, missing/duplicated boundaries, truncation). */
const multipart = fc
  .record({
    boundary: fc.stringMatching(/^[A-Za-z0-9'()+_,.-]{1,40}$/),
    declared: fc.oneof(fc.constant('same'), fc.constant('none'), fc.constant('other')),
    parts: fc.array(
      fc.record({
        name: fc.oneof(fc.constantFrom('file', 'collection', 'metadata', 'documents'), token),
        filename: fc.option(fc.oneof(token, fc.string({ maxLength: 40 }), fc.constant('../../x')), { nil: undefined }),
        extraHeader: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
        body: fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
          fc.constant('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF'),
          fc.json(),
        ),
      }),
      { maxLength: 4 },
    ),
    close: fc.constantFrom('proper', 'missing', 'garbage'),
    prefix: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  })
  .map((m) => {
    let body = m.prefix ?? '';
    for (const p of m.parts) {
      body += `--${m.boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
      if (p.filename !== undefined) body += `; filename="${p.filename}"`;
      body += '\r\n';
      if (p.extraHeader !== undefined) body += `${p.extraHeader}\r\n`;
      body += `\r\n${p.body}\r\n`;
    }
    if (m.close === 'proper') body += `--${m.boundary}--\r\n`;
    if (m.close === 'garbage') body += `--${m.boundary}`;
    const type =
      m.declared === 'same'
        ? `multipart/form-data; boundary=${m.boundary}`
        : m.declared === 'none'
          ? 'multipart/form-data'
          : 'multipart/form-data; boundary=somethingelse';
    return { type, body: Buffer.from(body, 'latin1') };
  });

/** Well-formed uploads with odd names, fields and contents: these get past the parser into the service. */
const validUpload = fc
  .record({
    filename: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('../../etc/passwd'), fc.constant('a\u0000b.txt')),
    content: fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constant('%PDF-1.4\n%broken pdf body'),
      fc.constant('<html><body><p>hello</p></body></html>'),
    ),
    collection: fc.option(fc.oneof(token, fc.string({ maxLength: 70 })), { nil: undefined }),
    metadata: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 50 })), { nil: undefined }),
  })
  .map((u) => {
    const boundary = 'FuzzBoundary7MA4YWxkTrZu0gW';
    let body = '';
    if (u.collection !== undefined)
      body += `--${boundary}\r\nContent-Disposition: form-data; name="collection"\r\n\r\n${u.collection}\r\n`;
    if (u.metadata !== undefined)
      body += `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${u.metadata}\r\n`;
    const name = u.filename.replace(/["\r\n\\]/g, '_');
    body += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n`;
    body += `Content-Type: application/octet-stream\r\n\r\n${u.content}\r\n--${boundary}--\r\n`;
    return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.from(body, 'latin1') };
  });

describe('fuzz: generated JSON and multipart bodies get 4xx (or success), never 5xx, and the API stays up', () => {
  let env: Env;
  let api: Api;
  let key: string;
  const seen = new Map<number, number>();

  beforeAll(async () => {
    // No worker: accepted uploads just wait. No rate limit and a deep queue, so every body reaches its route.
    env = makeEnv({ RATE_LIMIT_MAX: '0', QUEUE_MAX_WAITING: '1000000', MAX_UPLOAD_MB: '1' });
    key = createKey(env, 'fuzz');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.stop();
    env?.cleanup();
    console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  });

  const count = (s: number) => seen.set(s, (seen.get(s) ?? 0) + 1);

  it('JSON routes: malformed JSON is 400, any JSON value is 2xx/4xx', async () => {
    const routes = await jsonRoutes(api.url);
    expect(routes).toContain('/v1/search');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(jsonBody, plausibleBody), async (route, body) => {
        const res = await fetch(`${api.url}${route}`, {
          method: 'POST',
          headers: { ...auth(key), 'Content-Type': 'application/json' },
          body,
        });
        const text = await res.text();
        count(res.status);
        expect(
          ALLOWED.has(res.status),
          `${route} ${res.status} for ${JSON.stringify(body).slice(0, 200)}: ${text}`,
        ).toBe(true);
        if (!isJson(body) && body.trim() !== '') expect(res.status, `${route} ${JSON.stringify(body)}`).toBe(400);
        expect(res.headers.get('content-type') ?? '').toMatch(/json|event-stream/);
      }),
      { numRuns: 250 },
    );
  });

  it('uploads: generated multipart bodies (valid and broken) get 2xx/4xx', async () => {
    const routes = ['/v1/documents', '/v1/batches'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(multipart, validUpload), async (route, m) => {
        const res = await fetch(`${api.url}${route}`, {
          method: 'POST',
          headers: { ...auth(key), 'Content-Type': m.type },
          body: m.body,
        });
        const text = await res.text();
        count(res.status);
        expect(
          ALLOWED.has(res.status),
          `${route} ${res.status}: ${text}\n${m.type}\n${m.body.toString('latin1')}`,
        ).toBe(true);
        if (res.status >= 400) expect(JSON.parse(text)).toMatchObject({ status: res.status, code: expect.any(String) });
      }),
      { numRuns: 250 },
    );
  });

  it('back-pressure: past QUEUE_MAX_WAITING an upload gets 429 queue_full with Retry-After, and is not stored', async () => {
    const form = new FormData();
    form.set('file', new Blob([`one more waiting document ${Date.now()}`]), 'wait.txt');
    const ok = await fetch(`${api.url}/v1/documents`, { method: 'POST', headers: auth(key), body: form });
    expect(ok.status).toBe(202); // no worker runs here: it stays waiting
    const limited = await startApi(env, { QUEUE_MAX_WAITING: '1', QUEUE_RETRY_AFTER_S: '7' });
    try {
      const again = new FormData();
      again.set('file', new Blob([`refused document ${Date.now()}`]), 'refused.txt');
      const res = await fetch(`${limited.url}/v1/documents`, { method: 'POST', headers: auth(key), body: again });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(((await res.json()) as { code: string }).code).toBe('queue_full');
      const list = (await (await fetch(`${api.url}/v1/documents?limit=100`, { headers: auth(key) })).json()) as {
        data: Array<{ filename: string | null }>;
      };
      expect(list.data.some((d) => d.filename === 'refused.txt')).toBe(false);
    } finally {
      await limited.stop();
    }
  });

  it('back-pressure holds under concurrency: 20 simultaneous uploads with room for 3 → exactly 3 accepted', async () => {
    const queue = new Queue('documents', { connection: { url: env.redisUrl }, prefix: env.prefix });
    const waiting = await queue.getWaitingCount();
    await queue.close();
    const limited = await startApi(env, { QUEUE_MAX_WAITING: String(waiting + 3) });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const form = new FormData();
          form.set('file', new Blob([`concurrent upload ${i} ${Date.now()}`]), `c${i}.txt`);
          return (await fetch(`${limited.url}/v1/documents`, { method: 'POST', headers: auth(key), body: form }))
            .status;
        }),
      );
      expect(statuses.filter((s) => s === 202)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    } finally {
      await limited.stop();
    }
  });

  it('the API is still up and logged no unhandled error', async () => {
    expect(api.proc.exitCode).toBeNull();
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${api.url}/v1/documents`, { headers: auth(key) })).status).toBe(200);
    expect(api.output()).not.toContain('unhandled error');
  });
});
