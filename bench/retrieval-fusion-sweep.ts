/**
 * The hybrid's settings are tuned here, on Cranfield only, and the grid is printed whole so the
 * choice can be checked (`libs/retrieval/README.md` records the pick and why):
 *   npx tsx bench/retrieval-fusion-sweep.ts --beir ../shared/data/retrieval/cranfield [--model DIR]
 * Embeds the collection once, then scores every (fusion, candidates, dense weight, PRF) setting
 * on the same index and queries. JSON on stdout, progress on stderr.
 */
import { parseArgs } from 'node:util';
import {
  buildBeirIndex,
  docText,
  evaluateMode,
  loadBeir,
  loadLiquidEmbedder,
  Retriever,
  type RetrieverOptions,
} from '@elegans/retrieval';

async function main() {
  const { values } = parseArgs({
    options: {
      beir: { type: 'string' },
      model: { type: 'string' },
      weights: { type: 'string', default: '0.05,0.1,0.15,0.2,0.3,0.4,0.5' },
      prf: { type: 'string', default: '0:0,5:1,10:1,10:2,10:4' },
      hybrid: { type: 'string', default: 'rerank,union' },
      candidates: { type: 'string', default: '100,1000' },
      rrf: { type: 'boolean', default: false },
      norm: { type: 'string', default: 'minmax' },
    },
  });
  if (!values.beir) throw new Error('--beir DIR is required');
  const col = await loadBeir(values.beir);
  const model = await loadLiquidEmbedder(values.model);
  // Query vectors do not change across settings: embed each query once.
  const memo = new Map<string, Float32Array>();
  const embedder = {
    modelVersion: model.modelVersion,
    embedQuery: async (q: string) => {
      let v = memo.get(q);
      if (!v) memo.set(q, (v = await model.embedQuery(q)));
      return v;
    },
  };
  const texts = col.corpus.map(docText);
  const t = performance.now();
  const vectors = await model.embedTexts(texts);
  process.stderr.write(`embedded ${texts.length} docs in ${Math.round(performance.now() - t)} ms\n`);
  const index = buildBeirIndex(col, texts, vectors, embedder.modelVersion);

  const bm25 = await evaluateMode(new Retriever(index.repo, null), index, col, 'lexical');
  const dense = await evaluateMode(new Retriever(index.repo, embedder), index, col, 'dense');
  process.stderr.write(`bm25 ${JSON.stringify(bm25)} dense ${JSON.stringify(dense)}\n`);

  const list = (v: string) => v.split(',').filter(Boolean);
  const grid: Partial<RetrieverOptions>[] = [];
  for (const hybrid of list(values.hybrid!) as ('rerank' | 'union')[]) {
    for (const candidates of list(values.candidates!).map(Number)) {
      for (const denseWeight of list(values.weights!).map(Number)) {
        for (const [prfDocs, prfWeight] of list(values.prf!).map((x) => x.split(':').map(Number) as [number, number])) {
          for (const normalization of list(values.norm!) as ('minmax' | 'z')[]) {
            grid.push({ hybrid, fusion: 'convex', normalization, candidates, denseWeight, prfDocs, prfWeight });
          }
        }
      }
    }
  }
  if (values.rrf) {
    for (const denseWeight of [0.2, 0.3, 0.5])
      grid.push({ hybrid: 'union', fusion: 'rrf', candidates: 100, denseWeight });
  }
  const rows: (Partial<RetrieverOptions> & { ndcg10: number; recall100: number; mrr10: number; gain: number })[] = [];
  for (const g of grid) {
    const m = await evaluateMode(new Retriever(index.repo, embedder, g), index, col, 'hybrid');
    const row = { ...g, ...m, gain: Math.round((m.ndcg10 - bm25.ndcg10) * 10000) / 10000 };
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
  rows.sort((a, b) => b.ndcg10 - a.ndcg10);
  process.stdout.write(
    `${JSON.stringify({ dataset: col.name, modelVersion: embedder.modelVersion, bm25, dense, best: rows.slice(0, 10), all: rows })}\n`,
  );
  index.close();
  await model.release();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
