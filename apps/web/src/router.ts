import { useEffect, useState } from 'preact/hooks';
import type { Citation } from './types';

/**
 * Routes live in the URL hash (`#/documents/<id>?page=3&start=120&end=180`): the server serves one
 * static index.html and never needs a fallback route, and the key is never part of any URL.
 */
export type Route =
  | { name: 'documents' }
  | { name: 'document'; id: string; page: number | null; start: number | null; end: number | null }
  | { name: 'ask' }
  | { name: 'search' };

const int = (v: string | null): number | null => (v !== null && /^\d+$/.test(v) ? Number(v) : null);

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const q = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'documents' && parts[1]) {
    return {
      name: 'document',
      id: parts[1],
      page: int(q.get('page')),
      start: int(q.get('start')),
      end: int(q.get('end')),
    };
  }
  if (parts[0] === 'ask') return { name: 'ask' };
  if (parts[0] === 'search') return { name: 'search' };
  return { name: 'documents' };
}

export function documentHref(id: string, at?: Pick<Citation, 'page' | 'start' | 'end'>): string {
  const base = `#/documents/${encodeURIComponent(id)}`;
  return at ? `${base}?page=${at.page}&start=${at.start}&end=${at.end}` : base;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
