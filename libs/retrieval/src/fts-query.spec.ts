import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryTerms, toFtsQuery } from './fts-query';

describe('toFtsQuery', () => {
  it('quotes each word and ORs them, dropping function words', () => {
    expect(toFtsQuery('What is the boundary layer?')).toBe('"boundary" OR "layer"');
  });

  it('keeps function words when nothing else is left', () => {
    expect(queryTerms('to be or to be')).toEqual(['to', 'be', 'or']);
    expect(queryTerms('to be or not to be')).toEqual(['not']);
  });

  it('neutralises FTS5 syntax', () => {
    expect(toFtsQuery('title:foo AND NEAR(bar baz) "x* ^y')).toBe(
      '"title" OR "foo" OR "near" OR "bar" OR "baz" OR "x" OR "y"',
    );
    expect(toFtsQuery('*** ()"" --')).toBeNull();
  });

  it('never produces a MATCH expression that SQLite rejects', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')");
    db.prepare('INSERT INTO t (text) VALUES (?)').run('boundary layer transition at hypersonic speed');
    const q = db.prepare('SELECT rowid FROM t WHERE t MATCH ?');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const m = toFtsQuery(s);
        if (m !== null) q.all(m);
      }),
      { numRuns: 400 },
    );
  });
});
