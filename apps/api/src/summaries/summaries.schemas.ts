import { z } from 'zod';

// Browser-safe: zod only (the web app imports these types).

/** Where a citation points: a document, its page and [start, end) UTF-16 offsets into its text. */
export const citationSchema = z
  .object({ documentId: z.string(), page: z.number().int(), start: z.number().int(), end: z.number().int() })
  .meta({ id: 'Citation' });
export type Citation = z.infer<typeof citationSchema>;

export const summarySentenceSchema = z
  .object({
    /** Index of the sentence in the document. */
    sentence: z.number().int(),
    text: z.string(),
    page: z.number().int(),
    start: z.number().int(),
    end: z.number().int(),
    role: z.string().optional(),
    citation: citationSchema,
  })
  .meta({ id: 'SummarySentence' });
export type SummarySentence = z.infer<typeof summarySentenceSchema>;

export const summaryQuerySchema = z.object({
  length: z.string().optional().meta({
    description: 'sentences ("5", 1-50) or words ("120w", 1-2000); default: the stored summary',
    example: '3',
  }),
});

export const summaryViewSchema = z
  .object({
    documentId: z.string(),
    model: z.string().nullable(),
    length: z.object({ sentences: z.number().int().optional(), words: z.number().int().optional() }),
    /** Computed now from stored salience (true) or the stored default summary (false). */
    onDemand: z.boolean(),
    summary: z.array(summarySentenceSchema),
    sections: z.array(
      z.object({
        title: z.string(),
        page: z.number().int(),
        role: z.string().optional(),
        summary: z.array(summarySentenceSchema),
      }),
    ),
  })
  .meta({ id: 'Summary' });
export type SummaryView = z.infer<typeof summaryViewSchema>;
