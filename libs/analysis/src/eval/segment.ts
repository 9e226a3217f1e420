/**
 * A plain-text sentence splitter for the eval commands, whose inputs (SummEval articles, SQuAD contexts)
 * arrive as strings rather than files. Offsets are `[start, end)` into the input, like libs/ingest.
 * It knows common abbreviations, initials, decimals and the space-before-punctuation of tokenized
 * corpora (CNN/DailyMail in SummEval).
 */
import { MAX_SENTENCE_CHARS, splitSentences } from '@elegans/ingest';
import type { DocumentVectors, Embedder } from '../embedder';

export interface TextSpan {
  text: string;
  start: number;
  end: number;
}

const ABBREV = new Set(
  (
    'mr mrs ms dr prof sr jr st mt ft lt col gen gov sen rep rev sgt capt cmdr adm maj corp inc ltd co vs etc ' +
    'e.g i.e al fig figs eq eqs no nos vol vols pp p ch sec dept univ approx est jan feb mar apr jun jul aug sep sept ' +
    'oct nov dec u.s u.k u.n a.m p.m d.c'
  ).split(' '),
);

export function splitSentencesSimple(text: string): TextSpan[] {
  const out: TextSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push({ text: text.slice(s, e), start: s, end: e });
    start = end;
  };
  const re = /([.!?]+)(["'”’)\]]*)(\s+)(?=["'“‘(\[]?\s?[\p{Lu}\p{N}])|\n\s*\n/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[0].startsWith('\n')) {
      push(m.index);
      continue;
    }
    const punctEnd = m.index + m[1]!.length + m[2]!.length;
    if (m[1] === '.') {
      // The word before the period: an abbreviation or an initial does not end a sentence.
      const before = text.slice(Math.max(0, m.index - 12), m.index);
      const word = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
      if (word.length > 0 && (ABBREV.has(word) || /^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word))) continue;
    }
    push(punctEnd);
  }
  push(text.length);
  return out;
}

/** Sentences of a plain string by libs/ingest's splitter (the one the service uses), as text spans. */
export function sentenceSpans(text: string): TextSpan[] {
  return splitSentences(text, { softLineBreaks: true, maxChars: MAX_SENTENCE_CHARS }).map((r) => ({
    text: text.slice(r.start, r.end),
    start: r.start,
    end: r.end,
  }));
}

/** Group consecutive sentences into passages of about `targetWords` words (ingest's default is 200). */
export function groupPassages(sentences: readonly TextSpan[], targetWords = 200): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let count = 0;
  sentences.forEach((s, i) => {
    count += s.text.split(/\s+/).length;
    if (count >= targetWords) {
      out.push([from, i + 1]);
      from = i + 1;
      count = 0;
    }
  });
  if (from < sentences.length) out.push([from, sentences.length]);
  return out;
}

/** A plain-text document as the summary evals see it: sentences on page 1 and, with a model, its vectors. */
export interface EvalDocument {
  sentences: (TextSpan & { page: number })[];
  vectors: DocumentVectors | null;
}

/**
 * Segments `text` (or takes the given sentence spans, when a corpus ships its own split) and embeds it
 * with ingest's passage grouping, the way the worker would.
 */
export async function evalDocument(
  text: string,
  embedder: Embedder | null,
  spans: readonly TextSpan[] = sentenceSpans(text),
): Promise<EvalDocument> {
  const sentences = spans.map((s) => ({ ...s, page: 1 }));
  if (!embedder || sentences.length === 0) return { sentences, vectors: null };
  const passages = groupPassages(spans).map(([a, b]) => ({ sentenceStart: a, sentenceEnd: b }));
  return { sentences, vectors: await embedder.embedDocument({ text, sentences, passages }) };
}
