import Database from 'better-sqlite3';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runMigrations } from '@elegans/storage';
import { evaluateRuns, type Qrels, type RankingMetrics } from './metrics';
import { Retriever, type RetrieverOptions } from './retriever';
import { RETRIEVAL_MIGRATIONS } from './schema';
import type { RetrievalRepository } from './repository';
import { RetrievalStore, SqliteRetrievalRepository } from './store';
import type { IndexDocumentInput, QueryEmbedder, SearchMode } from './types';

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirCollection {
  name: string;
  corpus: BeirDoc[];
  queries: Map<string, string>;
  qrels: Qrels;
}

async function* jsonLines(path: string): AsyncGenerator<Record<string, unknown>> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${path}:${n}: not valid JSON`);
    }
  }
}

/** Loads a BEIR-layout folder: corpus.jsonl, queries.jsonl, qrels/test.tsv (header line). */
export async function loadBeir(dir: string, split = 'test'): Promise<BeirCollection> {
  const qrelsPath = join(dir, 'qrels', `${split}.tsv`);
  for (const p of [join(dir, 'corpus.jsonl'), join(dir, 'queries.jsonl'), qrelsPath]) {
    await access(p).catch(() => {
      throw new Error(`not a BEIR folder: missing ${p}`);
    });
  }
  const corpus: BeirDoc[] = [];
  for await (const r of jsonLines(join(dir, 'corpus.jsonl'))) {
    corpus.push({ id: String(r._id), title: String(r.title ?? ''), text: String(r.text ?? '') });
  }
  const qrels: Qrels = new Map();
  const rl = createInterface({ input: createReadStream(qrelsPath, 'utf8'), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    const cols = line.split('\t');
    if (first) {
      first = false;
      if (Number.isNaN(Number(cols[2]))) continue; // header line
    }
    if (cols.length < 3) continue;
    const [qid, did, score] = cols as [string, string, string];
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(did, Number(score));
  }
  const queries = new Map<string, string>();
  for await (const r of jsonLines(join(dir, 'queries.jsonl'))) {
    const id = String(r._id);
    if (qrels.has(id)) queries.set(id, String(r.text ?? ''));
  }
  const name = dir.replace(/\/+$/, '').split('/').pop() ?? dir;
  return { name, corpus, queries, qrels };
}

/** Title + text, as BEIR forms a document (no duplicate when the text already starts with the title). */
export function docText(d: BeirDoc): string {
  const t = d.title.trim();
  if (!t || d.text.startsWith(t)) return d.text;
  return `${t}. ${d.text}`;
}

export interface BeirEvalOptions {
  /** Embeds documents (one vector each) with the model behind `embedder`; null = BM25 only. */
  embedDocuments?: ((texts: string[]) => Promise<Float32Array[]>) | null;
  embedder?: QueryEmbedder | null;
  retriever?: Partial<RetrieverOptions>;
  progress?: (msg: string) => void;
}

export interface BeirEvalResult {
  dataset: string;
  documents: number;
  queries: number;
  modelVersion: string | null;
  gain: 'linear';
  bm25: RankingMetrics;
  dense: RankingMetrics | null;
  hybrid: RankingMetrics | null;
  settings: Record<string, unknown>;
  ms: { index: number; embedDocuments: number; search: Record<string, number> };
}

const TENANT = 'beir';

export interface BeirIndex {
  /** What the Retriever ranks through (SQLite here; PostgreSQL in bench/pg-lexical-cranfield.ts). */
  repo: RetrievalRepository;
  /** The SQLite store under `repo` (buildBeirIndex only). */
  store?: RetrievalStore;
  /** passage id → BEIR document id */
  ids: Map<number, string>;
  close(): void;
}

/** Indexes a collection (one passage per document) in an in-memory SQLite. */
export function buildBeirIndex(
  col: BeirCollection,
  texts: string[],
  vectors: Float32Array[] | null,
  modelVersion: string | null,
): BeirIndex {
  const db = new Database(':memory:');
  runMigrations(db, [RETRIEVAL_MIGRATIONS]);
  const store = new RetrievalStore(db);
  const ids = new Map<number, string>();
  db.transaction(() => {
    col.corpus.forEach((d, i) => {
      const { passageIds } = store.indexDocument(beirDocument(d.id, texts[i]!, vectors?.[i], modelVersion));
      ids.set(passageIds[0]!, d.id);
    });
  })();
  return { repo: new SqliteRetrievalRepository(store), store, ids, close: () => db.close() };
}

/** One BEIR document as the index stores it: one passage (the title and text), no sentences. */
function beirDocument(
  documentId: string,
  text: string,
  vector: Float32Array | undefined,
  modelVersion: string | null,
): IndexDocumentInput {
  return {
    tenantId: TENANT,
    documentId,
    passages: [
      { index: 0, start: 0, end: text.length, pageStart: 1, pageEnd: 1, text, sentenceStart: 0, sentenceEnd: 0 },
    ],
    sentences: [],
    vectors: vector && modelVersion ? { modelVersion, passages: [vector] } : undefined,
  };
}

/**
 * Indexes a collection (one passage per document) into any repository, one indexDocument per
 * document, as the worker writes (the PostgreSQL side of bench/pg-lexical-cranfield.ts).
 */
export async function indexBeirInto(
  repo: RetrievalRepository,
  col: BeirCollection,
  texts: string[],
  vectors: Float32Array[] | null,
  modelVersion: string | null,
): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  for (const [i, d] of col.corpus.entries()) {
    const { passageIds } = await repo.indexDocument(beirDocument(d.id, texts[i]!, vectors?.[i], modelVersion));
    ids.set(passageIds[0]!, d.id);
  }
  return ids;
}

/** Runs every judged query through one mode and scores the top 100. */
export async function evaluateMode(
  retriever: Retriever,
  index: BeirIndex,
  col: BeirCollection,
  mode: SearchMode,
): Promise<RankingMetrics> {
  const runs = new Map<string, string[]>();
  for (const [qid, q] of col.queries) {
    const ranked = await retriever.rank(q, mode, 'passage', { tenantId: TENANT }, 100);
    runs.set(
      qid,
      ranked.slice(0, 100).map((h) => index.ids.get(h.id)!),
    );
  }
  return evaluateRuns(runs, col.qrels);
}

/** Indexes the collection in an in-memory SQLite and scores each mode over the same queries. */
export async function runBeirEval(col: BeirCollection, opts: BeirEvalOptions = {}): Promise<BeirEvalResult> {
  const log = opts.progress ?? (() => undefined);
  const texts = col.corpus.map(docText);
  let vectors: Float32Array[] | null = null;
  const t0 = performance.now();
  if (opts.embedDocuments && opts.embedder) {
    log(`embedding ${texts.length} documents`);
    vectors = await opts.embedDocuments(texts);
  }
  const tEmbed = performance.now() - t0;
  const t1 = performance.now();
  const index = buildBeirIndex(col, texts, vectors, opts.embedder?.modelVersion ?? null);
  const tIndex = performance.now() - t1;
  log(`indexed ${col.corpus.length} documents in ${Math.round(tIndex)} ms`);

  const retriever = new Retriever(index.repo, vectors ? opts.embedder! : null, opts.retriever);
  const modes: SearchMode[] = vectors ? ['lexical', 'dense', 'hybrid'] : ['lexical'];
  const results: Partial<Record<SearchMode, RankingMetrics>> = {};
  const searchMs: Record<string, number> = {};
  for (const mode of modes) {
    const t = performance.now();
    results[mode] = await evaluateMode(retriever, index, col, mode);
    searchMs[mode === 'lexical' ? 'bm25' : mode] = Math.round(performance.now() - t);
    log(`${mode}: ${JSON.stringify(results[mode])}`);
  }
  index.close();
  const o = retriever.options;
  return {
    dataset: col.name,
    documents: col.corpus.length,
    queries: col.queries.size,
    modelVersion: vectors ? opts.embedder!.modelVersion : null,
    gain: 'linear',
    bm25: results.lexical!,
    dense: results.dense ?? null,
    hybrid: results.hybrid ?? null,
    settings: {
      bm25: { k1: 1.2, b: 0.75, tokenizer: 'porter unicode61 remove_diacritics 2' },
      hybrid: o.hybrid,
      fusion: o.fusion,
      normalization: o.normalization,
      denseWeight: o.denseWeight,
      candidates: o.candidates,
      prfDocs: o.prfDocs,
      prfWeight: o.prfWeight,
      precision: o.precision,
    },
    ms: { index: Math.round(tIndex), embedDocuments: Math.round(tEmbed), search: searchMs },
  };
}
