/**
 * Turns any user string into a safe FTS5 MATCH expression: the words (letters and digits, as
 * unicode61 would split them) each in double quotes, joined with OR. Quoting makes every word a
 * plain string token, so user input can never become an FTS5 operator (AND/OR/NOT/NEAR, column
 * filters, `*`, `^`, parentheses) or a syntax error. OR across terms gives classic BM25 ranking.
 *
 * Very common English function words are dropped when the query has other words: they carry no
 * ranking signal (BM25 idf ≈ 0) but make FTS5 walk the longest posting lists, which dominates
 * latency on large indexes.
 */

const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'may might must of on or shall should so such than that the their them then there these they this those ' +
    'to was were what when where which while who whom why will with would you your we our us he she his her'
  ).split(' '),
);

/** Word tokens of a query, lower-cased, in order, duplicates removed. */
export function queryTerms(query: string, maxTerms = 64): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of words) {
    if (seen.has(w)) continue;
    seen.add(w);
    out.push(w);
  }
  const content = out.filter((w) => !STOPWORDS.has(w));
  return (content.length > 0 ? content : out).slice(0, maxTerms);
}

/** The FTS5 expression for a query, or null when it has no searchable word. */
export function toFtsQuery(query: string, maxTerms = 64): string | null {
  const terms = queryTerms(query, maxTerms);
  if (terms.length === 0) return null;
  // A word can hold no double quote (the regex only keeps letters and digits), so quoting is safe.
  return terms.map((t) => `"${t}"`).join(' OR ');
}
