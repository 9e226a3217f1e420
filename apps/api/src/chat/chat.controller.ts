import { Body, Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { problems, type ResponseSpec } from '../openapi/responses';
import { ApiPost, ApiTag } from '../openapi/route';
import {
  chatBodySchema,
  chatCompletionSchema,
  chatStreamFrameSchema,
  type ChatBody,
  type ChatChunk,
  type ChatCompletion,
} from './chat.schemas';
import { ChatService, type ChatAnswer } from './chat.service';

const completionOrStream: ResponseSpec = {
  description: 'A chat.completion object, or with `stream: true` a text/event-stream of chat.completion.chunk',
  content: { 'application/json': chatCompletionSchema, 'text/event-stream': chatStreamFrameSchema },
};

/** Splits content into small deltas (words with their trailing space), as a token stream would arrive. */
function deltas(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

@ApiTag('chat')
@Controller('v1/chat/completions')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @ApiPost('', {
    summary: 'OpenAI-compatible chat completions over the documents (extractive answers with citations)',
    description:
      '`model` selects the collection: "elegans" (all) or "elegans:<collection>". With `stream: true` the answer ' +
      'arrives as Server-Sent Events in OpenAI chunk format, ending with `data: [DONE]`. Extension fields: ' +
      '`citations` [{index, documentId, page, start, end, text}] (the [n] markers in the text) and `elegans` ' +
      '{answered, confidence, reason, retrievalQuery, mode, closest}; in a stream they ride on the final chunk. ' +
      'Request extension: `documentIds` limits the answer to those documents.',
    body: chatBodySchema,
    responses: { 200: completionOrStream, ...problems(400) },
  })
  async complete(@Auth() auth: AuthContext, @Body() body: ChatBody, @Res() res: Response): Promise<void> {
    const a = await this.chat.complete(auth.tenantId, body);
    if (body.stream) return this.stream(res, a);
    const completion: ChatCompletion = {
      id: a.id,
      object: 'chat.completion',
      created: a.created,
      model: a.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: a.content, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: usage(a),
      citations: a.citations,
      elegans: a.elegans,
    };
    res.status(200).json(completion);
  }

  private stream(res: Response, a: ChatAnswer): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const chunk = (
      delta: ChatChunk['choices'][number]['delta'],
      finish: 'stop' | null,
      extra: Pick<ChatChunk, 'citations' | 'elegans' | 'usage'> = {},
    ) => {
      const c: ChatChunk = {
        id: a.id,
        object: 'chat.completion.chunk',
        created: a.created,
        model: a.model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
        ...extra,
      };
      res.write(`data: ${JSON.stringify(c)}\n\n`);
    };
    chunk({ role: 'assistant', content: '' }, null);
    for (const d of deltas(a.content)) chunk({ content: d }, null);
    chunk({}, 'stop', { citations: a.citations, elegans: a.elegans, usage: usage(a) });
    res.write('data: [DONE]\n\n');
    res.end();
  }
}

function usage(a: ChatAnswer) {
  // Extractive answers generate no tokens; counts are words, for clients that expect the field.
  const completion = deltas(a.content).length;
  const prompt = deltas(a.elegans.retrievalQuery).length;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
