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
