import { describe, expect, it } from 'vitest';
import { documentHref, parseRoute } from './router';

describe('hash routes', () => {
  it('round-trips a citation link', () => {
    const href = documentHref('doc 1/x', { page: 3, start: 120, end: 181 });
    expect(parseRoute(href)).toEqual({ name: 'document', id: 'doc 1/x', page: 3, start: 120, end: 181 });
  });

  it('ignores malformed numbers and unknown paths', () => {
    expect(parseRoute('#/documents/abc?page=-1&start=x')).toEqual({
      name: 'document',
      id: 'abc',
      page: null,
      start: null,
      end: null,
    });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'documents' });
    expect(parseRoute('')).toEqual({ name: 'documents' });
    expect(parseRoute('#/search')).toEqual({ name: 'search' });
  });
});
