/**
 * Rule-based sentence boundaries over the document text. Returns half-open ranges trimmed of
 * whitespace, so `text.slice(start, end)` is the sentence. Rules, in order:
 *  - hard breaks: a blank line, a form feed, and (for built text) every newline; for raw plain
 *    text a single newline is soft unless the next line starts a list item;
 *  - a candidate end is `.`, `!`, `?` or `…` (plus closing quotes/brackets) followed by
 *    whitespace; decimals ("3.14"), URLs and e-mails never contain that, so they never split;
 *  - no split before a lowercase word, after a known abbreviation ("Fig.", "e.g.", "Dr."), after
 *    "et al.", after a single-letter initial ("J. Smith") or after a bare list marker ("1.");
 *  - a sentence longer than `maxChars` is cut at the last whitespace before the limit, so tables
 *    and run-on text never produce one giant unit.
 */
export interface SentenceRange {
  start: number;
  end: number;
}

export interface SentenceSplitOptions {
  /** When true, a single "\n" is whitespace (raw plain text); otherwise every "\n" is a break. */
  softLineBreaks: boolean;
  maxChars: number;
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'rev',
  'gen',
  'col',
  'lt',
  'sgt',
  'capt',
  'gov',
  'sen',
  'rep',
  'vs',
  'v',
  'etc',
  'cf',
  'viz',
  'ca',
  'approx',
  'resp',
  'incl',
  'esp',
  'al',
  'ibid',
  'fig',
  'figs',
  'eq',
  'eqs',
  'eqn',
  'tab',
  'sec',
  'secs',
  'ch',
  'chap',
  'app',
  'ref',
  'refs',
  'no',
  'nos',
  'vol',
  'vols',
  'pp',
  'p',
  'ed',
  'eds',
  'trans',
  'art',
  'para',
  'ex',
  'def',
  'thm',
  'lem',
  'prop',
  'cor',
  'inc',
  'ltd',
  'co',
  'corp',
  'dept',
  'univ',
  'assn',
  'bros',
  'est',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
  'no',
  'approx',
  'min',
  'max',
  'avg',
  'std',
]);

const LIST_MARKER = /^(?:[-*+•‣◦▪●–]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\((?:[ivxlc]+|[a-z]|\d{1,3})\)|[ivxlc]+[.)])$/;
const CANDIDATE = /([.!?…]+)(["'”’»)\]]*)(\s+)/g;

export function splitSentences(text: string, opts: SentenceSplitOptions): SentenceRange[] {
  const out: SentenceRange[] = [];
  for (const block of hardBlocks(text, opts.softLineBreaks)) splitBlock(text, block.start, block.end, opts, out);
  return out;
}

/** Ranges of text between hard breaks. */
function hardBlocks(text: string, soft: boolean): SentenceRange[] {
  const blocks: SentenceRange[] = [];
  const breaker = soft
    ? /\n[ \t]*(?:\n[ \t]*)+|\f+|\n(?=[ \t]*(?:[-*+•‣◦▪●]|\d{1,3}[.)]|[a-z][.)]|\([a-z0-9]{1,3}\))[ \t]+\S)/g
    : /[\n\f]+/g;
  let last = 0;
  for (let m = breaker.exec(text); m; m = breaker.exec(text)) {
    if (m.index > last) blocks.push({ start: last, end: m.index });
    last = m.index + m[0].length;
  }
  if (last < text.length) blocks.push({ start: last, end: text.length });
  return blocks;
}

function splitBlock(text: string, start: number, end: number, opts: SentenceSplitOptions, out: SentenceRange[]): void {
  const block = text.slice(start, end);
  let sentStart = 0;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(block); m; m = CANDIDATE.exec(block)) {
    const punct = m[1]!;
    const cut = m.index + punct.length + m[2]!.length;
    const next = block[m.index + m[0].length];
    if (next === undefined) break; // trailing punctuation: the block end closes the sentence
    if (!isBoundary(block, sentStart, m.index, punct, next)) continue;
    pushTrimmed(text, start + sentStart, start + cut, opts.maxChars, out);
    sentStart = m.index + m[0].length;
  }
  pushTrimmed(text, start + sentStart, end, opts.maxChars, out);
}

function isBoundary(block: string, sentStart: number, at: number, punct: string, next: string): boolean {
  if (isLowercase(next)) return false;
  if (punct !== '.') return true;
  // The token before the dot, found by walking back (bounded), so long blocks stay linear.
  let tokenStart = at;
  while (tokenStart > sentStart && at - tokenStart < 64 && !isSpace(block.charCodeAt(tokenStart - 1))) tokenStart--;
  const token = block.slice(tokenStart, at);
  const word = token.replace(/^[("'“‘[]+/, '');
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) {
    // "etc." before a capital ends a sentence; "al." only when it is not "et al.".
    if (lower === 'etc') return true;
    if (lower === 'al') return !/\bet\s+$/i.test(block.slice(Math.max(sentStart, tokenStart - 8), tokenStart));
    return false;
  }
  if (/^[A-Za-z]$/.test(word)) return false; // initial: "J. Smith"
  if (/^(?:[A-Za-z]\.)+[A-Za-z]$/.test(word)) return false; // "e.g", "i.e", "U.S", "Ph.D"-like
  // "1." or "a." opening the sentence is a list marker, not an ending.
  if (
    tokenStart - sentStart <= 8 &&
    LIST_MARKER.test(`${token}.`) &&
    /^\s*$/.test(block.slice(sentStart, tokenStart))
  ) {
    return false;
  }
  return true;
}

function isLowercase(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

function pushTrimmed(text: string, start: number, end: number, maxChars: number, out: SentenceRange[]): void {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  while (end - start > maxChars) {
    let cut = start + maxChars;
    while (cut > start + maxChars / 2 && !isSpace(text.charCodeAt(cut))) cut--;
    if (!isSpace(text.charCodeAt(cut))) cut = start + maxChars;
    // Never cut a surrogate pair in half.
    if (isHighSurrogate(text.charCodeAt(cut - 1))) cut++;
    let e = cut;
    while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
    out.push({ start, end: e });
    start = cut;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
  }
  if (end > start) out.push({ start, end });
}

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0x0c ||
    c === 0x0b ||
    c === 0xa0 ||
    c === 0x3000 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x85 ||
    c === 0x1680 ||
    c === 0x202f ||
    c === 0x205f
  );
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
