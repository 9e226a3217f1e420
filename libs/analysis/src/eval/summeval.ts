import { mulberry32 } from '@elegans/common';
import type { Embedder } from '../embedder';
import { rougeMulti, type RougeScores } from '../rouge';
import { leadK, textRank } from '../summary/baselines';
import { isProse, summarize } from '../summary/summarize';
import { evalDocument } from './segment';

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
  /**
   * Lead-k over prose sentences only (no title, byline or heading lines; elegans's candidates). On
   * ScisummNet every reference repeats the paper's title, which plain lead-3 copies as its first sentence.
   */
  lead3Prose: RougeScores;
  textrank: RougeScores;
  /**
   * Paired difference elegans − lead3 per measure: the mean and a 95% paired-bootstrap interval (1,000
   * resamples of the documents, fixed seed), and how many summaries differ from lead-3 at all. On a
   * hundred news articles the two mostly pick the same sentences, so the interval says whether a gap
   * is more than a few documents.
   */
  elegansMinusLead3: {
    rouge1: PairedDifference;
    rouge2: PairedDifference;
    rougeL: PairedDifference;
    summariesDiffering: number;
  };
}

export interface PairedDifference {
  mean: number;
  ci95: [number, number];
}

export function pairedBootstrap(diffs: readonly number[], resamples = 1000, seed = 20261130): PairedDifference {
  const n = diffs.length;
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  if (n === 0) return { mean: 0, ci95: [0, 0] };
  const rnd = mulberry32(seed);
  const means: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(rnd() * n)]!;
    means.push(sum / n);
  }
  means.sort((x, y) => x - y);
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { mean: r4(diffs.reduce((x, y) => x + y, 0) / n), ci95: [r4(at(0.025)), r4(at(0.975))] };
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
  const leadProse: RougeScores[] = [];
  const tr: RougeScores[] = [];
  let differing = 0;
  let minRefs = Infinity;
  let maxRefs = 0;
  let done = 0;
  for (const [, refs, src] of entries) {
    minRefs = Math.min(minRefs, refs.length);
    maxRefs = Math.max(maxRefs, refs.length);
    const { sentences, vectors: v } = await evalDocument(src, embedder);
    const texts = sentences.map((s) => s.text);
    const picked = summarize(
      { sentences, vectors: v?.sentences ?? null, documentVector: v?.document ?? null },
      { sentences: k },
    ).map((s) => s.index);
    const join = (idx: number[]) => idx.map((i) => texts[i]).join(' ');
    const leadIdx = leadK(texts.length, k);
    if (picked.join() !== leadIdx.join()) differing++;
    el.push(rougeMulti(join(picked), refs));
    lead.push(rougeMulti(join(leadIdx), refs));
    const proseIdx = texts.map((t, i) => (isProse(t) ? i : -1)).filter((i) => i >= 0);
    leadProse.push(rougeMulti(join(proseIdx.length >= k ? proseIdx.slice(0, k) : leadIdx), refs));
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
    lead3Prose: mean(leadProse),
    textrank: mean(tr),
    elegansMinusLead3: {
      rouge1: pairedBootstrap(el.map((x, i) => x.rouge1 - lead[i]!.rouge1)),
      rouge2: pairedBootstrap(el.map((x, i) => x.rouge2 - lead[i]!.rouge2)),
      rougeL: pairedBootstrap(el.map((x, i) => x.rougeL - lead[i]!.rougeL)),
      summariesDiffering: differing,
    },
  };
}
