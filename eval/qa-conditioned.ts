/**
 * Does question-conditioned streaming make the liquid signal better for answers? Side by side in one run,
 * on a SQuAD 2.0 file, with the paragraph given:
 *
 *   unconditioned  each paragraph streamed from the zero state (what the pipeline stores), sentence vector
 *                  v_s; score cos(q, v_s), q the question streamed alone (the serving contract)
 *   conditioned    the question streamed first, then the paragraph from that state, sentence vector v_s|q;
 *                  score cos(q, v_s|q)
 *
 * Reported for each: answer-sentence accuracy of the liquid score alone (argmax over the paragraph's
 * sentences, answerable questions), and the AUROC of its best score for answerable against unanswerable
 * questions; BM25 alone (lexical) in the same run for scale.
 *
 *   npx tsx eval/qa-conditioned.ts ../shared/data/qa/squad2/dev-part-a.json [--model DIR] [--limit N] [--articles 4,5]
 *
 * --articles keeps the questions of those articles (0-based), e.g. ones a model was or was not trained on.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  LiquidEmbedder,
  auroc,
  cosine,
  isCorrect,
  loadSquadCorpus,
  parseSquad,
  Bm25Index,
  type Vector,
} from '@elegans/analysis';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { model: { type: 'string' }, limit: { type: 'string' }, articles: { type: 'string' } },
  });
  if (!positionals[0]) throw new Error('usage: qa-conditioned.ts SQUAD.json [--model DIR] [--limit N]');
  const emb = await LiquidEmbedder.load(values.model ? { modelDir: values.model } : {});
  const corpus = await loadSquadCorpus(parseSquad(JSON.parse(readFileSync(positionals[0], 'utf8'))), emb);
  const limit = values.limit ? Number(values.limit) : Infinity;
  const only = values.articles ? new Set(values.articles.split(',').map(Number)) : null;
  const questions = corpus.questions.filter((q) => !only || only.has(q.article)).slice(0, limit);
  const rows = { unconditioned: { hit: 0, conf: [] as number[] }, conditioned: { hit: 0, conf: [] as number[] } };
  const lexical = { hit: 0, conf: [] as number[] };
  const answerable: boolean[] = [];
  let nAnswerable = 0;
  const t0 = Date.now();
  for (const q of questions) {
    const [a, b] = corpus.paragraphSentences[q.paragraph]!;
    const ids = Array.from({ length: b - a }, (_, k) => a + k);
    if (ids.length === 0 || !q.vector) continue;
    // Question first, then the paragraph from the state the question left.
    const sents = [q.question, ...ids.map((i) => corpus.sentences[i]!.text)];
    const cond = await emb.model.embedDocument(
      sents.map((text, k) => ({ text, boundary: k === 0 ? 'page' : k === 1 ? 'paragraph' : 'sentence' })),
    );
    const variants: Record<keyof typeof rows, Vector[]> = {
      unconditioned: ids.map((i) => corpus.sentences[i]!.vector!),
      conditioned: cond.sentenceVectors.slice(1),
    };
    const bm25 = new Bm25Index(ids.map((i) => corpus.prep.texts[i]!.stems));
    const lex = ids.map((_, k) => bm25.score(q.terms.stems, k));
    const isAns = !q.impossible;
    answerable.push(isAns);
    if (isAns) nAnswerable++;
    for (const [name, vs] of Object.entries(variants) as [keyof typeof rows, Vector[]][]) {
      const s = vs.map((v) => cosine(q.vector!, v));
      const best = s.reduce((m, x, k) => (x > s[m]! ? k : m), 0);
      rows[name].conf.push(s[best]!);
      if (isAns && isCorrect(corpus, q, ids[best]!)) rows[name].hit++;
    }
    const lb = lex.reduce((m, x, k) => (x > lex[m]! ? k : m), 0);
    lexical.conf.push(lex[lb]!);
    if (isAns && isCorrect(corpus, q, ids[lb]!)) lexical.hit++;
  }
  await emb.release();
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  const report = (x: { hit: number; conf: number[] }) => ({
    sentenceAccParagraph: r(x.hit / nAnswerable),
    bestScoreAuroc: r(auroc(x.conf, answerable)),
  });
  console.log(
    JSON.stringify({
      model: emb.version,
      questions: answerable.length,
      answerable: nAnswerable,
      unconditioned: report(rows.unconditioned),
      conditioned: report(rows.conditioned),
      lexical: report(lexical),
      ms: Date.now() - t0,
    }),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
