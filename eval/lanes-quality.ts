/**
 * Retrieval quality of one long document streamed in parallel lanes (libs/model document-lanes.ts) against
 * the exactly carried state, side by side in one run (issue 14, Deliver 4: lose at most .005 nDCG@10).
 *
 *   npx tsx eval/lanes-quality.ts --cranfield ../shared/data/retrieval/cranfield \
 *       --squad ../shared/data/qa/squad2/dev-part-a.json [--lanes 4,8,16] [--warmups 256,1024,4096] \
 *       [--min-segment 2048] [--max-segment 4096] [--no-independent] [--setups a,b] [--json]
 *
 * Setups, each a long document the way the service sees one (one carried state over many passages):
 * - cranfield-stream: the 1,400 Cranfield abstracts in corpus order, concatenated into ONE document (about
 *   a book's length); each abstract is one passage and opens a paragraph. Queries: Cranfield's 225, graded.
 * - squad-articles: each SQuAD part A article (8) is one document of its paragraphs; each paragraph is one
 *   passage. Queries: the answerable questions; the relevant passage is the question's own paragraph.
 * - squad-concat: the 8 articles concatenated into one document (same passages and queries).
 * Every variant embeds the same sentences and passages; only how the state reaches each segment differs.
 * The passages are indexed in an in-memory SQLite (BM25 + vectors, libs/retrieval's Retriever as search
 * uses it) and ranked for every query: dense and hybrid (the service's default mode). Reported per
 * variant: nDCG@10 and Recall@10, the difference to the exact path with a paired bootstrap 95% interval
 * over queries, and the passage cosines to the exact vectors. `independent` (each passage from the zero
 * state, the standard BEIR setup) is printed for context.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@elegans/common';
import { sentenceSpans } from '@elegans/analysis';
import { LiquidModel, type SentenceInput } from '@elegans/model';
import {
  buildBeirIndex,
  docText,
  loadBeir,
  ndcgAt,
  recallAt,
  Retriever,
  type BeirCollection,
  type QueryEmbedder,
  type SearchMode,
} from '@elegans/retrieval';

const { values } = parseArgs({
  options: {
    cranfield: { type: 'string' },
    squad: { type: 'string' },
    lanes: { type: 'string', default: '4,8,16' },
    warmups: { type: 'string', default: '256,1024,4096' },
    'min-segment': { type: 'string', default: '2048' },
    'max-segment': { type: 'string', default: '4096' },
    'no-independent': { type: 'boolean', default: false },
    /** Only these setups (comma-separated names), e.g. cranfield-stream,squad-concat. */
    setups: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (!values.cranfield && !values.squad) {
  process.stderr.write('usage: npx tsx eval/lanes-quality.ts --cranfield DIR --squad FILE [--lanes 4,8,16] ...\n');
  process.exit(2);
}
const log = (m: string) => process.stderr.write(`[lanes-quality] ${m}\n`);
const ints = (s: string) => s.split(',').map((x) => Number(x.trim()));
const LANES = ints(values.lanes!);
const WARMUPS = ints(values.warmups!);
const MIN_SEGMENT = Number(values['min-segment']);
const MAX_SEGMENT = Number(values['max-segment']);
const MODES: SearchMode[] = ['dense', 'hybrid'];

/** One document of a setup: its sentences and passages, each passage a retrieval unit named by id. */
interface StreamDoc {
  sentences: SentenceInput[];
  passages: { sentenceStart: number; sentenceEnd: number }[];
  ids: string[];
}

interface Setup {
  name: string;
  docs: StreamDoc[];
  /** The passages as a collection (corpus = every passage of every doc), with queries and judgements. */
  col: BeirCollection;
}

/** Appends one unit (an abstract, a paragraph) as a passage of `doc`, its first sentence opening a paragraph. */
function addUnit(doc: StreamDoc, id: string, text: string): void {
  const spans = sentenceSpans(text);
  if (spans.length === 0) return;
  const start = doc.sentences.length;
  spans.forEach((s, i) =>
    doc.sentences.push({
      text: s.text,
      boundary: start === 0 && i === 0 ? 'page' : i === 0 ? 'paragraph' : 'sentence',
    }),
  );
  doc.passages.push({ sentenceStart: start, sentenceEnd: doc.sentences.length });
  doc.ids.push(id);
}

const emptyDoc = (): StreamDoc => ({ sentences: [], passages: [], ids: [] });

async function cranfieldSetup(dir: string): Promise<Setup> {
  const col = await loadBeir(dir);
  const doc = emptyDoc();
  for (const d of col.corpus) addUnit(doc, d.id, docText(d));
  // Units the splitter found no sentence in are not indexed (none in Cranfield; kept honest).
  const kept = new Set(doc.ids);
  return { name: 'cranfield-stream', docs: [doc], col: { ...col, corpus: col.corpus.filter((d) => kept.has(d.id)) } };
}

interface SquadJson {
  data: {
    title?: string;
    paragraphs: {
      context: string;
      qas: { id?: string; question: string; is_impossible?: boolean; answers?: unknown[] }[];
    }[];
  }[];
}

