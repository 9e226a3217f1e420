/**
 * Analysis at scale, measured side by side in one run: building a stored summary (the worker's
 * summarize stage, with lexical evidence only and with liquid vectors: random 256-d unit vectors, since
 * only the cost of the liquid features is measured here) and re-selecting another length from stored salience (what
 * `GET /v1/documents/:id/summary?length=` does per request), and answering one question over a
 * document's sentences, at 1k, 10k and 100k sentences. Prints medians (ms) as JSON.
 *
 *   npx tsx bench/analysis.ts [--runs 5]
 */
import { parseArgs } from 'node:util';
import { mulberry32 } from '@elegans/common';
import { answerQuestion, buildStoredSummary, prepareCandidates, selectFromSalience } from '@elegans/analysis';

const WORDS =
  'river forest city market school harbour bridge station village castle museum garden valley mountain island'.split(
    ' ',
  );

function makeDoc(n: number) {
  let pos = 0;
  const sentences = Array.from({ length: n }, (_, i) => {
    const w = (k: number) => WORDS[(i * k) % WORDS.length];
    const text = `Record ${i} notes that the ${w(3)} near the ${w(7)} was rebuilt in ${1800 + (i % 200)} by ${w(11)} workers.`;
    const s = {
      text,
      start: pos,
      end: pos + text.length,
      page: 1 + Math.floor(i / 40),
      section: -1,
      passage: Math.floor(i / 8),
    };
    pos += text.length + 1;
    return s;
  });
  return { text: '', sentences, passages: [], sections: [] };
}

/** Seeded pseudo-random unit vectors, one per sentence, plus their mean as the document vector. */
function makeVectors(n: number, dim = 256): { sentences: Float32Array[]; document: Float32Array } {
  const rnd = mulberry32(2463534242);
  const document = new Float32Array(dim);
  const sentences = Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dim }, () => rnd() - 0.5);
    const norm = Math.hypot(...v);
    for (let k = 0; k < dim; k++) {
      v[k]! /= norm;
      document[k]! += v[k]! / n;
    }
    return v;
  });
  return { sentences, document };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]! * 10) / 10;
}

function time(runs: number, f: () => void): number {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return median(out);
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const rows: Record<string, number>[] = [];
for (const n of [1_000, 10_000, 100_000]) {
  const doc = makeDoc(n);
  const vectors = { ...makeVectors(n), passages: [] };
  const stored = buildStoredSummary(doc, null, null);
  // Answers in the API score the sentences of ~5 retrieved passages (~40); here a whole-document
  // candidate set shows the upper bound.
  const prepared = prepareCandidates(doc.sentences);
  rows.push({
    sentences: n,
    buildSummaryMs: time(Math.min(runs, n >= 100_000 ? 3 : runs), () => buildStoredSummary(doc, null, null)),
    buildSummaryLiquidMs: time(Math.min(runs, n >= 100_000 ? 3 : runs), () =>
      buildStoredSummary(doc, vectors, 'bench'),
    ),
    reselect10Ms: time(runs, () => selectFromSalience(doc, stored.salience, { sentences: 10 })),
    reselect200wMs: time(runs, () => selectFromSalience(doc, stored.salience, { words: 200 })),
    answerAllSentencesMs: time(runs, () =>
      answerQuestion({ question: 'When was the harbour near the castle rebuilt?', sentences: doc.sentences, prepared }),
    ),
  });
}
const small = rows[0]!;
const big = rows[rows.length - 1]!;
console.log(
  JSON.stringify({
    runs,
    rows,
    liquidOverLexicalBuild: rows.map((r) => Math.round((r.buildSummaryLiquidMs! / r.buildSummaryMs!) * 100) / 100),
    ratios100kTo1k: {
      buildSummary: Math.round((big.buildSummaryMs! / small.buildSummaryMs!) * 10) / 10,
      buildSummaryLiquid: Math.round((big.buildSummaryLiquidMs! / small.buildSummaryLiquidMs!) * 10) / 10,
      reselect10: Math.round((big.reselect10Ms! / small.reselect10Ms!) * 10) / 10,
    },
  }),
);
