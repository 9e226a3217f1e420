import { useEffect, useState } from 'preact/hooks';
import { api, describeError, request } from '../api';
import { Cite, ErrorBox, RoleBadge, StageProgress, StatusBadge, docName, formatBytes } from '../components/bits';
import { documentHref } from '../router';
import type { DocumentView, SummarySentence, SummaryView } from '../types';
import { PdfViewer } from '../viewer/pdf-viewer';
import { TextViewer } from '../viewer/text-viewer';
import { Chat } from './ask';
import { ConfirmDelete } from './documents';

interface Props {
  id: string;
  page: number | null;
  start: number | null;
  end: number | null;
}

const FINAL = new Set(['ready', 'failed']);

/** One document: metadata, summary and section summaries (each sentence a citation), the pages, and questions. */
export function DocumentScreen({ id, page, start, end }: Props) {
  const [doc, setDoc] = useState<DocumentView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<SummaryView | null>(null);
  const [summaryError, setSummaryError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);

  useEffect(() => {
    let live = true;
    const ac = new AbortController();
    setDoc(null);
    setError(null);
    setSummary(null);
    void (async () => {
      try {
        let d = await api.getDocument(id);
        if (!live) return;
        setDoc(d);
        if (!FINAL.has(d.status)) {
          for await (const ev of api.events(id, ac.signal)) {
            if (ev.event === 'deleted') return setError('This document was deleted.');
            d = JSON.parse(ev.data) as DocumentView;
            if (live) setDoc(d);
          }
        }
      } catch (e) {
        if (live && (e as Error).name !== 'AbortError') setError(describeError(e));
      }
    })();
    return () => {
      live = false;
      ac.abort();
    };
  }, [id]);

  const ready = doc?.status === 'ready';
  useEffect(() => {
    if (!ready) return;
    let live = true;
    api
      .summary(id)
      .then((s) => live && setSummary(s))
      .catch((e: unknown) => live && setSummaryError(describeError(e)));
    return () => void (live = false);
  }, [id, ready]);

  if (error) {
    return (
      <section class="card">
        <ErrorBox message={error} />
        <a href="#/">Back to the documents</a>
      </section>
    );
  }
  if (!doc) return <p class="muted">Loading…</p>;

  const shown = page ?? 1;
  const range = start !== null && end !== null && end > start ? { start, end } : null;
  const goto = (n: number) => {
    location.hash = documentHref(
      id,
      range ? { page: n, start: range.start, end: range.end } : { page: n, start: 0, end: 0 },
    );
  };

  async function download() {
    const res = await request(api.fileUrl(id));
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    // The browser's save name only; the server never sees it as a path.
    a.download = doc!.filename ?? `${id}.${doc!.format ?? 'bin'}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  return (
    <div class="doc-layout">
      <div class="doc-side">
        <section class="card" aria-labelledby="doc-title">
          <h2 id="doc-title">{docName(doc)}</h2>
          <div class="row">
            <StatusBadge status={doc.status} />
            {doc.flags.map((f) => (
              <span key={f} class="badge flag">
                {f.replace(/_/g, ' ')}
              </span>
            ))}
          </div>
          {!FINAL.has(doc.status) && <StageProgress doc={doc} />}
          {doc.error && <ErrorBox message={`${doc.error.code}: ${doc.error.message}`} />}
          <dl class="meta">
            <dt>File</dt>
            <dd>{doc.filename ?? '–'}</dd>
            <dt>Format</dt>
            <dd>
              {doc.format ?? '–'} · {formatBytes(doc.bytes)}
            </dd>
            <dt>Pages</dt>
            <dd>{doc.pages ?? '–'}</dd>
            <dt>Sentences</dt>
            <dd>{doc.sentences ?? '–'}</dd>
            <dt>Language</dt>
            <dd>{doc.language ?? '–'}</dd>
            <dt>Collection</dt>
            <dd>{doc.collection}</dd>
            <dt>Added</dt>
            <dd>{new Date(doc.createdAt).toLocaleString()}</dd>
            {doc.timings && (
              <>
                <dt>Timings</dt>
                <dd class="small">
                  {Object.entries(doc.timings)
                    .map(([k, v]) => `${k} ${Math.round(v)} ms`)
                    .join(' · ')}
                </dd>
              </>
            )}
          </dl>
          <div class="row">
            <button type="button" onClick={() => void download().catch((e: unknown) => setError(describeError(e)))}>
              Download original
            </button>
            <button type="button" class="danger" onClick={() => setConfirm(true)}>
              Delete
            </button>
          </div>
        </section>
        {ready && (
          <section class="card" aria-labelledby="summary-title">
            <h2 id="summary-title">Summary</h2>
            <ErrorBox message={summaryError} />
            {!summary && !summaryError && <p class="muted">Loading the summary…</p>}
            {summary && <Sentences items={summary.summary} testid="summary" />}
            {summary && summary.sections.length > 0 && (
              <>
                <h3>Sections</h3>
                {summary.sections.map((s, i) => (
                  <details key={i} class="section-summary" open={i < 3}>
                    <summary>
                      {s.title || `Section ${i + 1}`} <span class="muted small">p. {s.page}</span>{' '}
                      <RoleBadge role={s.role} />
                    </summary>
                    <Sentences items={s.summary} />
                  </details>
                ))}
              </>
            )}
          </section>
        )}
        {ready && (
          <section class="card" aria-labelledby="ask-doc-title">
            <h2 id="ask-doc-title">Ask this document</h2>
            <Chat scope={{ documentIds: [id] }} placeholder={`Ask about ${docName(doc)}…`} />
          </section>
        )}
      </div>
      <section class="card doc-view" aria-label="Document pages">
        {ready && doc.format === 'pdf' && <PdfViewer documentId={id} page={shown} range={range} onPage={goto} />}
        {ready && doc.format !== 'pdf' && (
          <TextViewer documentId={id} page={shown} pages={doc.pages ?? 1} range={range} onPage={goto} />
        )}
        {!ready && <p class="muted">The pages appear here once the document is ready.</p>}
      </section>
      {confirm && (
        <ConfirmDelete
          doc={doc}
          onClose={() => setConfirm(false)}
          onDeleted={() => {
            location.hash = '#/';
          }}
        />
      )}
    </div>
  );
}

function Sentences({ items, testid }: { items: SummarySentence[]; testid?: string }) {
  if (items.length === 0) return <p class="muted">No sentences.</p>;
  return (
    <ol class="sentences" data-testid={testid}>
      {items.map((s) => (
        <li key={s.sentence}>
          <Cite c={s.citation}>{s.text}</Cite> <span class="muted small">p. {s.page}</span> <RoleBadge role={s.role} />
        </li>
      ))}
    </ol>
  );
}
