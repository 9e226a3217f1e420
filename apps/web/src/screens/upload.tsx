import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api';
import { StageProgress, StatusBadge } from '../components/bits';
import { documentHref } from '../router';
import type { DocumentView } from '../types';

type ItemState = 'waiting' | 'uploading' | 'processing' | 'ready' | 'failed' | 'duplicate' | 'error';

interface Item {
  id: number;
  file: File;
  state: ItemState;
  doc: DocumentView | null;
  message: string | null;
  /** When a 429 allows the next try (ms since epoch). */
  retryAt: number | null;
  /** A busy server or a lost connection: worth another try (a 413 or 415 is not). */
  retryable: boolean;
}

const PARALLEL = 2;
let nextId = 1;

/** Drop or pick several files; each one uploads, then shows its stages live until ready or failed. */
export function Upload({ onChanged }: { onChanged(): void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [collection, setCollection] = useState('');
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const aborts = useRef(new Map<number, AbortController>());
  const [, tick] = useState(0);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const update = (id: number, patch: Partial<Item>) =>
    setItems((xs) => xs.map((x) => (x.id === id ? { ...x, ...patch } : x)));

  useEffect(() => () => aborts.current.forEach((a) => a.abort()), []);

  // A countdown for the items that were told to retry later.
  const waiting = items.some((x) => x.retryAt && x.retryAt > Date.now());
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [waiting]);

  async function follow(id: number, doc: DocumentView) {
    const ac = new AbortController();
    aborts.current.set(id, ac);
    try {
      for await (const ev of api.events(doc.id, ac.signal)) {
        if (ev.event === 'deleted') return update(id, { state: 'error', message: 'The document was deleted.' });
        const d = JSON.parse(ev.data) as DocumentView;
        const final = d.status === 'ready' ? 'ready' : d.status === 'failed' ? 'failed' : null;
        update(id, {
          doc: d,
          ...(final ? { state: final } : {}),
          ...(final === 'failed' ? { message: d.error ? `${d.error.code}: ${d.error.message}` : d.status } : {}),
        });
        if (final) onChanged();
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError') update(id, { message: `Progress stream lost: ${describeError(e)}` });
    } finally {
      aborts.current.delete(id);
    }
  }

  async function send(item: Item, coll: string) {
    update(item.id, { state: 'uploading', message: null, retryAt: null });
    try {
      const { duplicate, document } = await api.upload(item.file, coll);
      update(item.id, {
        state: duplicate ? 'duplicate' : 'processing',
        doc: document,
        message: duplicate ? 'Already uploaded: the same content is stored as this document.' : null,
      });
      onChanged();
      if (!duplicate) void follow(item.id, document);
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      const retryAt = status === 429 ? Date.now() + ((e as ApiError).retryAfter ?? 5) * 1000 : null;
      update(item.id, {
        state: 'error',
        message: describeError(e),
        retryAt,
        retryable: status === 429 || status === 0 || status >= 500,
      });
    }
  }

  async function addFiles(files: FileList | File[] | null) {
    const list = [...(files ?? [])];
    if (list.length === 0) return;
    const fresh = list.map((file) => ({
      id: nextId++,
      file,
      state: 'waiting' as const,
      doc: null,
      message: null,
      retryAt: null,
      retryable: false,
    }));
    setItems((xs) => [...fresh, ...xs]);
    const coll = collection.trim();
    const queue = [...fresh];
    const lane = async () => {
      for (let it = queue.shift(); it; it = queue.shift()) await send(it, coll);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, lane));
  }

  return (
    <section class="card upload" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload</h2>
      <div
        class={`drop ${over ? 'over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void addFiles(e.dataTransfer?.files ?? null);
        }}
      >
        <p>Drop PDF, DOCX, HTML, Markdown or text files here, or</p>
        <button type="button" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          class="visually-hidden"
          aria-label="Files to upload"
          data-testid="file-input"
          accept=".pdf,.docx,.html,.htm,.md,.markdown,.txt,application/pdf,text/*"
          onChange={(e) => {
            const el = e.target as HTMLInputElement;
            void addFiles(el.files).finally(() => (el.value = ''));
          }}
        />
        <label class="inline">
          Collection{' '}
          <input
            type="text"
            placeholder="default"
            value={collection}
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
            onInput={(e) => setCollection((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      {items.length > 0 && (
        <ul class="uploads" aria-live="polite">
          {items.map((it) => {
            const left = it.retryAt ? Math.max(0, Math.ceil((it.retryAt - Date.now()) / 1000)) : 0;
            return (
              <li key={it.id} class={`upload-item ${it.state}`} data-state={it.state} data-name={it.file.name}>
                <div class="row">
                  <strong class="name">{it.file.name}</strong>
                  {it.doc && <StatusBadge status={it.doc.status} />}
                  {it.state === 'uploading' && <span class="muted">uploading…</span>}
                  {it.state === 'duplicate' && <span class="badge dup">duplicate</span>}
                  {it.doc && (
                    <a href={documentHref(it.doc.id)} class="open">
                      Open
                    </a>
                  )}
                </div>
                {it.doc && it.state !== 'duplicate' && <StageProgress doc={it.doc} />}
                {it.message && (
                  <p class={it.state === 'error' || it.state === 'failed' ? 'error' : 'note'} role="status">
                    {it.message}
                    {it.retryAt && left > 0 && <span class="retry-left"> ({left} s left)</span>}
                  </p>
                )}
                {it.state === 'error' && it.retryable && (
                  <button type="button" disabled={left > 0} onClick={() => void send(it, collection.trim())}>
                    Retry
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
