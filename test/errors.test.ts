import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/db';
import { makePdf, pngBytes } from './support/fixtures';
import { auth, getJson, upload } from './support/http';
import { createKey, makeEnv, startApi, type Api, type Env } from './support/services';

function expectProblem(res: { status: number; body: Record<string, unknown> }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    type: expect.stringContaining(code),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
}

async function raw(url: string, init: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text) as Record<string, unknown>,
    type: res.headers.get('content-type'),
  };
}

describe('API errors are problem+json with stable codes', () => {
  let env: Env;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    // No worker: these checks are about the HTTP edge. 1 MB upload limit to test 413 cheaply.
    env = makeEnv({ MAX_UPLOAD_MB: '1', QUEUE_MAX_WAITING: '2' });
    key = createKey(env, 'errors');
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.stop();
    env?.cleanup();
  });

  const noLeftovers = () => {
    expect(query(env.dbPath, 'SELECT id FROM documents')).toEqual([]);
    const tmp = join(env.dataDir, 'tmp');
    if (existsSync(tmp)) expect(readdirSync(tmp)).toEqual([]);
    const blobs = join(env.dataDir, 'blobs');
    if (existsSync(blobs))
      expect(readdirSync(blobs, { recursive: true }).filter((f) => String(f).length > 2)).toEqual([]);
  };

  it('401 without a key, with a malformed header, and with an unknown key', async () => {
    for (const headers of [
      {},
      { Authorization: key },
      { Authorization: 'Basic abc' },
      auth('elg_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      auth(key + 'x'),
    ]) {
      const res = await fetch(`${api.url}/v1/documents`, { headers });
      const body = (await res.json()) as Record<string, unknown>;
      expectProblem({ status: res.status, body }, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const up = await upload(api.url, 'elg_bogus', await makePdf(1));
    expectProblem(up, 401, 'unauthorized');
    noLeftovers();
  });

  it('404 for an unknown document on every route, and for unknown routes', async () => {
    expectProblem(await getJson(`${api.url}/v1/documents/doc_missing`, key), 404, 'not_found');
    expectProblem(await getJson(`${api.url}/v1/documents/doc_missing/events`, key), 404, 'not_found');
    expectProblem(
      await raw(`${api.url}/v1/documents/doc_missing`, { method: 'DELETE', headers: auth(key) }),
      404,
      'not_found',
    );
    expectProblem(await getJson(`${api.url}/v2/nothing`, key), 404, 'not_found');
  });

  it('413 for a file over MAX_UPLOAD_MB, leaving no temp file or row', async () => {
    const big = new Uint8Array(1024 * 1024 + 10_000);
    big.set(new TextEncoder().encode('%PDF-1.7\n'));
    expectProblem(await upload(api.url, key, big), 413, 'payload_too_large');
    // A client that does not declare the length (chunked): the stream itself is cut at the limit.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        const boundary = '--XBOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n';
        c.enqueue(new TextEncoder().encode(boundary));
        c.enqueue(big);
        c.enqueue(new TextEncoder().encode('\r\n--XBOUNDARY--\r\n'));
        c.close();
      },
    });
    const res = await fetch(`${api.url}/v1/documents`, {
      method: 'POST',
      headers: { ...auth(key), 'Content-Type': 'multipart/form-data; boundary=XBOUNDARY' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expectProblem(
      { status: res.status, body: (await res.json()) as Record<string, unknown> },
      413,
      'payload_too_large',
    );
    noLeftovers();
  });

  it('415 for an unsupported type (magic bytes, whatever the name) or a non-multipart body', async () => {
    expectProblem(
      await upload(api.url, key, pngBytes(), { filename: 'looks-like.pdf' }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await raw(`${api.url}/v1/documents`, {
        method: 'POST',
        headers: { ...auth(key), 'Content-Type': 'application/pdf' },
        body: await makePdf(1),
      }),
      415,
      'unsupported_media_type',
    );
    noLeftovers();
  });

  it('400 for malformed multipart, a missing file, bad fields and malformed JSON', async () => {
    const post = (body: string, type = 'multipart/form-data; boundary=XX') =>
      raw(`${api.url}/v1/documents`, { method: 'POST', headers: { ...auth(key), 'Content-Type': type }, body });
    // Truncated: no closing boundary.
    expectProblem(
      await post('--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello'),
      400,
      'bad_request',
    );
    expectProblem(await post('garbage'), 400, 'bad_request');
    expectProblem(await post('--XX--', 'multipart/form-data'), 400, 'bad_request'); // no boundary parameter
    expectProblem(
      await post('--XX\r\nContent-Disposition: form-data; name="collection"\r\n\r\npapers\r\n--XX--\r\n'),
      400,
      'validation_failed',
    );
    const text = new TextEncoder().encode('plain text document');
    expectProblem(await upload(api.url, key, text, { metadata: '[1,2]' }), 400, 'validation_failed');
    expectProblem(await upload(api.url, key, text, { metadata: '{oops' }), 400, 'validation_failed');
    expectProblem(await upload(api.url, key, text, { collection: '../etc' }), 400, 'validation_failed');
    expectProblem(await upload(api.url, key, new Uint8Array(0)), 400, 'validation_failed');
    expectProblem(
      await raw(`${api.url}/v1/documents`, {
        method: 'POST',
        headers: { ...auth(key), 'Content-Type': 'application/json' },
        body: '{"broken":',
      }),
      400,
      'bad_request',
    );
    expectProblem(await getJson(`${api.url}/v1/documents?limit=1000`, key), 400, 'validation_failed');
    noLeftovers();
  });

  it.each([
    ['/v1/documents', 'file'],
    ['/v1/batches', 'files'],
  ])('a client that disconnects mid-upload to %s leaves no temp file behind', async (route, field) => {
    const { port } = new URL(api.url);
    const head = `--XB\r\nContent-Disposition: form-data; name="${field}"; filename="a.pdf"\r\n\r\n%PDF-1.7\n`;
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      `POST ${route} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
        `Content-Type: multipart/form-data; boundary=XB\r\nContent-Length: 900000\r\n\r\n${head}`,
    );
    socket.write(Buffer.alloc(200_000, 0x41));
    const tmp = join(env.dataDir, 'tmp');
    const deadline = Date.now() + 10_000;
    while (!(existsSync(tmp) && readdirSync(tmp).length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readdirSync(tmp).length).toBe(1); // the upload was being streamed to disk
    socket.destroy();
    while (readdirSync(tmp).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(tmp)).toEqual([]);
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
  });

  it('429 queue_full once QUEUE_MAX_WAITING jobs wait (back-pressure, nothing stored)', async () => {
    // No worker runs in this suite, so accepted jobs stay waiting.
    for (const n of [1, 2]) {
      expect((await upload(api.url, key, new TextEncoder().encode(`waiting document ${n}`))).status).toBe(202);
    }
    expectProblem(await upload(api.url, key, new TextEncoder().encode('one too many')), 429, 'queue_full');
    expect(query(env.dbPath, 'SELECT id FROM documents')).toHaveLength(2);
  });
});
