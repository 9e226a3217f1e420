import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { ErrorBox, StatusBadge, docName, formatBytes } from '../components/bits';
import { documentHref } from '../router';
import type { DocumentView } from '../types';
import { Upload } from './upload';

const STATUSES = ['', 'queued', 'parsing', 'ocr', 'embedding', 'indexing', 'summarizing', 'ready', 'failed'];
const PAGE_SIZE = 20;

export function Documents() {
  const [docs, setDocs] = useState<DocumentView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [collection, setCollection] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [confirm, setConfirm] = useState<DocumentView | null>(null);
  const generation = useRef(0);

  async function load(append: boolean) {
    const g = ++generation.current;
    setLoading(true);
    try {
      const r = await api.listDocuments({
        limit: PAGE_SIZE,
        ...(append && cursor ? { cursor } : {}),
        collection: collection.trim(),
        status,
      });
      if (g !== generation.current) return;
      setDocs((xs) => (append ? [...xs, ...r.data] : r.data));
      setCursor(r.nextCursor);
      setError(null);
    } catch (e) {
      if (g === generation.current) setError(describeError(e));
    } finally {
      if (g === generation.current) setLoading(false);
    }
  }

  useEffect(() => void load(false), [status]);

  return (
    <div class="stack">
      <Upload onChanged={() => void load(false)} />
      <section class="card" aria-labelledby="docs-title">
        <div class="row spread">
          <h2 id="docs-title">Documents</h2>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void load(false);
            }}
          >
            <label>
              Collection{' '}
              <input
                type="search"
                value={collection}
                placeholder="all"
                onInput={(e) => setCollection((e.target as HTMLInputElement).value)}
              />
            </label>
            <label>
              Status{' '}
              <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s || 'any'}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">Filter</button>
          </form>
        </div>
        <ErrorBox message={error} />
        {docs.length === 0 && !loading && !error && <p class="muted">No documents yet. Upload one above.</p>}
        {docs.length > 0 && (
          <table class="docs">
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Status</th>
                <th scope="col">Pages</th>
                <th scope="col">Collection</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {docs.map((d) => (
                <tr key={d.id} data-id={d.id}>
                  <td data-label="Document">
                    <a href={documentHref(d.id)}>{docName(d)}</a>
                    <div class="muted small">
                      {d.format ?? '?'} · {formatBytes(d.bytes)}
                    </div>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={d.status} />
                  </td>
                  <td data-label="Pages">{d.pages ?? '–'}</td>
                  <td data-label="Collection">{d.collection}</td>
                  <td data-label="Added">
                    <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>
                  </td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      onClick={() => setConfirm(d)}
                      aria-label={`Delete ${docName(d)}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && (
          <button type="button" onClick={() => void load(true)} disabled={loading}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        )}
      </section>
      {confirm && (
        <ConfirmDelete
          doc={confirm}
          onClose={() => setConfirm(null)}
          onDeleted={(id) => {
            setDocs((xs) => xs.filter((x) => x.id !== id));
            setConfirm(null);
          }}
        />
      )}
    </div>
  );
}

/** A modal dialog (focus is trapped, Escape cancels) before a delete that cannot be undone. */
export function ConfirmDelete({
  doc,
  onClose,
  onDeleted,
}: {
  doc: DocumentView;
  onClose(): void;
  onDeleted(id: string): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="del-title" class="confirm">
      <h2 id="del-title">Delete “{docName(doc)}”?</h2>
      <p>Its file, text, index entries and summary are removed. This cannot be undone.</p>
      <ErrorBox message={error} />
      <div class="row">
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await api.deleteDocument(doc.id);
              (await import('../viewer/pdf')).closePdf(doc.id);
              onDeleted(doc.id);
            } catch (e) {
              setError(describeError(e));
              setBusy(false);
            }
          }}
        >
          Delete
        </button>
        <button type="button" onClick={() => ref.current?.close()} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
