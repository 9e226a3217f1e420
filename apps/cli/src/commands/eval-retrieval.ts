import { parseArgs } from 'node:util';
import { loadBeir, loadLiquidEmbedder, runBeirEval, type LiquidEmbedder } from '@elegans/retrieval';

export const summary = 'eval retrieval --beir DIR [--json]: nDCG@10, Recall@100, MRR@10 for bm25, dense, hybrid';

export const USAGE = `usage: elegans eval retrieval --beir DIR [--json] [options]

Indexes a BEIR-layout folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) in an in-memory SQLite and
scores BM25 (FTS5, k1=1.2, b=0.75, Porter), dense (the liquid model) and hybrid retrieval.

options:
  --beir DIR            the collection folder (required)
  --split NAME          qrels file under qrels/ (default: test)
  --model DIR           model folder (default: models/liquid or $ELEGANS_MODEL_DIR)
  --no-dense            BM25 only (dense and hybrid are null)
  --dense-weight W      override the hybrid's dense weight (0..1)
  --prf-docs N          override dense pseudo-relevance feedback depth
  --prf-weight B        override dense pseudo-relevance feedback weight
  --candidates N        candidates per ranking before fusion
  --json                print one JSON object on stdout
`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      beir: { type: 'string' },
      split: { type: 'string', default: 'test' },
      model: { type: 'string' },
      'no-dense': { type: 'boolean', default: false },
      'dense-weight': { type: 'string' },
      'prf-docs': { type: 'string' },
      'prf-weight': { type: 'string' },
      candidates: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.beir) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const progress = (m: string) => process.stderr.write(`[eval retrieval] ${m}\n`);
  const col = await loadBeir(values.beir, values.split);
  progress(`${col.name}: ${col.corpus.length} documents, ${col.queries.size} judged queries`);

  let embedder: LiquidEmbedder | null = null;
  if (!values['no-dense']) embedder = await loadLiquidEmbedder(values.model);
  const overrides = {
    denseWeight: num(values['dense-weight'], 'dense-weight'),
    prfDocs: num(values['prf-docs'], 'prf-docs'),
    prfWeight: num(values['prf-weight'], 'prf-weight'),
    candidates: num(values.candidates, 'candidates'),
  };
  const retriever = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  try {
    const result = await runBeirEval(col, {
      embedder,
      // Each BEIR document is one passage, embedded on its own from the zero state (batched).
      embedDocuments: embedder ? (texts) => embedder!.embedTexts(texts) : null,
      retriever,
      progress,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const row = (name: string, m: { ndcg10: number; recall100: number; mrr10: number } | null) =>
        m
          ? `${name.padEnd(8)} nDCG@10 ${m.ndcg10.toFixed(4)}  R@100 ${m.recall100.toFixed(4)}  MRR@10 ${m.mrr10.toFixed(4)}`
          : `${name.padEnd(8)} (not run)`;
      process.stdout.write(
        [
          `${result.dataset}: ${result.documents} documents, ${result.queries} queries, model ${result.modelVersion ?? '-'}`,
          row('bm25', result.bm25),
          row('dense', result.dense),
          row('hybrid', result.hybrid),
          '',
        ].join('\n'),
      );
    }
  } finally {
    await embedder?.release();
  }
  return 0;
}
