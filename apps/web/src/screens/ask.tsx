import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { Cite, ErrorBox, docName } from '../components/bits';
import type { ChatCitation, Chunk, DocumentView } from '../types';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
  citations?: ChatCitation[];
  answered?: boolean;
  reason?: string | null;
  confidence?: number;
  closest?: NonNullable<Chunk['elegans']>['closest'];
  streaming?: boolean;
}

export interface Scope {
  collection?: string;
  documentIds?: string[];
}

/** The assistant's text with its [n] markers turned into citation links. */
function withCitations(text: string, citations: ChatCitation[] = []): ComponentChildren[] {
  return text.split(/(\[\d+\])/).map((part, i) => {
    const m = /^\[(\d+)\]$/.exec(part);
    const c = m ? citations.find((x) => x.index === Number(m[1])) : undefined;
    return c ? <Cite key={i} c={c} label={part} /> : part;
  });
}

/**
 * A conversation over the scope (one document, a collection or everything) on the chat route,
 * streamed: words appear as they arrive; citations and the abstention ride on the last chunk.
 */
export function Chat({ scope, placeholder }: { scope: Scope; placeholder?: string }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const scopeKey = JSON.stringify(scope);
  useEffect(() => setTurns([]), [scopeKey]);

  async function ask(e: Event) {
    e.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    setError(null);
    setBusy(true);
    setQuestion('');
    const history = [...turns, { role: 'user' as const, content: q }];
    setTurns([...history, { role: 'assistant', content: '', streaming: true }]);
    const patchLast = (p: Partial<Turn>) =>
      setTurns((ts) => ts.map((t, i) => (i === ts.length - 1 ? { ...t, ...p, content: p.content ?? t.content } : t)));
    const ac = new AbortController();
    abort.current = ac;
    let text = '';
    try {
      const body = {
        model: scope.collection ? `elegans:${scope.collection}` : 'elegans',
        messages: history.map((t) => ({ role: t.role, content: t.content })),
        ...(scope.documentIds ? { documentIds: scope.documentIds } : {}),
      };
      for await (const chunk of api.chat(body, ac.signal)) {
        const delta = chunk.choices[0]?.delta.content;
        if (delta) {
          text += delta;
          patchLast({ content: text });
        }
        if (chunk.elegans) {
          patchLast({
            citations: chunk.citations ?? [],
            answered: chunk.elegans.answered,
            reason: chunk.elegans.reason,
            confidence: chunk.elegans.confidence,
            closest: chunk.elegans.closest ?? null,
          });
        }
      }
      patchLast({ streaming: false });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      setError(describeError(err));
      setTurns(history.slice(0, -1));
      setQuestion(q);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="chat">
      {turns.length > 0 && (
        <ol class="turns" aria-live="polite">
          {turns.map((t, i) => (
            <li
              key={i}
              class={`turn ${t.role}`}
              data-answered={t.answered === undefined ? undefined : String(t.answered)}
            >
              {t.role === 'user' ? (
                <p>{t.content}</p>
              ) : (
                <>
                  <p class="answer">
                    {withCitations(t.content, t.citations)}
                    {t.streaming && <span class="cursor" aria-hidden="true" />}
                  </p>
                  {t.citations && t.citations.length > 0 && (
                    <ul class="citations">
                      {t.citations.map((c) => (
                        <li key={c.index}>
                          <Cite c={c}>
                            [{c.index}] page {c.page}
                          </Cite>{' '}
                          <span class="quote">“{c.text}”</span>
                        </li>
                      ))}
                    </ul>
                  )}
                  {t.answered === false && t.closest && (
                    <div class="closest">
                      <p class="muted small">Closest evidence (below the confidence needed to answer):</p>
                      <p>
                        <span class="quote">“{t.closest.text}”</span>{' '}
                        <Cite c={t.closest} label={`page ${t.closest.page}`} />
                      </p>
                    </div>
                  )}
                  {t.confidence !== undefined && (
                    <p class="muted small">confidence {Math.round(t.confidence * 100)}%</p>
                  )}
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      <ErrorBox message={error} />
      <form class="ask-form" onSubmit={ask}>
        <label class="visually-hidden" for="question">
          Question
        </label>
        <input
          id="question"
          type="text"
          maxLength={2000}
          placeholder={placeholder ?? 'Ask a question…'}
          value={question}
          onInput={(e) => setQuestion((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || !question.trim()}>
          {busy ? 'Answering…' : 'Ask'}
        </button>
        {turns.length > 0 && !busy && (
          <button type="button" class="quiet" onClick={() => setTurns([])}>
            New conversation
          </button>
        )}
      </form>
    </div>
  );
}

/** The Ask screen: the chat over everything, one collection or one document. */
export function Ask() {
  const [kind, setKind] = useState<'all' | 'collection' | 'document'>('all');
  const [collection, setCollection] = useState('');
  const [documentId, setDocumentId] = useState('');
  const [docs, setDocs] = useState<DocumentView[]>([]);
  useEffect(() => {
    api
      .listDocuments({ limit: 100, status: 'ready' })
      .then((r) => setDocs(r.data))
      .catch(() => setDocs([]));
  }, []);
  const scope: Scope =
    kind === 'collection' && collection.trim()
      ? { collection: collection.trim() }
      : kind === 'document' && documentId
        ? { documentIds: [documentId] }
        : {};
  return (
    <section class="card" aria-labelledby="ask-title">
      <h2 id="ask-title">Ask</h2>
      <fieldset class="scope">
        <legend>Over</legend>
        <label>
          <input type="radio" name="scope" checked={kind === 'all'} onChange={() => setKind('all')} /> all documents
        </label>
        <label>
          <input type="radio" name="scope" checked={kind === 'collection'} onChange={() => setKind('collection')} /> the
          collection{' '}
          <input
            type="text"
            aria-label="Collection"
            value={collection}
            onFocus={() => setKind('collection')}
            onInput={(e) => setCollection((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <input type="radio" name="scope" checked={kind === 'document'} onChange={() => setKind('document')} /> the
          document{' '}
          <select
            aria-label="Document"
            value={documentId}
            onFocus={() => setKind('document')}
            onChange={(e) => setDocumentId((e.target as HTMLSelectElement).value)}
          >
            <option value="">choose…</option>
            {docs.map((d) => (
              <option key={d.id} value={d.id}>
                {docName(d)}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <Chat scope={scope} />
    </section>
  );
}
