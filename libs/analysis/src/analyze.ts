import { answerQuestion, prepareCandidates, type AnswerResult, type AnswerSentence } from './answer/answer';
import { questionTerms } from './answer/features';
import { answerRegime } from './answer/weights';
import type { StructureRole } from '@elegans/ingest';
import type { DocumentVectors, Embedder } from './embedder';
import { Bm25Index } from './text/bm25';
import { cosine, extent, type Vector } from './vectors';
import {
  summarize,
  summarizeSections,
  type SectionSummary,
  type SummaryLength,
  type SummarySentence,
} from './summary/summarize';

/**
 * One document, in process: summary (and per-section summaries when long) plus answers to questions,
 * every sentence cited by page and `[start, end)` offsets. The shape matches libs/ingest's
 * ParsedDocument, so `analyzeDocument(await parseDocument(bytes), embedder, …)` just works.
 */
export interface AnalyzableDocument {
  text: string;
  sentences: readonly { text: string; start: number; end: number; page: number; section: number; role?: string }[];
  passages: readonly {
    start: number;
    end: number;
    pageStart: number;
    text: string;
    sentenceStart: number;
    sentenceEnd: number;
  }[];
  sections: readonly { title: string; start: number; end: number; page: number; role?: string }[];
}

export interface AnalyzeOptions {
  length?: SummaryLength;
  questions?: readonly string[];
  /** Passages retrieved per question before sentence scoring. */
  topPassages?: number;
  /** Weight of the dense score in passage fusion (libs/retrieval's convex fusion). */
  denseWeight?: number;
  /** Per-section summaries once the document has at least this many sentences. */
  sectionSummaryMinSentences?: number;
  documentId?: string;
}

export interface AnalysisResult {
  summary: SummarySentence[];
  sections: SectionSummary[];
  answers: AnswerResult[];
  model: string | null;
}

export async function embedParsed(doc: AnalyzableDocument, embedder: Embedder): Promise<DocumentVectors> {
  const paragraphStarts = new Set<number>();
  doc.sentences.forEach((s, i) => {
    if (i > 0 && /\n[^\S\n]*\n/.test(doc.text.slice(doc.sentences[i - 1]!.end, s.start))) paragraphStarts.add(i);
  });
  return embedder.embedDocument({ text: doc.text, sentences: doc.sentences, passages: doc.passages, paragraphStarts });
}

/** Top passages for a question: BM25 max-normalised fused with min-max-normalised cosine. */
export function rankPassages(
  question: string,
  qVector: Vector | null,
  passageIndex: Bm25Index,
  passageVectors: readonly (Vector | undefined)[] | null,
  k: number,
  denseWeight: number,
): { index: number; score: number }[] {
  const q = questionTerms(question);
  const lex = Array.from({ length: passageIndex.size }, (_, i) => passageIndex.score(q.stems, i));
  const maxLex = Math.max(0, extent(lex)[1]);
  const dense = qVector && passageVectors ? passageVectors.map((v) => (v ? cosine(qVector, v) : 0)) : null;
  const [lo, hi] = dense ? extent(dense) : [0, 0];
  return lex
    .map((l, i) => {
      const ln = maxLex > 0 ? l / maxLex : 0;
      const dn = dense && hi > lo ? (dense[i]! - lo) / (hi - lo) : 0;
      return { index: i, score: dense ? (1 - denseWeight) * ln + denseWeight * dn : ln };
    })
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}

export async function analyzeDocument(
  doc: AnalyzableDocument,
  embedder: Embedder | null,
  opts: AnalyzeOptions = {},
): Promise<AnalysisResult> {
  const vectors = embedder && doc.sentences.length > 0 ? await embedParsed(doc, embedder) : null;
  const length = opts.length ?? { sentences: 3 };
  const summary = summarize(
    { sentences: doc.sentences, vectors: vectors?.sentences ?? null, documentVector: vectors?.document ?? null },
    length,
  );
  const sections =
    doc.sections.length >= 2 && doc.sentences.length >= (opts.sectionSummaryMinSentences ?? 40)
      ? summarizeSections({ sentences: doc.sentences, vectors: vectors?.sentences ?? null, sections: doc.sections })
      : [];
  const answers: AnswerResult[] = [];
  const questions = opts.questions ?? [];
  if (questions.length > 0) {
    // Sentences carry their passage (the first that covers them) so neighbours stay inside a passage.
    const passageOf = new Array<number>(doc.sentences.length).fill(-1);
    doc.passages.forEach((p, pi) => {
      for (let i = p.sentenceStart; i < p.sentenceEnd; i++) if (passageOf[i] === -1) passageOf[i] = pi;
    });
    const sentences: AnswerSentence[] = doc.sentences.map((s, i) => ({
      text: s.text,
      start: s.start,
      end: s.end,
      page: s.page,
      passage: passageOf[i]!,
      vector: vectors?.sentences[i] ?? null,
      ...(opts.documentId ? { documentId: opts.documentId } : {}),
      // Roles come from libs/ingest's parse, so a note answers only when no body sentence does.
      ...(s.role ? { role: s.role as StructureRole } : {}),
    }));
    const prepared = prepareCandidates(sentences);
    const passageIndex = new Bm25Index(
      doc.passages.map((p) => {
        const out: string[] = [];
        for (let i = p.sentenceStart; i < p.sentenceEnd; i++) out.push(...prepared.texts[i]!.stems);
        return out;
      }),
    );
    const qVectors = embedder
      ? embedder.embedQueries
        ? await embedder.embedQueries(questions)
        : await Promise.all(questions.map((q) => embedder.embedQuery(q)))
      : null;
    questions.forEach((question, qi) => {
      const qv = qVectors?.[qi] ?? null;
      const top = rankPassages(
        question,
        qv,
        passageIndex,
        vectors?.passages ?? null,
        opts.topPassages ?? 5,
        opts.denseWeight ?? 0.3,
      );
      const candidates = top.flatMap(({ index }) => {
        const p = doc.passages[index]!;
        return Array.from({ length: p.sentenceEnd - p.sentenceStart }, (_, k) => p.sentenceStart + k);
      });
      answers.push(
        answerQuestion({
          question,
          queryVector: qv,
          sentences,
          prepared,
          candidates: [...new Set(candidates)],
          regime: answerRegime(doc.passages.length, top.length),
          passages: top.map(({ index, score }) => {
            const p = doc.passages[index]!;
            return {
              ...(opts.documentId ? { documentId: opts.documentId } : {}),
              passage: index,
              page: p.pageStart,
              start: p.start,
              end: p.end,
              text: p.text,
              score,
            };
          }),
        }),
      );
    });
  }
  return { summary, sections, answers, model: embedder?.version ?? null };
}
