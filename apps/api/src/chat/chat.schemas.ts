import { z } from 'zod';
import { citedTextSchema } from '../ask/ask.schemas';

// Browser-safe: zod only (the web app imports these types).

export const CHAT_LIMITS = { maxMessages: 100, maxContentChars: 8000 };

/** `elegans` (every collection) or `elegans:<collection>`. */
export const CHAT_MODEL = /^elegans(?::([A-Za-z0-9][A-Za-z0-9._-]{0,63}))?$/;

const content = z.union([
  z.string().max(CHAT_LIMITS.maxContentChars),
  z.array(z.looseObject({ type: z.string(), text: z.string().max(CHAT_LIMITS.maxContentChars).optional() })),
  z.null(),
]);

/** OpenAI's request shape; fields Elegans does not use (temperature, max_tokens…) are accepted and ignored. */
export const chatBodySchema = z.looseObject({
  model: z
    .string()
    .min(1)
    .max(200)
    .regex(CHAT_MODEL, 'model must be "elegans" or "elegans:<collection>"')
    .meta({ example: 'elegans' }),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content: content.optional(),
      }),
    )
    .min(1)
    .max(CHAT_LIMITS.maxMessages),
  stream: z.boolean().optional().meta({ description: 'answer as Server-Sent Events (chat.completion.chunk)' }),
  /** Extension: answer from these documents only (the web app asks over one document). */
  documentIds: z.array(z.string().min(1).max(200)).max(500).optional(),
});
export type ChatBody = z.infer<typeof chatBodySchema>;

/** Citations extension: OpenAI clients pass unknown fields through, so they read it as `completion.citations`. */
export const chatCitationSchema = citedTextSchema
  .extend({ index: z.number().int().meta({ description: 'the marker number used in the text, e.g. [1]' }) })
  .meta({ id: 'ChatCitation' });
export type ChatCitation = z.infer<typeof chatCitationSchema>;

export const chatExtensionSchema = z
  .object({
    answered: z.boolean(),
    confidence: z.number().min(0).max(1),
    reason: z.string().nullable(),
    retrievalQuery: z.string(),
    mode: z.string(),
    /** The best sentence even when abstaining, so a client can show the closest evidence. */
    closest: citedTextSchema.nullable(),
  })
  .meta({ id: 'ChatExtension' });

export const usageSchema = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() })
  .meta({ id: 'ChatUsage', description: 'words, not tokens: extractive answers generate none' });

export const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
        finish_reason: z.literal('stop'),
        logprobs: z.null(),
      }),
    ),
    usage: usageSchema,
    citations: z.array(chatCitationSchema),
    elegans: chatExtensionSchema,
  })
  .meta({ id: 'ChatCompletion' });
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatChunkSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }),
        finish_reason: z.literal('stop').nullable(),
        logprobs: z.null(),
      }),
    ),
    /** On the final chunk only. */
    citations: z.array(chatCitationSchema).optional(),
    elegans: chatExtensionSchema.optional(),
    usage: usageSchema.optional(),
  })
  .meta({ id: 'ChatCompletionChunk' });
export type ChatChunk = z.infer<typeof chatChunkSchema>;

/** One SSE frame of a streamed answer: a chunk, and `[DONE]` last (OpenAI's framing, no event names). */
export const chatStreamFrameSchema = z
  .object({ data: z.union([chatChunkSchema, z.literal('[DONE]')]) })
  .meta({ id: 'ChatStreamFrame', description: 'the `data:` line of each SSE frame' });
