/**
 * Long-document summary variants on ScisummNet (whole ACL papers without their abstract; references are
 * the abstract plus citation statements). Embeds each paper once (with --vector-cache, once across runs),
 * then scores side by side the shipped long-document weights, the short-text (news) weights, lead-3,
 * lead-3 of prose sentences (no title line), TextRank and a grid over the opening prior and the
 * contribution cue. The grid is scored on the tuning range; the chosen point (best mean of R1/R2/RL on it)
 * and the baselines are then reported on the held-out range, so no figure is in-sample.
 *
 *   npx tsx eval/long-variants.ts ../shared/data/summarization/scisummnet-dev.json \
 *     [--tune 0-99] [--report 100-772] [--vector-cache DIR] [--sentences 3] [--show N] [--no-model]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SUMMARY_WEIGHTS,
  LONG_DOCUMENT_WEIGHTS,
  LiquidEmbedder,
  cachedEmbedder,
  evalDocument,
  isProse,
  leadK,
  parseSummEval,
  rougeMulti,
  summarize,
  textRank,
  type DocumentVectors,
  type Embedder,
  type RougeScores,
  type SummaryWeights,
  type TextSpan,
} from '@elegans/analysis';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tune: { type: 'string', default: '0-99' },
    report: { type: 'string', default: '100-772' },
    'vector-cache': { type: 'string' },
    sentences: { type: 'string', default: '3' },
    show: { type: 'string', default: '0' },
    'no-model': { type: 'boolean', default: false },
    'embed-only': { type: 'boolean', default: false },
    'grid-opening': { type: 'string' },
    'grid-cue': { type: 'string' },
    'grid-words': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    choose: { type: 'string' },
    model: { type: 'string' },
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: npx tsx eval/long-variants.ts SCISUMMNET.json [--tune A-B] [--report A-B]\n');
  process.exit(2);
}
const k = Number(values.sentences);
const range = (r: string): [number, number] => {
  const [a, b] = r.split('-').map(Number);
  return [a!, b!];
};

interface Doc {
  id: string;
  refs: string[];
  sentences: (TextSpan & { page: number })[];
  v: DocumentVectors | null;
}
type Picker = (d: Doc) => number[];

const withWeights =
  (w: SummaryWeights): Picker =>
  (d) =>
    summarize(
      { sentences: d.sentences, vectors: d.v?.sentences ?? null, documentVector: d.v?.document ?? null },
      { sentences: k },
      w,
    ).map((s) => s.index);

const baselines: Record<string, Picker> = {
  lead3: (d) => leadK(d.sentences.length, k),
  lead3prose: (d) =>
    d.sentences
      .map((s, i) => (isProse(s.text) ? i : -1))
      .filter((i) => i >= 0)
      .slice(0, k),
  textrank: (d) =>
    textRank(
      d.sentences.map((s) => s.text),
      k,
    ),
  news: withWeights(DEFAULT_SUMMARY_WEIGHTS),
  longBefore: withWeights({ ...LONG_DOCUMENT_WEIGHTS, opening: 0, cue: 0, coverageTop: 0 }),
  shipped: withWeights(LONG_DOCUMENT_WEIGHTS),
};

const grid: Record<string, SummaryWeights> = {};
// The opening prior's decay: a share of the document (0.05 … 0.2) or a fixed number of words ("@500w").
const scales: { label: string; w: Partial<SummaryWeights> }[] = [
  ...[0.1, 0.2].map((x) => ({ label: `${x}`, w: { openingShare: x, openingWords: undefined } })),
  ...(values['grid-words'] ? [1000] : []).map((x) => ({ label: `${x}w`, w: { openingWords: x } })),
];
// Coverage: per-part pool only, per-part pool plus the 2k most salient overall, or no coverage pool.
const coverages: { label: string; w: Partial<SummaryWeights> }[] = [
  { label: '', w: { coverage: true, coverageTop: 0 } },
  { label: ' union', w: { coverage: true, coverageTop: 2 } },
  { label: ' nocov', w: { coverage: false } },
];
for (const opening of (values['grid-opening'] ?? '0,0.2,0.4,0.6,0.8').split(',').map(Number))
  for (const scale of opening === 0 ? scales.slice(0, 1) : scales)
    for (const cue of (values['grid-cue'] ?? '0,0.05,0.1').split(',').map(Number))
      for (const cov of coverages) {
        grid[`open${opening}@${scale.label} cue${cue}${cov.label}`] = {
          ...LONG_DOCUMENT_WEIGHTS,
          ...scale.w,
          opening,
          cue,
          ...cov.w,
        };
      }

function mean(xs: RougeScores[]): RougeScores & { avg: number } {
  const n = Math.max(1, xs.length);
  const m = (f: (x: RougeScores) => number) => Math.round((xs.reduce((a, x) => a + f(x), 0) / n) * 1e4) / 1e4;
  const r = { rouge1: m((x) => x.rouge1), rouge2: m((x) => x.rouge2), rougeL: m((x) => x.rougeL) };
  return { ...r, avg: Math.round(((r.rouge1 + r.rouge2 + r.rougeL) / 3) * 1e4) / 1e4 };
}

function score(docs: Doc[], pick: Picker): RougeScores & { avg: number } {
  return mean(
    docs.map((d) =>
      rougeMulti(
        pick(d)
          .map((i) => d.sentences[i]!.text)
          .join(' '),
        d.refs,
      ),
    ),
  );
}

async function load(entries: [string, string[], string][], embedder: Embedder | null): Promise<Doc[]> {
  const out: Doc[] = [];
  for (const [id, refs, src] of entries) {
    const { sentences, vectors } = await evalDocument(src, embedder);
    out.push({ id, refs, sentences, v: vectors });
    if (out.length % 25 === 0) process.stderr.write(`embedded ${out.length}/${entries.length}\n`);
  }
  return out;
}

async function main(): Promise<void> {
  const all = parseSummEval(JSON.parse(readFileSync(file!, 'utf8')));
  const [ta, tb] = range(values.tune!);
  const [ra, rb] = range(values.report!);
  let embedder: Embedder | null = null;
  let inner: LiquidEmbedder | null = null;
  if (!values['no-model']) {
    inner = await LiquidEmbedder.load(values.model ? { modelDir: values.model } : {});
    embedder = values['vector-cache'] ? cachedEmbedder(inner, values['vector-cache']) : inner;
  }
  if (values['embed-only']) {
    // Fill the vector cache for both ranges (no scoring).
    await load(all.slice(ta, Math.max(tb, rb) + 1), embedder);
    await inner?.release();
    return;
  }
  const tune = await load(all.slice(ta, tb + 1), embedder);
  const table: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(baselines)) table[name] = score(tune, p);
  let best = '';
  let bestAvg = -1;
  for (const [name, w] of Object.entries(grid)) {
    const s = score(tune, withWeights(w));
    table[name] = s;
    if (s.avg > bestAvg) {
      bestAvg = s.avg;
      best = name;
    }
  }
  process.stdout.write(`tune ${ta}-${tb} (${tune.length} papers, ${k} sentences):\n`);
  const sorted = Object.entries(table).sort(
    ([a, x], [b, y]) =>
      (a in baselines ? -1 : 0) - (b in baselines ? -1 : 0) || (y as { avg: number }).avg - (x as { avg: number }).avg,
  );
  const nb = Object.keys(baselines).length;
  const shown = values.quiet
    ? [
        ...sorted.slice(0, nb + 10),
        ...sorted
          .slice(nb + 10)
          .filter(([n]) => !n.includes('nocov') && !n.includes('union'))
          .slice(0, 5),
        ...sorted
          .slice(nb + 10)
          .filter(([n]) => n.includes('union'))
          .slice(0, 5),
      ]
    : sorted;
  for (const [name, s] of shown) process.stdout.write(`  ${name.padEnd(30)} ${JSON.stringify(s)}\n`);
  process.stdout.write(`best on tune: ${best} ${bestAvg}\n`);
  const show = Number(values.show);
  for (const d of tune.slice(0, show)) {
    process.stdout.write(`\n== ${d.id}\nREF: ${d.refs[0]!.slice(0, 600)}\n`);
    for (const name of ['lead3', 'longBefore', 'news', best]) {
      const p = name in baselines ? baselines[name]! : withWeights(grid[name]!);
      process.stdout.write(`-- ${name}\n`);
      for (const i of p(d))
        process.stdout.write(`   [${i}/${d.sentences.length}] ${d.sentences[i]!.text.slice(0, 200)}\n`);
    }
  }
  if (rb >= ra && ra < all.length) {
    const held = await load(all.slice(ra, rb + 1), embedder);
    process.stdout.write(`\nheld-out ${ra}-${Math.min(rb, all.length - 1)} (${held.length} papers):\n`);
    // The best point of each coverage family on the tuning range (and any named with --choose).
    const family = (n: string) => (n.includes('nocov') ? 'nocov' : n.includes('union') ? 'union' : 'parts');
    const chosen = new Map<string, string>();
    for (const [n, x] of sorted) {
      if (n in baselines) continue;
      if (!chosen.has(family(n))) chosen.set(family(n), n);
      void x;
    }
    for (const n of (values.choose ?? '').split(';').filter((x) => x in grid)) chosen.set(`named ${n}`, n);
    const rows: Record<string, Picker> = { ...baselines };
    for (const [f, n] of chosen) rows[`${f}: ${n}`] = withWeights(grid[n]!);
    for (const [name, p] of Object.entries(rows))
      process.stdout.write(`  ${name.padEnd(40)} ${JSON.stringify(score(held, p))}\n`);
  }
  await inner?.release();
}

void main();