function squadSetups(file: string): Setup[] {
  const squad = JSON.parse(readFileSync(file, 'utf8')) as SquadJson;
  const articles: StreamDoc[] = [];
  const corpus: BeirCollection['corpus'] = [];
  const queries = new Map<string, string>();
  const qrels: BeirCollection['qrels'] = new Map();
  squad.data.forEach((a, ai) => {
    const doc = emptyDoc();
    a.paragraphs.forEach((p, pi) => {
      const id = `a${ai}p${pi}`;
      addUnit(doc, id, p.context);
      corpus.push({ id, title: '', text: p.context });
      p.qas.forEach((q, qi) => {
        if (q.is_impossible || !q.answers?.length) return;
        const qid = q.id ?? `${id}q${qi}`;
        queries.set(qid, q.question);
        qrels.set(qid, new Map([[id, 1]]));
      });
    });
    articles.push(doc);
  });
  const concat = emptyDoc();
  for (const a of articles) {
    const base = concat.sentences.length;
    a.sentences.forEach((s, i) =>
      concat.sentences.push(base === 0 ? s : i === 0 ? { ...s, boundary: 'paragraph' } : s),
    );
    a.passages.forEach((p) =>
      concat.passages.push({ sentenceStart: p.sentenceStart + base, sentenceEnd: p.sentenceEnd + base }),
    );
    concat.ids.push(...a.ids);
  }
  const col: BeirCollection = { name: 'squad-part-a', corpus, queries, qrels };
  return [
    { name: 'squad-articles', docs: articles, col },
    { name: 'squad-concat', docs: [concat], col },
  ];
}

interface Variant {
  name: string;
  lanes: number;
  warmup: number | null;
}

interface Embedded {
  vectors: Map<string, Float32Array>;
  tokens: number;
  ms: number;
}

async function embedSetup(model: LiquidModel, setup: Setup, v: Variant): Promise<Embedded> {
  const vectors = new Map<string, Float32Array>();
  let tokens = 0;
  const t0 = performance.now();
  if (v.name === 'independent') {
    const texts = setup.docs.flatMap((d) =>
      d.passages.map((p) =>
        d.sentences
          .slice(p.sentenceStart, p.sentenceEnd)
          .map((s) => s.text)
          .join(' '),
      ),
    );
    const ids = setup.docs.flatMap((d) => d.ids);
    const res = await model.embedTexts(texts);
    res.forEach((r, i) => {
      vectors.set(ids[i]!, r.vector);
      tokens += r.tokens;
    });
  } else {
    for (const d of setup.docs) {
      const res = await model.embedDocument(d.sentences, {
        passages: d.passages,
        lanes:
          v.lanes > 1
            ? { lanes: v.lanes, warmupTokens: v.warmup!, minSegmentTokens: MIN_SEGMENT, maxSegmentTokens: MAX_SEGMENT }
            : undefined,
      });
      for (const p of res.passages) vectors.set(d.ids[p.index]!, p.vector);
      tokens += res.tokens;
    }
  }
  return { vectors, tokens, ms: performance.now() - t0 };
}

/** Per-query nDCG@10 and Recall@10 for one mode, in the collection's query order. */
async function rankAll(
  setup: Setup,
  vectors: Map<string, Float32Array>,
  embedder: QueryEmbedder,
): Promise<Record<SearchMode, { ndcg: number[]; recall: number[] }>> {
  const texts = setup.col.corpus.map(docText);
  const index = buildBeirIndex(
    setup.col,
    texts,
    setup.col.corpus.map((d) => vectors.get(d.id)!),
    embedder.modelVersion,
  );
  const retriever = new Retriever(index.repo, embedder);
  const out = {} as Record<SearchMode, { ndcg: number[]; recall: number[] }>;
  for (const mode of MODES) {
    const ndcg: number[] = [];
    const recall: number[] = [];
    for (const [qid, q] of setup.col.queries) {
      const rel = setup.col.qrels.get(qid)!;
      if (![...rel.values()].some((g) => g > 0)) continue;
      // buildBeirIndex indexes under the tenant 'beir'.
      const ranked = (await retriever.rank(q, mode, 'passage', { tenantId: 'beir' }, 100)).map((h) =>
        index.ids.get(h.id)!,
      );
      ndcg.push(ndcgAt(ranked, rel, 10));
      recall.push(recallAt(ranked, rel, 10));
    }
    out[mode] = { ndcg, recall };
  }
  index.close();
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const r4 = (x: number) => Math.round(x * 10000) / 10000;

/** Mean paired difference b − a and its 95% bootstrap interval over queries (seeded: reproducible). */
function pairedDiff(a: number[], b: number[]): { diff: number; lo: number; hi: number } {
  const d = a.map((x, i) => b[i]! - x);
  const r = mulberry32(7);
  const means: number[] = [];
  for (let k = 0; k < 2000; k++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(r() * d.length)]!;
    means.push(s / d.length);
  }
  means.sort((x, y) => x - y);
  return { diff: r4(mean(d)), lo: r4(means[49]!), hi: r4(means[1949]!) };
}

