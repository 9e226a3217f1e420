import { z } from 'zod';

/** RFC 9457 problem details: every error the API answers (4xx and 5xx) has this body. */
export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'https://elegans.dev/problems/not_found' }),
    title: z.string().meta({ example: 'Not Found' }),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    /** The stable, machine-readable part (`not_found`, `validation_failed`, `queue_full`…). */
    code: z.string().meta({ description: 'stable machine-readable error code', example: 'not_found' }),
    /** OpenAI's error object, on the OpenAI-compatible routes only (/v1/chat/completions, /v1/embeddings, /v1/models). */
    error: z
      .object({ message: z.string(), type: z.string(), param: z.null(), code: z.string() })
      .optional()
      .meta({ description: 'OpenAI error object (OpenAI-compatible routes only), same detail and code' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });
export type ProblemBody = z.infer<typeof problemSchema>;
