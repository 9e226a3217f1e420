import { z } from 'zod';

/** `?page=N`: a 1-based page number. */
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

const role = z.string().optional();

export const pageSpanSchema = z.object({ number: z.number().int(), start: z.number().int(), end: z.number().int() });

export const pageSentenceSchema = z.object({
  index: z.number().int(),
  start: z.number().int(),
  end: z.number().int(),
  section: z.number().int(),
  role,
});

export const pagesResponseSchema = z.object({
  documentId: z.string(),
  format: z.string(),
  pageCount: z.number().int(),
  /** Every page's span when no page is asked for; the asked page with its text and sentences otherwise. */
  pages: z.array(
    pageSpanSchema.extend({ text: z.string().optional(), sentences: z.array(pageSentenceSchema).optional() }),
  ),
});
export type PagesResponse = z.infer<typeof pagesResponseSchema>;

export const sectionsResponseSchema = z.object({
  documentId: z.string(),
  sections: z.array(
    z.object({
      index: z.number().int(),
      title: z.string(),
      level: z.number().int(),
      page: z.number().int(),
      start: z.number().int(),
      end: z.number().int(),
      role,
    }),
  ),
});
export type SectionsResponse = z.infer<typeof sectionsResponseSchema>;
