import { queryTerms } from './fts-query';
import { analyze, type Stemmer } from './pg-lexical';

interface Token {
  start: number;
  end: number;
  term: string;
}

/** unicode61 tokens of `text` with their char offsets, folded and stemmed as `analyze` does. */
function tokens(text: string, stem: Stemmer): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const t = analyze(m[0], stem);
    if (t.length === 0) continue;
    // A run that folds into several tokens (rare) keeps them all on the run's span.
    for (const term of t) out.push({ start: m.index, end: m.index + m[0].length, term });
  }
  return out;
}

/**
 * FTS5's `snippet(fts, 0, open, close, ellipsis, n)` in JavaScript, for backends without FTS5
 * (PostgreSQL): the same window choice and output shape, so both backends give the same snippets.
 * - every query word (queryTerms, analysed) is one phrase; a token is a hit of each phrase it equals;
 * - candidate windows of n tokens start around each hit (centred on the hits they hold) and at the
 *   start of the sentence holding the hit (a token after ". " or ": "; bonus 100, 120 at the text's start);
 *   a window scores 1000 per distinct phrase and 1 per repeated hit; the first best wins;
 * - the window's text from its first token to the end of its last, hits wrapped in open/close,
 *   `ellipsis` before when it does not start at the first token, after when it does not reach the last
 *   (then the text's tail, trailing punctuation included, is kept).
 * Returns null when no token matches (FTS5 returns no row for such a unit).
 */
export function ftsSnippet(
  text: string,
  query: string,
  stem: Stemmer,
  n = 32,
  open = '<mark>',
  close = '</mark>',
  ellipsis = '…',
): string | null {
  const phrases = queryTerms(query).map((w) => analyze(w, stem)[0] ?? '');
  const toks = tokens(text, stem);
  // Instances in FTS5's order: by token position, then phrase.
  const inst: { pos: number; phrase: number }[] = [];
  toks.forEach((t, pos) => phrases.forEach((p, i) => p !== '' && p === t.term && inst.push({ pos, phrase: i })));
  if (inst.length === 0) return null;
  const size = toks.length;
  const score = (from: number): { score: number; first: number; last: number } => {
    const seen = new Set<number>();
    let s = 0;
    let first = -1;
    let last = -1;
    for (const x of inst) {
      if (x.pos < from || x.pos >= from + n) continue;
      s += seen.has(x.phrase) ? 1 : 1000;
      seen.add(x.phrase);
      if (first < 0) first = x.pos;
      last = x.pos;
    }
    return { score: s, first, last };
  };
  // Sentence starts: token 0 and any token preceded by whitespace after '.' or ':'.
  const firsts: number[] = [];
  toks.forEach((t, pos) => {
    if (pos === 0) return void firsts.push(0);
    const gap = text.slice(toks[pos - 1]!.end, t.start);
    if (/[.:][ \t\n\r]+$/.test(gap)) firsts.push(pos);
  });
  let best = 0;
  let bestStart = 0;
  for (const x of inst) {
    const w = score(x.pos);
    let adj = w.first - Math.trunc((n - (w.last - w.first)) / 2);
    if (adj + n > size) adj = size - n;
    if (adj < 0) adj = 0;
    if (w.score > best) {
      best = w.score;
      bestStart = adj;
    }
    if (size > n) {
      let j = 0;
      while (j < firsts.length - 1 && firsts[j + 1]! <= x.pos) j++;
      if (firsts[j]! < x.pos) {
        const s = score(firsts[j]!).score + (firsts[j] === 0 ? 120 : 100);
        if (s > best) {
          best = s;
          bestStart = firsts[j]!;
        }
      }
    }
  }
  const hits = new Set(inst.map((x) => x.pos));
  const end = Math.min(size - 1, bestStart + n - 1);
  let out = bestStart > 0 ? ellipsis : '';
  let off = toks[bestStart]!.start;
  for (let pos = bestStart; pos <= end; pos++) {
    const t = toks[pos]!;
    if (!hits.has(pos)) continue;
    // Adjacent tokens of one run (a folded run split in several) share a span: highlight it once.
    if (t.start < off) continue;
    out += `${text.slice(off, t.start)}${open}${text.slice(t.start, t.end)}${close}`;
    off = t.end;
  }
  out += text.slice(off, Math.max(off, toks[end]!.end));
  off = Math.max(off, toks[end]!.end);
  out += bestStart + n - 1 >= size - 1 ? text.slice(off) : ellipsis;
  return out;
}
