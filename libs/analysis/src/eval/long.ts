import type { AnalyzableDocument } from '../analyze';
import { embedParsed } from '../analyze';
import type { Embedder } from '../embedder';
import { rouge, type RougeScores } from '../rouge';
import { textRank } from '../summary/baselines';
import { buildStoredSummary } from '../summary/stored';
import { isProse } from '../summary/summarize';

/**
 * `elegans eval long`: summaries of whole documents (issue 14). For each parsed document, the roles its
 * sentences carry, the stored summary's roles and pages, and, when the document has an abstract, ROUGE of
 * the summary against that abstract with the abstract removed from the input (the arXiv/PubMed setup:
 * the model never reads it, its words are not in the lexical statistics), beside lead-k and TextRank over
 * the same body prose.
 */
export interface LongEvalRow {
  name: string;
  pages: number;
  sentences: number;
  /** Sentences per structure role (absent role = body). */
  roles: Record<string, number>;
  summary: { page: number; role: string; text: string }[];
  /** ROUGE-1/2/L F1 against the document's own abstract; null without an abstract. */
  rouge: { elegans: RougeScores; lead: RougeScores; textrank: RougeScores } | null;
}

export interface LongEvalReport {
  documents: number;
  withAbstract: number;
  summarySentences: number;
  model: string | null;
  mean: { elegans: RougeScores; lead: RougeScores; textrank: RougeScores } | null;
  rows: LongEvalRow[];
}

/**
 * The document without its sentences of `role`: they leave the sentence list (so neither the model nor the
 * TF-IDF statistics see them) and passages are re-indexed over what remains (emptied ones are dropped).
 */
export function withoutRole<D extends AnalyzableDocument>(doc: D, role: string): D {
  const keptBefore: number[] = [0];
  doc.sentences.forEach((s, i) => keptBefore.push(keptBefore[i]! + (s.role === role ? 0 : 1)));
  const passages = doc.passages
    .map((p) => ({ ...p, sentenceStart: keptBefore[p.sentenceStart]!, sentenceEnd: keptBefore[p.sentenceEnd]! }))
    .filter((p) => p.sentenceEnd > p.sentenceStart);
  return { ...doc, sentences: doc.sentences.filter((s) => s.role !== role), passages };
}

const roleOf = (s: { role?: string }) => s.role ?? 'body';

export async function evalLongDocument(
  name: string,
  doc: AnalyzableDocument,
  embedder: Embedder | null,
  k = 5,
  pages?: number,
): Promise<LongEvalRow> {
  const roles: Record<string, number> = {};
  for (const s of doc.sentences) roles[roleOf(s)] = (roles[roleOf(s)] ?? 0) + 1;
  const abstract = doc.sentences.filter((s) => s.role === 'abstract').map((s) => s.text);
  const input = abstract.length > 0 ? withoutRole(doc, 'abstract') : doc;
  const vectors = embedder && input.sentences.length > 0 ? await embedParsed(input, embedder) : null;
  const stored = buildStoredSummary(input, vectors, embedder?.version ?? null, { sentences: k });
  let scores: LongEvalRow['rouge'] = null;
  if (abstract.length > 0) {
    const ref = abstract.join(' ');
    const prose = input.sentences.filter((s) => roleOf(s) === 'body' && isProse(s.text)).map((s) => s.text);
    scores = {
      elegans: rouge(stored.sentences.map((s) => s.text).join(' '), ref),
      lead: rouge(prose.slice(0, k).join(' '), ref),
      textrank: rouge(
        textRank(prose, k)
          .map((i) => prose[i])
          .join(' '),
        ref,
      ),
    };
  }
  return {
    name,
    pages: pages ?? doc.sentences.reduce((a, s) => Math.max(a, s.page), 0),
    sentences: doc.sentences.length,
    roles,
    summary: stored.sentences.map((s) => ({ page: s.page, role: s.role ?? 'body', text: s.text })),
    rouge: scores,
  };
}

export function meanRouge(xs: readonly RougeScores[]): RougeScores {
  const n = Math.max(1, xs.length);
  const m = (f: (x: RougeScores) => number) => Math.round((xs.reduce((a, x) => a + f(x), 0) / n) * 1e4) / 1e4;
  return { rouge1: m((x) => x.rouge1), rouge2: m((x) => x.rouge2), rougeL: m((x) => x.rougeL) };
}

export function longEvalReport(rows: LongEvalRow[], k: number, model: string | null): LongEvalReport {
  const scored = rows.filter((r) => r.rouge !== null).map((r) => r.rouge!);
  return {
    documents: rows.length,
    withAbstract: scored.length,
    summarySentences: k,
    model,
    mean:
      scored.length > 0
        ? {
            elegans: meanRouge(scored.map((r) => r.elegans)),
            lead: meanRouge(scored.map((r) => r.lead)),
            textrank: meanRouge(scored.map((r) => r.textrank)),
          }
        : null,
    rows,
  };
}
