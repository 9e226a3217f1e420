/**
 * Fits the summary content head (libs/analysis/src/summary/head.ts) on SciTLDR-A train and reports what it
 * is worth on SciTLDR-A dev, which the fit never sees, next to lead-1, TextRank and a lexical-only head
 * fitted the same way (the liquid columns' contribution), all in one run.
 *
 *   npx tsx eval/fit-summary.ts ../shared/data/summarization [--model DIR] [--write]
 *
 * Target: per document, the source sentence with the highest mean ROUGE-1/2/L F1 against the TLDRs (best
 * reference); a listwise softmax over the document's sentences (answer/fit.ts fitRanker).
 * Scale: the head's score is divided by its median within-document standard deviation on train times
 * 4, so that one standard deviation of content evidence weighs 0.25: a fixed unit that summarize.ts weighs
 * (wContent) against the news position prior, whatever the model's raw scale.
 * --write regenerates head.ts with the weights, the model version and the dev figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SUMMARY_WEIGHTS,
  LiquidEmbedder,
  SALIENCE_FEATURES,
  dotw,
  fitRanker,
  evalDocument,
  parseSciTldr,
  rougeMulti,
  salienceFeatures,
  summarize,
  textRank,
  type DocumentVectors,
} from '@elegans/analysis';

interface Doc {
  sentences: { text: string; start: number; end: number; page: number }[];
  targets: string[];
  v: DocumentVectors;
  /** Mean ROUGE-1/2/L F1 of each sentence against the targets, and the three figures. */
  gain: number[];
  rouge: [number, number, number][];
}

async function load(path: string, emb: LiquidEmbedder): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (const { text, sentences: spans, targets } of parseSciTldr(readFileSync(path, 'utf8'))) {
    const { sentences, vectors } = await evalDocument(text, emb, spans);
    const rouge = sentences.map((s) => {
      const x = rougeMulti(s.text, targets);
      return [x.rouge1, x.rouge2, x.rougeL] as [number, number, number];
    });
    docs.push({ sentences, targets, v: vectors!, rouge, gain: rouge.map((x) => (x[0] + x[1] + x[2]) / 3) });
  }
  return docs;
}

const rowsOf = (d: Doc, liquid: boolean) =>
  salienceFeatures({
    texts: d.sentences.map((s) => s.text),
    vectors: liquid ? d.v.sentences : null,
    documentVector: liquid ? d.v.document : null,
  }).rows;

function gold(d: Doc): number[] {
  const best = Math.max(...d.gain);
  return d.gain.map((g, i) => (g === best ? i : -1)).filter((i) => i >= 0);
}

function fit(docs: Doc[], liquid: boolean): number[] {
  const examples = docs.map((d) => ({ rows: rowsOf(d, liquid), gold: gold(d) }));
  return fitRanker(examples, SALIENCE_FEATURES.length, 1e-3, 400, 0.5);
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Mean ROUGE of one picked sentence per document. */
function score(docs: Doc[], pick: (d: Doc) => number) {
  const s = [0, 0, 0];
  for (const d of docs) {
    const r = d.rouge[pick(d)]!;
    for (let k = 0; k < 3; k++) s[k]! += r[k]! / docs.length;
  }
  return { rouge1: round(s[0]!), rouge2: round(s[1]!), rougeL: round(s[2]!) };
}

const argmax = (xs: number[]) => xs.reduce((b, x, i) => (x > xs[b]! ? i : b), 0);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 1;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { model: { type: 'string' }, write: { type: 'boolean', default: false } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: fit-summary.ts DATA_DIR/summarization [--model DIR] [--write]');
  const emb = await LiquidEmbedder.load(values.model ? { modelDir: values.model } : {});
  const t0 = Date.now();
  const train = await load(join(dir, 'scitldr-a.train.jsonl'), emb);
  const dev = await load(join(dir, 'scitldr-a.dev.jsonl'), emb);
  await emb.release();
  process.stderr.write(
    `[fit-summary] ${train.length} train, ${dev.length} dev documents embedded in ${Date.now() - t0} ms\n`,
  );

  const wLiquid = fit(train, true);
  const wLexical = fit(train, false);
  const spread = median(
    train.map((d) => {
      const h = rowsOf(d, true).map((r) => dotw(wLiquid, r));
      const m = h.reduce((a, b) => a + b, 0) / h.length;
      return Math.sqrt(h.reduce((a, b) => a + (b - m) ** 2, 0) / h.length);
    }),
  );
  const weights = wLiquid.map((w) => round(w / (4 * spread)));
  const withHead = { ...DEFAULT_SUMMARY_WEIGHTS, content: 1, head: weights };
  const report = {
    model: emb.version,
    train: train.length,
    dev: dev.length,
    features: SALIENCE_FEATURES,
    weights,
    unscaled: wLiquid.map(round),
    lexicalOnly: wLexical.map(round),
    medianSpread: round(spread),
    devOneSentence: {
      oracle: score(dev, (d) => argmax(d.gain)),
      lead1: score(dev, () => 0),
      textrank: score(
        dev,
        (d) =>
          textRank(
            d.sentences.map((s) => s.text),
            1,
          )[0] ?? 0,
      ),
      headLexicalOnly: score(dev, (d) => argmax(rowsOf(d, false).map((r) => dotw(wLexical, r)))),
      head: score(dev, (d) => argmax(rowsOf(d, true).map((r) => dotw(wLiquid, r)))),
      elegans: score(
        dev,
        (d) =>
          summarize(
            { sentences: d.sentences, vectors: d.v.sentences, documentVector: d.v.document },
            { sentences: 1 },
            withHead,
          )[0]?.index ?? 0,
      ),
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  if (values.write) {
    const dv = report.devOneSentence;
    const fmt = (x: { rouge1: number; rouge2: number; rougeL: number }) => `${x.rouge1} / ${x.rouge2} / ${x.rougeL}`;
    const file = `/**
 * The content head of summary salience: a linear model over summary/features.ts SALIENCE_FEATURES,
 * fitted as a listwise softmax (the best sentence of each document against the others) on SciTLDR-A
 * train, where the best sentence is the one with the highest mean ROUGE-1/2/L against the document's
 * TLDRs, then scaled so one within-document standard deviation of the head weighs 0.25.
 * Generated by \`npx tsx eval/fit-summary.ts DATA_DIR/summarization --write\`; rerun it after a model
 * change, since the liquid columns depend on the model.
 *
 * SciTLDR-A dev (${report.dev} documents, never seen by the fit), one sentence, ROUGE-1 / 2 / L:
 *   lead-1 ${fmt(dv.lead1)}, TextRank ${fmt(dv.textrank)},
 *   head without the liquid columns ${fmt(dv.headLexicalOnly)}, head ${fmt(dv.head)}, oracle ${fmt(dv.oracle)}.
 */
export interface SummaryHead {
  /** One weight per SALIENCE_FEATURES entry. */
  weights: number[];
  /** The liquid model the liquid columns were fitted with. */
  model: string;
  source: string;
}

export const SUMMARY_HEAD: SummaryHead = {
  // ${SALIENCE_FEATURES.join(', ')}
  weights: [${weights.join(', ')}],
  model: '${report.model}',
  source: 'scitldr-a train (${report.train} documents), listwise softmax on the best-ROUGE sentence',
};
`;
    writeFileSync(join(__dirname, '..', 'libs', 'analysis', 'src', 'summary', 'head.ts'), file);
    process.stderr.write('[fit-summary] wrote libs/analysis/src/summary/head.ts\n');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
