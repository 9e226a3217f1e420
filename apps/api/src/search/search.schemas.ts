import { z } from 'zod';
import { documentIdsSchema } from '../ask/ask.schemas';

// Browser-safe: zod only (the web app imports these types).

/** Request limits; explicit so a client learns them from the 400 it gets. */
export const SEARCH_LIMITS = { maxQueryChars: 2000, maxK: 100, maxOffset: 1000, maxDocumentIds: 500, maxNeighbours: 5 };

export const searchBodySchema = z
  .object({
    query: z.string().trim().min(1).max(SEARCH_LIMITS.maxQueryChars).meta({ example: 'boundary layer transition' }),
    mode: z
      .enum(['hybrid', 'lexical', 'dense'])
      .optional()
      .meta({ description: 'default: hybrid (lexical without the model)' }),
    unit: z.enum(['passage', 'sentence']).default('passage'),
    collection: z.string().min(1).max(200).optional(),
    documentIds: documentIdsSchema(SEARCH_LIMITS.maxDocumentIds).optional(),
    k: z.number().int().min(1).max(SEARCH_LIMITS.maxK).default(10),
    offset: z.number().int().min(0).max(SEARCH_LIMITS.maxOffset).default(0),
    /** MMR λ: 1 = pure relevance, lower = more diverse results. */
    mmr: z.number().gt(0).max(1).optional().meta({ description: 'MMR λ: 1 = pure relevance, lower = more diverse' }),
    neighbours: z.number().int().min(0).max(SEARCH_LIMITS.maxNeighbours).default(0),
  })
  .strict();
export type SearchBody = z.infer<typeof searchBodySchema>;

const contextSentence = z.object({
  index: z.number().int(),
  text: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  page: z.number().int(),
});

export const searchResultSchema = z
  .object({
    documentId: z.string(),
    collection: z.string().nullable(),
    unit: z.enum(['passage', 'sentence']),
    /** Passage (or sentence) index within the document. */
    index: z.number().int(),
    score: z.number(),
    scores: z.object({ lexical: z.number().nullable(), dense: z.number().nullable() }),
    page: z.number().int(),
    pageEnd: z.number().int(),
    matchPage: z.number().int().meta({
      description:
        'The page a link should open: for a passage over several pages, the page of its sentence holding the most query words; otherwise `page`.',
    }),
    /** [start, end) UTF-16 offsets into the document text. */
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
    snippet: z.string().meta({ description: 'FTS5 highlight: query words wrapped in <mark>…</mark>' }),
    /** Structure role (abstract, notes, references…); absent for body text. */
    role: z.string().optional(),
    context: z.object({ before: z.array(contextSentence), after: z.array(contextSentence) }).optional(),
  })
  .meta({ id: 'SearchResult' });
export type SearchResultView = z.infer<typeof searchResultSchema>;

export const searchResponseSchema = z
  .object({
    mode: z.enum(['hybrid', 'lexical', 'dense']),
    unit: z.enum(['passage', 'sentence']),
    k: z.number().int(),
    offset: z.number().int(),
    /** Offset of the next page, or null when this page was the last the candidates allow. */
    nextOffset: z.number().int().nullable(),
    modelVersion: z.string().nullable(),
    results: z.array(searchResultSchema),
  })
  .meta({ id: 'SearchResponse' });
export type SearchResponseView = z.infer<typeof searchResponseSchema>;
