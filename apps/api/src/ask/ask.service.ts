import {
  answerQuestion,
  isWholeDocumentQuestion,
  prepareCandidates,
  type AnswerResult,
  type AnswerSentence,
  type SupportingPassage,
} from '@elegans/analysis';
import { ElegansError } from '@elegans/common';
import { RetrievalStore, Retriever } from '@elegans/retrieval';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { STORAGE } from '../../../shared/src/storage.module';
import { QueryModel } from '../model/query-model';
import { SummariesService } from '../summaries/summaries.service';
import { askBodySchema, type AskBody, type AskView, type CitationView } from './ask.schemas';

export { ASK_LIMITS, askBodySchema, type AskBody, type AskView, type CitationView } from './ask.schemas';

/** Passages ranked for word statistics beyond the k that give candidates. */
const BACKGROUND_PASSAGES = 20;

/**
 * Questions over the tenant's indexed documents: hybrid passage retrieval (libs/retrieval), then the
 * passages' sentences are scored against the question by libs/analysis (lexical evidence, liquid
 * vectors, answer-type cues) and the answer is given or withheld by its calibrated confidence.
 * The query model is the API's shared one (QueryModel); without it, retrieval is lexical and the response says so.
 */
@Injectable()
export class AskService {
  private readonly store: RetrievalStore;
  private readonly retriever: Retriever;

  constructor(
    @Inject(STORAGE) storage: Storage,
    private readonly queryModel: QueryModel,
    private readonly summaries: SummariesService,
  ) {
    this.store = new RetrievalStore(storage.sqlite);
    this.retriever = new Retriever(this.store, null);
  }

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
    const model = await this.queryModel.current();
    // The shared model may have been reloaded (new version on disk) since the last question.
    this.retriever.setEmbedder(model);
    const mode = model ? 'hybrid' : 'lexical';
    const filter = { tenantId, collection: body.collection, documentIds: body.documentIds };
    // The top k passages give the candidates; a wider ranking gives the word statistics (idf) the
    // features are normalised by, closer to the document-wide statistics the weights were fitted with.
    const ranked = await this.retriever.rank(
      retrievalQuery ?? body.question,
      mode,
      'passage',
      filter,
      Math.max(body.k, BACKGROUND_PASSAGES),
    );
    const byId = this.store.passages(ranked.map((r) => r.id));
    const candidates: number[] = [];
    const sentenceIndex = model ? this.retriever.denseIndex('sentence') : null;
    const sentences: AnswerSentence[] = [];
    const supporting: (SupportingPassage & { pageEnd: number; score: number })[] = [];
    for (const [rank, r] of ranked.entries()) {
      const p = byId.get(r.id);
      if (!p) continue;
      const top = rank < body.k;
      for (const s of this.store.sentenceRange(p.documentId, p.sentenceStart, p.sentenceEnd)) {
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
