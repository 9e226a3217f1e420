import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { Cite, ErrorBox, RoleBadge, Snippet } from '../components/bits';
import type { SearchResponse } from '../types';

const K = 10;

/** Hybrid search (BM25 + liquid vectors) over the tenant's passages; each hit links to its highlight. */
export function Search() {
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState('hybrid');
  const [collection, setCollection] = useState('');
  const [res, setRes] = useState<SearchResponse | null>(null);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(at: number) {
    const q = query.trim();
    if (!q) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.search({
        query: q,
        mode,
        k: K,
        offset: at,
        ...(collection.trim() ? { collection: collection.trim() } : {}),
      });
      setRes(r);
      setOffset(at);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="search-title">
      <h2 id="search-title">Search</h2>
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(0);
        }}
      >
        <label class="visually-hidden" for="q">
          Search text
        </label>
        <input
          id="q"
          type="search"
          value={query}
          placeholder="Search the documents…"
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
        <label>
          Mode{' '}
          <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value)}>
            <option value="hybrid">hybrid</option>
            <option value="lexical">lexical (BM25)</option>
            <option value="dense">dense (liquid)</option>
          </select>
        </label>
        <label>
          Collection{' '}
          <input
            type="text"
            value={collection}
            placeholder="all"
            onInput={(e) => setCollection((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy || !query.trim()}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ErrorBox message={error} />
      {res && res.results.length === 0 && <p class="muted">No passages match.</p>}
      {res && res.results.length > 0 && (
        <>
          <p class="muted small">
            {res.mode} search · results {offset + 1}–{offset + res.results.length}
          </p>
          <ol class="results" start={offset + 1}>
            {res.results.map((r) => (
              <li key={`${r.documentId}:${r.start}`} class="result">
                <p class="snippet">
                  <Snippet text={r.snippet} />
                </p>
                <p class="muted small">
                  {/* The link opens the page where the query words are, not always the passage's first page. */}
                  <Cite c={{ ...r, page: r.matchPage }}>
                    page {r.page}
                    {r.pageEnd !== r.page ? `–${r.pageEnd}` : ''}
                  </Cite>{' '}
                  · {r.collection ?? ''} · score {r.score.toFixed(3)} <RoleBadge role={r.role} />
                </p>
              </li>
            ))}
          </ol>
          <div class="row">
            <button type="button" disabled={offset === 0 || busy} onClick={() => void run(Math.max(0, offset - K))}>
              Previous
            </button>
            <button
              type="button"
              disabled={res.nextOffset === null || busy}
              onClick={() => res.nextOffset !== null && void run(res.nextOffset)}
            >
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
