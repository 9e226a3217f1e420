import { request, type ClientRequest } from 'node:http';
import type { DocumentView } from '../../apps/shared/src/document-view';

export type Doc = DocumentView;

export function auth(key: string): Record<string, string> {
  return { Authorization: `Bearer ${key}` };
}

export async function upload(
  base: string,
  key: string,
  bytes: Uint8Array,
  opts: { filename?: string; collection?: string; metadata?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  if (opts.collection !== undefined) form.set('collection', opts.collection);
  if (opts.metadata !== undefined) form.set('metadata', opts.metadata);
  form.set('file', new Blob([bytes]), opts.filename ?? 'upload.bin');
  const res = await fetch(`${base}/v1/documents`, { method: 'POST', headers: auth(key), body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function getJson(
  url: string,
  key?: string,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { headers: key ? auth(key) : {} });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

export async function waitForStatus(
  base: string,
  key: string,
  id: string,
  done: (d: Doc) => boolean,
  timeoutMs = 120_000,
  everyMs = 100,
): Promise<Doc> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    const r = await getJson(`${base}/v1/documents/${id}`, key);
    last = r.body;
    if (r.status === 200 && done(r.body as unknown as Doc)) return r.body as unknown as Doc;
    await new Promise((res) => setTimeout(res, everyMs));
  }
  throw new Error(`document ${id} did not reach the expected state; last: ${JSON.stringify(last)}`);
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a text/event-stream to its end (the server closes it at a final state). */
export async function readSse(url: string, key: string, timeoutMs = 120_000): Promise<SseEvent[]> {
  const res = await fetch(url, { headers: auth(key), signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`SSE answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}

export type UploadAnswer = { status: number; body: string } | { error: string };

/**
 * A multipart upload whose body arrives slowly: the head and the first `firstBytes` of the file now,
 * the rest when `finish` is called (until then the API is receiving it: it holds an upload slot,
 * its staging file grows). `answered` settles with the response or the connection error.
 */
export function startSlowUpload(apiUrl: string, key: string, file: Buffer, name: string, firstBytes: number) {
  const boundary = `Slow${name.replace(/[^A-Za-z0-9]/g, '')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req: ClientRequest = request({
    host: '127.0.0.1',
    port: new URL(apiUrl).port,
    method: 'POST',
    path: '/v1/documents',
    headers: {
      ...auth(key),
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': head.length + file.length + tail.length,
    },
  });
  const answered = new Promise<UploadAnswer>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', (err) => resolve({ error: err.message }));
  });
  req.write(head);
  req.write(file.subarray(0, firstBytes));
  return {
    req,
    answered,
    finish: () => {
      req.write(file.subarray(firstBytes));
      req.end(tail);
      return answered;
    },
  };
}
