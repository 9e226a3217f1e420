import type { ComponentChildren } from 'preact';
import { documentHref } from '../router';
import { type Citation, type DocumentView, STAGES, type Status } from '../types';

export function StatusBadge({ status }: { status: Status }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

/** A structure role (issue 14), shown when the server reports one other than plain body text. */
export function RoleBadge({ role }: { role?: string | undefined }) {
  if (!role || role === 'body') return null;
  return (
    <span class="badge role" title="structure role">
      {role.replace(/_/g, ' ')}
    </span>
  );
}

/** The four pipeline stages as steps (done, current, waiting) with the overall progress. */
export function StageProgress({ doc }: { doc: Pick<DocumentView, 'status' | 'progress'> }) {
  // OCR runs inside parsing (pages without a text layer): shown as that step, labelled.
  const ocr = doc.status === 'ocr';
  const at = STAGES.indexOf((ocr ? 'parsing' : doc.status) as (typeof STAGES)[number]);
  const ready = doc.status === 'ready';
  return (
    <div class="stages" data-status={doc.status}>
      <ol aria-label="Processing stages">
        {STAGES.map((s, i) => {
          const state = ready || (at >= 0 && i < at) ? 'done' : i === at ? 'active' : 'waiting';
          return (
            <li key={s} class={`stage ${state}`} aria-current={state === 'active' ? 'step' : undefined}>
              {ocr && s === 'parsing' ? 'parsing · OCR' : s}
            </li>
          );
        })}
      </ol>
      <progress max={100} value={Math.round(doc.progress)} aria-label={`${doc.status}, ${Math.round(doc.progress)}%`} />
    </div>
  );
}

/** A citation: opens the document at its page with the cited characters highlighted. */
export function Cite({ c, children, label }: { c: Citation; children?: ComponentChildren; label?: string }) {
  return (
    <a class="cite" href={documentHref(c.documentId, c)} data-page={c.page} data-start={c.start} data-end={c.end}>
      {children ?? label ?? `p. ${c.page}`}
    </a>
  );
}

export function ErrorBox({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** FTS5 snippets arrive with <mark> tags around matched words; everything else is text, never HTML. */
export function Snippet({ text }: { text: string }) {
  const parts = text.split(/(<mark>|<\/mark>)/);
  const out: ComponentChildren[] = [];
  let marked = false;
  parts.forEach((p, i) => {
    if (p === '<mark>') marked = true;
    else if (p === '</mark>') marked = false;
    else if (p) out.push(marked ? <mark key={i}>{p}</mark> : p);
  });
  return <>{out}</>;
}

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;

export const docName = (d: Pick<DocumentView, 'title' | 'filename' | 'id'>) => d.title || d.filename || d.id;
