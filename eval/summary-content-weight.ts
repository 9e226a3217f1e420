/**
 * How much weight does the content head (liquid + lexical evidence, summary/head.ts) earn next to the news
 * position prior? Embeds every SummEval article once, then scores summaries for several content weights
 * (with and without liquid redundancy in MMR, and without the liquid columns) side by side, with lead-3
 * in the same run.
 *
 *   npx tsx eval/summary-content-weight.ts ../shared/data/summarization/summeval-cnndm.json [--model DIR]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SUMMARY_WEIGHTS,
  LiquidEmbedder,
  groupPassages,
  leadK,
  parseSummEval,
  rougeMulti,
  sentenceSpans,
  summarize,
  type DocumentVectors,
  type TextSpan,
} from '@elegans/analysis';

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' } } });
  if (!positionals[0]) throw new Error('usage: summary-content-weight.ts SUMMEVAL.json [--model DIR]');
  const emb = await LiquidEmbedder.load(values.model ? { modelDir: values.model } : {});
  const entries = parseSummEval(JSON.parse(readFileSync(positionals[0], 'utf8')));
  const docs: { refs: string[]; sentences: (TextSpan & { page: number })[]; v: DocumentVectors }[] = [];
  for (const [, refs, src] of entries) {
    const spans = sentenceSpans(src);
    const sentences = spans.map((s) => ({ ...s, page: 1 }));
    const passages = groupPassages(spans).map(([a, b]) => ({ sentenceStart: a, sentenceEnd: b }));
    docs.push({ refs, sentences, v: await emb.embedDocument({ text: src, sentences, passages }) });
  }
  await emb.release();
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e4) / 1e4;
  const score = (pick: (d: (typeof docs)[number]) => string) => {
    const r = docs.map((d) => rougeMulti(pick(d), d.refs));
    return {
      rouge1: mean(r.map((x) => x.rouge1)),
      rouge2: mean(r.map((x) => x.rouge2)),
      rougeL: mean(r.map((x) => x.rougeL)),
    };
  };
  const rows: Record<string, unknown>[] = [
    {
      system: 'lead3',
      ...score((d) =>
        leadK(d.sentences.length)
          .map((i) => d.sentences[i]!.text)
          .join(' '),
      ),
    },
  ];
  for (const content of [0, 0.25, 0.5, 1, 2]) {
    for (const [denseRedundancy, liquid] of [
      [false, true],
      [true, true],
      [false, false],
    ]) {
      const w = { ...DEFAULT_SUMMARY_WEIGHTS, content, denseRedundancy };
      rows.push({
        system: 'elegans',
        content,
        denseRedundancy,
        liquid,
        ...score((d) =>
          summarize(
            { sentences: d.sentences, vectors: liquid ? d.v.sentences : null, documentVector: d.v.document },
            { sentences: 3 },
            w,
          )
            .map((s) => s.text)
            .join(' '),
        ),
      });
    }
  }
  console.log(JSON.stringify({ model: emb.version, documents: docs.length, rows }));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
