import {
  answerQuestion,
  answerRegime,
  isWholeDocumentQuestion,
  prepareCandidates,
  type AnswerResult,
  type AnswerSentence,
  type SupportingPassage,
} from '@elegans/analysis';
import { ElegansError } from '@elegans/common';
import { Injectable } from '@nestjs/common';
import { QueryRetrieval } from '../retrieval/query-retrieval';
import { SummariesService } from '../summaries/summaries.service';
import { askBodySchema, type AskBody, type AskView, type CitationView } from './ask.schemas';

export { ASK_LIMITS, askBodySchema, type AskBody, type AskView, type CitationView } from './ask.schemas';

/** Passages ranked for word statistics beyond the k that give candidates. */
const BACKGROUND_PASSAGES = 20;

/**
 * Questions over the tenant's indexed documents: hybrid passage retrieval (libs/retrieval), then the
 * passages' sentences are scored against the question by libs/analysis (lexical evidence, liquid
 * vectors, answer-type cues) and the answer is given or withheld by its calibrated confidence.
 * Retrieval and the query model are the API's shared ones (QueryRetrieval, QueryModel); without the
 * model, retrieval is lexical and the response says so.
 */
@Injectable()
export class AskService {
  constructor(
    private readonly retrieval: QueryRetrieval,
    private readonly summaries: SummariesService,
  ) {}

  parse(raw: unknown): AskBody {
    const parsed = askBodySchema.safeParse(raw ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ElegansError('validation_failed', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    return parsed.data;
  }

  /**
   * `retrievalQuery` (default: the question) is what finds passages; chat passes recent turns there
   * while the sentence scoring still answers the question itself.
   */
  async ask(tenantId: string, body: AskBody, retrievalQuery?: string): Promise<AskView> {
    // The shared model may have been reloaded (new version on disk) since the last question.
    const { retriever, model } = await this.retrieval.current();
    const repo = this.retrieval.repo;
    const mode = model ? 'hybrid' : 'lexical';
    const filter = { tenantId, collection: body.collection, documentIds: body.documentIds };
    // The top k passages give the candidates; a wider ranking gives the word statistics (idf) the
    // features are normalised by, closer to the document-wide statistics the weights were fitted with.
    const ranked = await retriever.rank(
      retrievalQuery ?? body.question,
      mode,
      'passage',
      filter,
      Math.max(body.k, BACKGROUND_PASSAGES),
    );
    const byId = await repo.passages(ranked.map((r) => r.id));
    const candidates: number[] = [];
    const sentenceIndex = model ? await retriever.denseIndex('sentence') : null;
    const sentences: AnswerSentence[] = [];
    const supporting: (SupportingPassage & { pageEnd: number; score: number })[] = [];
    const ranges = await Promise.all(
      ranked.map((r) => {
        const p = byId.get(r.id);
        return p ? repo.sentenceRange(p.documentId, p.sentenceStart, p.sentenceEnd) : [];
      }),
    );
    for (const [rank, r] of ranked.entries()) {
      const p = byId.get(r.id);
      if (!p) continue;
      const top = rank < body.k;
      for (const s of ranges[rank]!) {
        if (top) candidates.push(sentences.length);
        sentences.push({
          text: s.text,
          start: s.start,
          end: s.end,
          page: s.page,
          documentId: s.documentId,
          passage: p.id,
          vector: top ? (sentenceIndex?.vector(s.id) ?? null) : null,
          // A note or reference answers only when no body sentence answers as well (answerQuestion).
          ...(s.role ? { role: s.role } : {}),
        });
      }
      if (!top) continue;
      supporting.push({
        documentId: p.documentId,
        passage: p.id,
        page: p.pageStart,
        pageEnd: p.pageEnd,
        start: p.start,
        end: p.end,
        text: p.text,
        score: r.score,
      });
    }
    if (isWholeDocumentQuestion(body.question)) {
      // The document asked about: the one named, else the one of the best passage.
      const docId = body.documentIds?.length === 1 ? body.documentIds[0]! : supporting[0]?.documentId;
      const fromSummary = docId ? await this.fromSummary(tenantId, docId, body.question, supporting) : null;
      if (fromSummary) return { ...fromSummary, model: model?.modelVersion ?? null, mode };
    }
    const queryVector = model ? await model.embedQuery(body.question) : null;
    const result = answerQuestion({
      question: body.question,
      queryVector,
      sentences,
      candidates,
      prepared: prepareCandidates(sentences),
      passages: supporting,
      // Candidates picked from more passages than kept: the confidence calibrated on whole documents.
      regime: answerRegime(ranked.length, body.k),
    });
    return this.view(result, supporting, model?.modelVersion ?? null, mode);
  }

  /** The stored summary as the answer, or null when the document has none (the question then goes to sentences). */
  private async fromSummary(
    tenantId: string,
    documentId: string,
    question: string,
    supporting: (SupportingPassage & { pageEnd: number; score: number })[],
  ): Promise<Omit<AskView, 'model' | 'mode'> | null> {
    const summary = await this.summaries.get(tenantId, documentId, undefined).catch((err: unknown) => {
      if (err instanceof ElegansError && err.code === 'not_found') return null;
      throw err;
    });
    if (!summary || summary.summary.length === 0) return null;
    const citations = summary.summary.map((s) => ({
      documentId,
      page: s.page,
      start: s.start,
      end: s.end,
      text: s.text,
    }));
    return {
      question,
      answer: citations.map((c) => c.text).join(' '),
      reason: null,
      confidence: 1,
      highlight: null,
      citations,
      supportingPassages: supporting.map((p) => ({
        documentId: p.documentId ?? documentId,
        page: p.page,
        pageEnd: p.pageEnd,
        start: p.start,
        end: p.end,
        text: p.text,
        score: Math.round(p.score * 1e4) / 1e4,
      })),
      closest: citations[0] ?? null,
      source: 'summary',
    };
  }

  private view(
    r: AnswerResult,
    supporting: (SupportingPassage & { pageEnd: number; score: number })[],
    model: string | null,
    mode: 'hybrid' | 'lexical',
  ): AskView {
    const c = (x: { documentId?: string; page: number; start: number; end: number; text: string }): CitationView => ({
      documentId: x.documentId ?? '',
      page: x.page,
      start: x.start,
      end: x.end,
      text: x.text,
    });
    return {
      question: r.question,
      answer: r.answer,
      reason: r.reason,
      confidence: Math.round(r.confidence * 1000) / 1000,
      highlight: r.highlight ? c(r.highlight) : null,
      citations: r.citations.map(c),
      supportingPassages: supporting.map((p) => ({
        ...c(p),
        pageEnd: p.pageEnd,
        score: Math.round(p.score * 1e4) / 1e4,
      })),
      closest: r.best ? c(r.best) : null,
      model,
      mode,
      source: 'sentences',
    };
  }
}