function cosines(
  a: Map<string, Float32Array>,
  b: Map<string, Float32Array>,
): { min: number; p1: number; median: number } {
  const cs: number[] = [];
  for (const [id, v] of a) {
    const w = b.get(id)!;
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j]! * w[j]!;
    if (v.some((x) => x !== 0)) cs.push(s);
  }
  cs.sort((x, y) => x - y);
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return { min: r6(cs[0]!), p1: r6(cs[Math.floor(cs.length * 0.01)]!), median: r6(cs[Math.floor(cs.length / 2)]!) };
}

async function main(): Promise<void> {
  const model = await LiquidModel.load({ intraOpNumThreads: 1 });
  const setups: Setup[] = [];
  if (values.cranfield) setups.push(await cranfieldSetup(values.cranfield));
  if (values.squad) setups.push(...squadSetups(values.squad));
  const only = values.setups?.split(',');
  if (only) setups.splice(0, setups.length, ...setups.filter((s) => only.includes(s.name)));
  const variants: Variant[] = [
    { name: 'exact', lanes: 1, warmup: null },
    ...LANES.flatMap((l) => WARMUPS.map((w) => ({ name: `lanes${l}-w${w}`, lanes: l, warmup: w }))),
    ...(values['no-independent'] ? [] : [{ name: 'independent', lanes: 0, warmup: null }]),
  ];
  // Query vectors once per collection (the same for every variant).
  const queryCache = new Map<string, Float32Array>();
  const embedder: QueryEmbedder = {
    modelVersion: model.version,
    embedQuery: async (t) => queryCache.get(t) ?? (await model.embedQuery(t)).vector,
  };
  const report: Record<string, unknown>[] = [];
  for (const setup of setups) {
    const qs = [...new Set(setup.col.queries.values())].filter((q) => !queryCache.has(q));
    (await model.embedQueries(qs)).forEach((r, i) => queryCache.set(qs[i]!, r.vector));
    const sentenceCounts = setup.docs.map((d) => d.sentences.length);
    log(
      `${setup.name}: ${setup.docs.length} document(s), ${setup.col.corpus.length} passages, ${sentenceCounts.reduce((a, b) => a + b, 0)} sentences, ${setup.col.queries.size} queries`,
    );
    let exact: { emb: Embedded; ranks: Awaited<ReturnType<typeof rankAll>> } | null = null;
    for (const v of variants) {
      const emb = await embedSetup(model, setup, v);
      const ranks = await rankAll(setup, emb.vectors, embedder);
      exact ??= { emb, ranks };
      const row: Record<string, unknown> = {
        setup: setup.name,
        variant: v.name,
        lanes: v.lanes,
        warmupTokens: v.warmup,
        tokens: emb.tokens,
        ms: Math.round(emb.ms),
        cosineToExact: cosines(exact.emb.vectors, emb.vectors),
      };
      for (const mode of MODES) {
        row[mode] = {
          ndcg10: r4(mean(ranks[mode].ndcg)),
          recall10: r4(mean(ranks[mode].recall)),
          ndcg10VsExact: pairedDiff(exact.ranks[mode].ndcg, ranks[mode].ndcg),
          recall10VsExact: r4(mean(ranks[mode].recall) - mean(exact.ranks[mode].recall)),
        };
      }
      log(JSON.stringify(row));
      report.push(row);
    }
  }
  await model.release();
  const out = {
    model: model.version,
    minSegmentTokens: MIN_SEGMENT,
    maxSegmentTokens: MAX_SEGMENT,
    load1m: r4(loadavg()[0]!),
    rows: report,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const f = (x: number) => x.toFixed(4);
  const sd = (x: { diff: number; lo: number; hi: number }) =>
    `${x.diff >= 0 ? '+' : ''}${f(x.diff)} [${f(x.lo)}, ${f(x.hi)}]`;
  const lines = [
    `model ${out.model}, min segment ${MIN_SEGMENT}, max segment ${MAX_SEGMENT} tokens`,
    '| setup | variant | tokens | min / p1 / median cosine | dense nDCG@10 | Δ dense [95%] | dense R@10 | hybrid nDCG@10 | Δ hybrid [95%] | hybrid R@10 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of report) {
    const c = r.cosineToExact as { min: number; p1: number; median: number };
    const d = r.dense as { ndcg10: number; recall10: number; ndcg10VsExact: { diff: number; lo: number; hi: number } };
    const h = r.hybrid as typeof d;
    lines.push(
      `| ${r.setup} | ${r.variant} | ${r.tokens} | ${c.min.toFixed(6)} / ${c.p1.toFixed(6)} / ${c.median.toFixed(6)} | ${f(d.ndcg10)} | ${sd(d.ndcg10VsExact)} | ${f(d.recall10)} | ${f(h.ndcg10)} | ${sd(h.ndcg10VsExact)} | ${f(h.recall10)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
