import { z } from 'zod';

/**
 * `POST /v1/embeddings`, OpenAI's request shape. Only text is accepted: token-id arrays (OpenAI allows
 * them) would be ids of the client's tokenizer (tiktoken for the openai SDKs and LangChain), which mean
 * nothing to the liquid model's own vocabulary, so they are refused with a 400 that says how to send text.
 * Limits (inputs, tokens) come from the configuration and are checked by EmbeddingsService.
 */
const isTokenIds = (x: unknown): boolean =>
  typeof x === 'number' || (Array.isArray(x) && x.every((t) => typeof t === 'number'));

/** Token-id input (number[] or number[][]) is valid for OpenAI; here it gets its own reason. */
const TOKEN_IDS_REFUSED =
  'token-id arrays are not accepted (they would be ids of another tokenizer); send text. ' +
  'LangChain: OpenAIEmbeddings(check_embedding_ctx_length=False)';

export const embeddingsRequestSchema = z
  .object({
    input: z.union([z.string(), z.array(z.string())], {
      error: (issue) =>
        Array.isArray(issue.input) && issue.input.length > 0 && issue.input.every(isTokenIds)
          ? TOKEN_IDS_REFUSED
          : undefined,
    }),
    /** `elegans` or `elegans:<collection>` (GET /v1/models); every id gives the same vectors. */
    model: z.string().min(1).max(200),
    /** `base64`: little-endian float32 bytes, as the openai clients request and decode by default. */
    encoding_format: z.enum(['float', 'base64']).default('float'),
    /** Accepted only when equal to the model's dimension: the vectors are not trained to be truncated. */
    dimensions: z.number().int().min(1).optional(),
    /** OpenAI's end-user id; accepted and ignored. */
    user: z.string().max(256).optional(),
  })
  .strict();
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export const embeddingSchema = z.object({
  object: z.literal('embedding'),
  index: z.number().int(),
  /** Numbers (`float`) or base64 of little-endian float32 (`base64`). */
  embedding: z.union([z.array(z.number()), z.string()]),
});

export const embeddingsResponseSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(embeddingSchema),
    /** The model id as requested. */
    model: z.string(),
    /** Tokens of the liquid model's tokenizer, the ones the model read (embeddings have no completion). */
    usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
    /** Extension: which vector this is, so a client can tell when stored vectors would change. */
    elegans: z.object({
      modelVersion: z.string(),
      /** Always `query`: the vector /v1/search and /v1/ask compare with stored passage and sentence vectors. */
      vector: z.literal('query'),
      dimensions: z.number().int(),
    }),
  })
  .meta({ id: 'Embeddings' });
export type EmbeddingsResponse = z.infer<typeof embeddingsResponseSchema>;
