/**
 * The Porter stemmer (M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980), the
 * original algorithm as used by ROUGE-1.5.5 and by most BM25 baselines. Steps are named as in the
 * paper. Input is one lower-case word; words of one or two letters are returned unchanged.
 */

function isConsonant(w: string, i: number): boolean {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  if (c === 'y') return i === 0 ? true : !isConsonant(w, i - 1);
  return true;
}

/** m(): the number of VC sequences in w[0..end). [C](VC)^m[V]. */
function measure(w: string, end: number): number {
  let n = 0;
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    n++;
    while (i < end && isConsonant(w, i)) i++;
  }
  return n;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

/** *d: ends with a double consonant. */
function doubleConsonant(w: string, end: number): boolean {
  return end >= 2 && w[end - 1] === w[end - 2] && isConsonant(w, end - 1);
}

/** *o: ends cvc, where the last c is not w, x or y. */
function cvc(w: string, end: number): boolean {
  if (end < 3) return false;
  if (!isConsonant(w, end - 1) || isConsonant(w, end - 2) || !isConsonant(w, end - 3)) return false;
  const c = w[end - 1];
  return c !== 'w' && c !== 'x' && c !== 'y';
}

/** Replace suffix `s` by `r` if the stem before it has m() > minM. Returns null if `s` does not end w. */
function replaceIf(w: string, s: string, r: string, minM: number): string | null {
  if (!w.endsWith(s)) return null;
  const stemEnd = w.length - s.length;
  return measure(w, stemEnd) > minM ? w.slice(0, stemEnd) + r : w;
}

function step1a(w: string): string {
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ies')) return w.slice(0, -2);
  if (w.endsWith('ss')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

function step1b(w: string): string {
  if (w.endsWith('eed')) {
    return measure(w, w.length - 3) > 0 ? w.slice(0, -1) : w;
  }
  let stem: string | null = null;
  if (w.endsWith('ed') && hasVowel(w, w.length - 2)) stem = w.slice(0, -2);
  else if (w.endsWith('ing') && hasVowel(w, w.length - 3)) stem = w.slice(0, -3);
  if (stem === null) return w;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return stem + 'e';
  const n = stem.length;
  if (doubleConsonant(stem, n)) {
    const c = stem[n - 1];
    if (c !== 'l' && c !== 's' && c !== 'z') return stem.slice(0, -1);
    return stem;
  }
  if (measure(stem, n) === 1 && cvc(stem, n)) return stem + 'e';
  return stem;
}

function step1c(w: string): string {
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) return w.slice(0, -1) + 'i';
  return w;
}

const STEP2: [string, string][] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['abli', 'able'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
];

const STEP3: [string, string][] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];

const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/** Steps 2 and 3: the longest matching suffix decides; it is replaced only when m() > 0. */
function mapSuffix(w: string, table: [string, string][]): string {
  let best: [string, string] | null = null;
  for (const pair of table) if (w.endsWith(pair[0]) && (!best || pair[0].length > best[0].length)) best = pair;
  if (!best) return w;
  return replaceIf(w, best[0], best[1], 0) ?? w;
}

function step4(w: string): string {
  let best: string | null = null;
  for (const s of STEP4) if (w.endsWith(s) && (!best || s.length > best.length)) best = s;
  if (!best) return w;
  const stemEnd = w.length - best.length;
  if (best === 'ion') {
    const c = w[stemEnd - 1];
    if (c !== 's' && c !== 't') return w;
  }
  return measure(w, stemEnd) > 1 ? w.slice(0, stemEnd) : w;
}

function step5(w: string): string {
  if (w.endsWith('e')) {
    const n = w.length - 1;
    const m = measure(w, n);
    if (m > 1 || (m === 1 && !cvc(w, n))) w = w.slice(0, n);
  }
  if (measure(w, w.length) > 1 && doubleConsonant(w, w.length) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}

const cache = new Map<string, string>();

export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  let w = word;
  w = step1a(w);
  w = step1b(w);
  w = step1c(w);
  w = mapSuffix(w, STEP2);
  w = mapSuffix(w, STEP3);
  w = step4(w);
  w = step5(w);
  if (cache.size < 200_000) cache.set(word, w);
  return w;
}
