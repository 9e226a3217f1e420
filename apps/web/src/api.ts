import { readSse, type SseEvent } from './sse';
import type { Chunk, DocumentView, Geometry, PageText, SectionsView, SearchResponse, SummaryView } from './types';

const KEY = 'elegans.apiKey';

/** The sign-in key lives in sessionStorage (this tab only, gone when it closes), never in a URL. */
export const session = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A problem+json answer (or a network failure, status 0) as an Error with its parts. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    /** Seconds from Retry-After (429), when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(detail);
  }
}

/** What a person should read for an API error. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  switch (e.status) {
    case 0:
      return `Cannot reach the server: ${e.message}`;
    case 401:
      return 'That API key was not accepted. Check it and sign in again.';
    case 413:
      return `File too large: ${e.message}`;
    case 415:
      return 'Unsupported file type: Elegans reads PDF, DOCX, HTML, Markdown and plain text.';
    case 429:
      return `${e.code === 'queue_full' ? 'Too many documents are waiting' : 'Too many requests'}: retry in ${e.retryAfter ?? '?'} s.`;
    default:
      return e.message;
  }
}

async function toError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let detail = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { code?: string; detail?: string };
    if (body.code) code = body.code;
    if (body.detail) detail = body.detail;
  } catch {
    // not a problem body
  }
  const ra = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, code, detail, Number.isFinite(ra) && ra > 0 ? ra : null);
}

type Listener = () => void;
const unauthorized = new Set<Listener>();
/** Called when any request answers 401 (the key was revoked): the app signs out. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

export async function request(path: string, init: RequestInit = {}, key = session.get()): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set('Authorization', `Bearer ${key}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', (e as Error).message);
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && key === session.get()) for (const fn of unauthorized) fn();
    throw err;
  }
  return res;
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await request(path, init)).json()) as T;
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

const enc = encodeURIComponent;

export const api = {
  /** Checks a key before keeping it: any authenticated read will do. */
  async verifyKey(key: string): Promise<void> {
    await request('/v1/documents?limit=1', {}, key);
  },
  listDocuments(q: { limit?: number; cursor?: string; collection?: string; status?: string }) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
    return json<{ data: DocumentView[]; nextCursor: string | null }>(`/v1/documents?${p}`);
  },
  getDocument: (id: string) => json<DocumentView>(`/v1/documents/${enc(id)}`),
  deleteDocument: async (id: string) => void (await request(`/v1/documents/${enc(id)}`, { method: 'DELETE' })),
  /** 202 = new, 200 = the same content was already uploaded (a duplicate). */
  async upload(file: File, collection: string, signal?: AbortSignal) {
    const form = new FormData();
    if (collection) form.set('collection', collection);
    form.set('file', file, file.name);
    const res = await request('/v1/documents', { method: 'POST', body: form, ...(signal ? { signal } : {}) });
    return { duplicate: res.status === 200, document: (await res.json()) as DocumentView };
  },
  /** Progress events of one document until `done` (or `deleted`), over fetch streaming. */
  async *events(id: string, signal: AbortSignal): AsyncGenerator<SseEvent> {
    const res = await request(`/v1/documents/${enc(id)}/events`, { signal, headers: { Accept: 'text/event-stream' } });
    if (res.body) yield* readSse(res.body);
  },
  summary: (id: string) => json<SummaryView>(`/v1/documents/${enc(id)}/summary`),
  sections: (id: string) => json<SectionsView>(`/v1/documents/${enc(id)}/sections`),
  page: (id: string, page: number) => json<PageText>(`/v1/documents/${enc(id)}/pages?page=${page}`),
  geometry: (id: string, start: number, end: number) =>
    json<Geometry>(`/v1/documents/${enc(id)}/geometry?start=${start}&end=${end}`),
  fileUrl: (id: string) => `/v1/documents/${enc(id)}/file`,
  search: (body: Record<string, unknown>) => json<SearchResponse>('/v1/search', post(body)),
  /** The chat route, streamed: yields content deltas, then the final chunk with citations. */
  async *chat(body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<Chunk> {
    const res = await request('/v1/chat/completions', { ...post({ ...body, stream: true }), signal });
    if (!res.body) return;
    for await (const ev of readSse(res.body)) {
      if (ev.data === '[DONE]') return;
      yield JSON.parse(ev.data) as Chunk;
    }
  },
};
