/**
 * Is there anything in our evidence that beats lead-3 on news, or only noise? Embeds every SummEval article
 * once and scores, side by side in one run, the shipped summarizer, the previous weights and the variants
 * we tried, each against lead-3 on the same articles: mean ROUGE-1/2/L F1 (best of the references) and, on
 * the articles where a variant's summary differs from lead-3, how many it wins and loses (sum of the three
 * F1s) with the two-sided sign-test p-value. With --scitldr it also scores one-sentence summaries on
 * SciTLDR-A dev (abstracts, where the lead is background rather than the gist) to show what a stronger
 * position prior costs away from news.
 *
 *   npx tsx eval/summary-variants.ts ../shared/data/summarization/summeval-cnndm.json \
 *     [--scitldr ../shared/data/summarization/scitldr-a.dev.jsonl] [--model DIR]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SUMMARY_WEIGHTS,
  LiquidEmbedder,
  evalDocument,
  leadK,
  parseSciTldr,
  parseSummEval,
  rougeMulti,
  salience,
  selectMmr,
  sparseDot,
  summarize,
  summaryPool,
  textRank,
  tfidfVectors,
  zscore,
  words,
  type DocumentVectors,
  type RougeScores,
  type SummaryWeights,
  type TextSpan,
} from '@elegans/analysis';

interface Doc {
  refs: string[];
  sentences: (TextSpan & { page: number })[];
  v: DocumentVectors;
}

type Picker = (d: Doc, k: number) => number[];

const PREVIOUS: SummaryWeights = { ...DEFAULT_SUMMARY_WEIGHTS, position: 3 };

const withWeights =
  (w: SummaryWeights, liquid = true): Picker =>
  (d, k) =>
    summarize(
      { sentences: d.sentences, vectors: liquid ? d.v.sentences : null, documentVector: liquid ? d.v.document : null },
      { sentences: k },
      w,
    ).map((s) => s.index);

/** Direct speech: opens with a quote mark, or a quote mark next to a speech verb (tokenized text too). */
const QUOTED =
  /^\s*(``|"|“|‘|'(?!(s|re|ve|ll|d|m|t)\s))|(''|['"”’])\s*,?\s*((\p{Lu}[\p{L}.'-]*\s+){1,3}|(he|she|they|we|i|it)\s+)(said|says|added|told|explained|wrote|tweeted|claimed|insisted)\b/iu;

/** The shipped salience minus a penalty for direct speech (news summaries paraphrase; they rarely quote). */
const quotePenalty =
  (penalty: number): Picker =>
  (d, k) => {
    const texts = d.sentences.map((s) => s.text);
    const w = DEFAULT_SUMMARY_WEIGHTS;
    const { scores, similarity, wordCounts } = salience(
      { texts, vectors: d.v.sentences, documentVector: d.v.document },
      w,
    );
    const adjusted = scores.map((s, i) => s - (QUOTED.test(texts[i]!) ? penalty : 0));
    return selectMmr(
      adjusted,
      similarity,
      { sentences: k },
      wordCounts,
      w.lambda,
      summaryPool(texts, { sentences: k }),
    );
  };

/**
 * PacSum (Zheng & Lapata 2019): directed TF-IDF centrality, a sentence scores for edges to the sentences
 * after it (λ1 = 1) and against those before it (λ2), edges below min + β(max − min) dropped, then the
 * shipped position prior and MMR.
 */
const pacsum =
  (lambda2: number, beta = 0.6): Picker =>
  (d, k) => {
    const texts = d.sentences.map((s) => s.text);
    const n = texts.length;
    const lex = tfidfVectors(texts);
    const sim = (i: number, j: number) => sparseDot(lex[i]!, lex[j]!);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        lo = Math.min(lo, sim(i, j));
        hi = Math.max(hi, sim(i, j));
      }
    const threshold = lo + beta * (hi - lo);
    const centrality = texts.map((_, i) => {
      let c = 0;
      for (let j = 0; j < n; j++) if (j !== i) c += Math.max(0, sim(i, j) - threshold) * (j > i ? 1 : lambda2);
      return c;
    });
    const w = DEFAULT_SUMMARY_WEIGHTS;
    const scores = zscore(centrality).map((z, i) => 0.125 * z + w.position / (1 + i));
    const wordCounts = texts.map((t) => words(t).length);
    return selectMmr(scores, sim, { sentences: k }, wordCounts, w.lambda, summaryPool(texts, { sentences: k }));
  };

const VARIANTS: [string, Picker][] = [
  ['elegans (shipped)', withWeights(DEFAULT_SUMMARY_WEIGHTS)],
  ['elegans lexical only', withWeights(DEFAULT_SUMMARY_WEIGHTS, false)],
  ['previous (position 3)', withWeights(PREVIOUS)],
  ['position + length only', withWeights({ ...DEFAULT_SUMMARY_WEIGHTS, content: 0 })],
  ['content weight 0.25', withWeights({ ...DEFAULT_SUMMARY_WEIGHTS, content: 0.25 })],
  ['content weight 1', withWeights({ ...DEFAULT_SUMMARY_WEIGHTS, content: 1 })],
  ['content weight 2', withWeights({ ...DEFAULT_SUMMARY_WEIGHTS, content: 2 })],
  ['liquid redundancy in MMR', withWeights({ ...DEFAULT_SUMMARY_WEIGHTS, denseRedundancy: true })],
  ['MMR λ 0.5', withWeights({ ...DEFAULT_SUMMARY_WEIGHTS, lambda: 0.5 })],
  ['quote penalty 0.5', quotePenalty(0.5)],
  ['PacSum λ2 −0.5 + position', pacsum(-0.5)],
  [
    'textrank',
    (d, k) =>
      textRank(
        d.sentences.map((s) => s.text),
        k,
      ),
  ],
];

const sum3 = (r: RougeScores) => r.rouge1 + r.rouge2 + r.rougeL;

/** Two-sided sign test: P(|W − L| at least as large) under a fair coin. */
function signTest(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  let p = 0;
  let c = 1;
  for (let i = 0; i <= k; i++) {
    p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * p) / 2 ** n);
}

async function load(emb: LiquidEmbedder, text: string, refs: string[], spans?: readonly TextSpan[]): Promise<Doc> {
  const { sentences, vectors } = await evalDocument(text, emb, spans);
  return { refs, sentences, v: vectors! };
}

function table(docs: Doc[], k: number, baseline: Picker, baselineName: string) {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const base = docs.map((d) =>
    rougeMulti(
      baseline(d, k)
        .map((i) => d.sentences[i]!.text)
        .join(' '),
      d.refs,
    ),
  );
  const row = (name: string, pick: Picker) => {
    let wins = 0;
    let losses = 0;
    const rs = docs.map((d, i) => {
      const idx = pick(d, k);
      const r = rougeMulti(idx.map((j) => d.sentences[j]!.text).join(' '), d.refs);
      const delta = sum3(r) - sum3(base[i]!);
      if (delta > 1e-9) wins++;
      else if (delta < -1e-9) losses++;
      return r;
    });
    const mean = (m: keyof RougeScores) => r4(rs.reduce((a, r) => a + r[m], 0) / rs.length);
    return {
      system: name,
      rouge1: mean('rouge1'),
      rouge2: mean('rouge2'),
      rougeL: mean('rougeL'),
      [`winsVs${baselineName}`]: wins,
      [`lossesVs${baselineName}`]: losses,
      signTestP: r4(signTest(wins, losses)),
    };
  };
  return [row(baselineName, baseline), ...VARIANTS.map(([name, pick]) => row(name, pick))];
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { model: { type: 'string' }, scitldr: { type: 'string' } },
  });
  if (!positionals[0]) throw new Error('usage: summary-variants.ts SUMMEVAL.json [--scitldr DEV.jsonl] [--model DIR]');
  const emb = await LiquidEmbedder.load(values.model ? { modelDir: values.model } : {});
  const news: Doc[] = [];
  for (const [, refs, src] of parseSummEval(JSON.parse(readFileSync(positionals[0], 'utf8')))) {
    news.push(await load(emb, src, refs));
  }
  const science: Doc[] = [];
  for (const e of values.scitldr ? parseSciTldr(readFileSync(values.scitldr, 'utf8')) : []) {
    science.push(await load(emb, e.text, e.targets, e.sentences));
  }
  await emb.release();
  const lead: Picker = (d, k) => leadK(d.sentences.length, k);
  const out: Record<string, unknown> = {
    model: emb.version,
    summeval: { documents: news.length, sentences: 3, rows: table(news, 3, lead, 'Lead') },
  };
  if (science.length)
    out.scitldrDev = { documents: science.length, sentences: 1, rows: table(science, 1, lead, 'Lead') };
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
