import type { Embedder } from '../embedder';
import { rougeMulti, type RougeScores } from '../rouge';
import { leadK, textRank } from '../summary/baselines';
import { summarize } from '../summary/summarize';
import { groupPassages, sentenceSpans } from './segment';

/** SummEval-style input: id → { src, ref_summs? | ref_summ? }. */
export interface SummEvalEntry {
  src: string;
  ref_summs?: string[];
  ref_summ?: string;
}

export interface SummaryEvalReport {
  documents: number;
  summarySentences: number;
  multiReference: 'max';
  references: { min: number; max: number };
  model: string | null;
  elegans: RougeScores;
  lead3: RougeScores;
  textrank: RougeScores;
}

function mean(xs: RougeScores[]): RougeScores {
  const n = Math.max(1, xs.length);
  const r4 = (x: number) => Math.round((x / n) * 10000) / 10000;
  return {
    rouge1: r4(xs.reduce((a, b) => a + b.rouge1, 0)),
    rouge2: r4(xs.reduce((a, b) => a + b.rouge2, 0)),
    rougeL: r4(xs.reduce((a, b) => a + b.rougeL, 0)),
  };
}

export function parseSummEval(json: unknown): [string, string[], string][] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('summeval file must be a JSON object keyed by document id');
  }
  const out: [string, string[], string][] = [];
  for (const [id, v] of Object.entries(json as Record<string, SummEvalEntry>)) {
    if (!v || typeof v.src !== 'string') throw new Error(`entry ${id} has no "src" string`);
    const refs = Array.isArray(v.ref_summs) && v.ref_summs.length > 0 ? v.ref_summs : v.ref_summ ? [v.ref_summ] : [];
    if (refs.length === 0) throw new Error(`entry ${id} has neither "ref_summs" nor "ref_summ"`);
    out.push([id, refs, v.src]);
  }
  return out;
}

/**
 * Every system gets the same budget (3 sentences, lead-3's), the same sentence splitter and the same
 * ROUGE, so the figures differ only by which sentences were chosen.
 */
export async function evalSummaries(
  entries: [string, string[], string][],
  embedder: Embedder | null,
  onProgress?: (done: number, total: number) => void,
  k = 3,
): Promise<SummaryEvalReport> {
  const el: RougeScores[] = [];
  const lead: RougeScores[] = [];
  const tr: RougeScores[] = [];
  let minRefs = Infinity;
  let maxRefs = 0;
  let done = 0;
  for (const [, refs, src] of entries) {
    minRefs = Math.min(minRefs, refs.length);
    maxRefs = Math.max(maxRefs, refs.length);
    const spans = sentenceSpans(src);
    const sentences = spans.map((s) => ({ ...s, page: 1 }));
    const texts = sentences.map((s) => s.text);
    let vectors = null;
    let documentVector = null;
    if (embedder && sentences.length > 0) {
      const passages = groupPassages(spans).map(([a, b]) => ({ sentenceStart: a, sentenceEnd: b }));
      const v = await embedder.embedDocument({ text: src, sentences, passages });
      vectors = v.sentences;
      documentVector = v.document;
    }
    const picked = summarize({ sentences, vectors, documentVector }, { sentences: k }).map((s) => s.index);
    const join = (idx: number[]) => idx.map((i) => texts[i]).join(' ');
    el.push(rougeMulti(join(picked), refs));
    lead.push(rougeMulti(join(leadK(texts.length, k)), refs));
    tr.push(rougeMulti(join(textRank(texts, k)), refs));
    onProgress?.(++done, entries.length);
  }
  return {
    documents: entries.length,
    summarySentences: k,
    multiReference: 'max',
    references: { min: entries.length ? minRefs : 0, max: maxRefs },
    model: embedder?.version ?? null,
    elegans: mean(el),
    lead3: mean(lead),
    textrank: mean(tr),
  };
}
