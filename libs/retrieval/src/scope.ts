import type { SearchFilter } from './types';

/**
 * Scope tokens: tenant, collection and document ids written into the FTS5 `scope` column so that
 * filters run inside FTS5 as posting-list intersections. Each id is spelled as the decimal codes
 * of its UTF-8 bytes (3 digits each) behind a one-letter kind: digits pass unicode61 as one token
 * and the Porter stemmer leaves them alone, so any string maps to exactly one token, reversibly.
 */
function encode(kind: 't' | 'c' | 'd', value: string): string {
  let out = kind;
  for (const b of Buffer.from(value, 'utf8')) out += b.toString().padStart(3, '0');
  return out;
}

export function scopeTokens(tenantId: string, collection: string | null, documentId: string): string {
  const parts = [encode('t', tenantId), encode('d', documentId)];
  if (collection !== null) parts.push(encode('c', collection));
  return parts.join(' ');
}

/** The FTS5 expression restricting a match to a filter (column filter on `scope`). */
export function scopeQuery(filter: SearchFilter): string {
  if (!filter.tenantId) throw new Error('retrieval: tenantId is required');
  let q = `scope : "${encode('t', filter.tenantId)}"`;
  if (filter.collection !== undefined && filter.collection !== null) {
    q += ` AND scope : "${encode('c', filter.collection)}"`;
  }
  if (filter.documentIds) {
    q += ` AND scope : (${filter.documentIds.map((d) => `"${encode('d', d)}"`).join(' OR ')})`;
  }
  return q;
}
