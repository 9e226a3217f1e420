import { contentStems } from '@elegans/analysis';
import { ElegansError } from '@elegans/common';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AskService, type AskView, type CitationView } from '../ask/ask.service';
import { CHAT_MODEL, type ChatBody, type ChatCitation } from './chat.schemas';

export type { ChatBody, ChatCitation };

export interface ChatAnswer {
  id: string;
  created: number;
  model: string;
  content: string;
  citations: ChatCitation[];
  elegans: {
    answered: boolean;
    confidence: number;
    reason: string | null;
    retrievalQuery: string;
    mode: string;
    /** The best sentence even when abstaining, so a client can show the closest evidence. */
    closest: CitationView | null;
  };
}

function textOf(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (typeof p?.text === 'string' ? p.text : '')).join(' ');
  return '';
}

/**
 * Chat over the documents, extractive: the answer is a sentence from a document with its citation.
 * The last user turn is the question; the previous user turn joins it in the retrieval query, so a
 * follow-up ("and when did it start?") still finds the passages the conversation is about.
 */
@Injectable()
export class ChatService {
  constructor(private readonly asks: AskService) {}

  /** The collection a valid model id selects (`elegans:<collection>`), or undefined for all. */
  collectionOf(model: string): string | undefined {
    const m = CHAT_MODEL.exec(model);
    if (!m) throw new ElegansError('validation_failed', 'model must be "elegans" or "elegans:<collection>"');
    return m[1];
  }

  async complete(tenantId: string, body: ChatBody): Promise<ChatAnswer> {
    const collection = this.collectionOf(body.model);
    const users = body.messages
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.content).trim())
      .filter(Boolean);
    const question = users[users.length - 1];
    if (!question) throw new ElegansError('validation_failed', 'messages: no user message with text');
    const retrievalQuery = users.slice(-2).join('\n').slice(-2000);
    // A follow-up that leans on the previous turn ("when did it begin?") is scored with that turn's
    // words too; a self-contained question is scored on its own.
    const previous = users.length > 1 ? users[users.length - 2]! : '';
    const scored = previous && leansOnContext(question) ? `${question} ${previous}` : question;
    const ask = await this.asks.ask(
      tenantId,
      this.asks.parse({
        question: scored.slice(0, 2000),
        ...(collection ? { collection } : {}),
        ...(body.documentIds ? { documentIds: body.documentIds } : {}),
      }),
      retrievalQuery,
    );
    return {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      content: render(ask),
      citations: ask.citations.map((c, i) => ({ index: i + 1, ...c })),
      elegans: {
        answered: ask.answer !== null,
        confidence: ask.confidence,
        reason: ask.reason,
        retrievalQuery,
        mode: ask.mode,
        closest: ask.closest,
      },
    };
  }
}

/** Short, or pointing back with a pronoun: the question needs the conversation to be understood. */
export function leansOnContext(question: string): boolean {
  return (
    contentStems(question).length < 3 ||
    /\b(it|its|they|them|their|this|that|these|those|he|she|his|her)\b/i.test(question)
  );
}

function render(a: AskView): string {
  if (a.answer === null) {
    return `I could not find a reliable answer in the documents (${a.reason ?? 'no evidence'}).`;
  }
  // A whole-document question is answered by the summary: every sentence with its own marker.
  if (a.source === 'summary') return a.citations.map((c, i) => `${c.text} [${i + 1}]`).join(' ');
  const c = a.citations[0];
  return c ? `${a.answer} [1] (page ${c.page})` : a.answer;
}
