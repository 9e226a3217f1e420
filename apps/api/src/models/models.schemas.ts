import { z } from 'zod';

// Browser-safe: zod only.

/** One entry of OpenAI's model list: `elegans` (all documents) or `elegans:<collection>`. */
export const modelSchema = z
  .object({
    id: z.string().meta({ example: 'elegans:papers' }),
    object: z.literal('model'),
    /** Unix seconds: the oldest document of the collection (0 for `elegans` with no documents). */
    created: z.number().int(),
    owned_by: z.literal('elegans'),
  })
  .meta({ id: 'Model' });
export type ModelEntry = z.infer<typeof modelSchema>;

export const modelListSchema = z
  .object({ object: z.literal('list'), data: z.array(modelSchema) })
  .meta({ id: 'ModelList' });
export type ModelList = z.infer<typeof modelListSchema>;

export const modelIdParams = z.object({ id: z.string().meta({ example: 'elegans' }) });
