import { z } from 'zod';

// Browser-safe: zod only (the web app imports these types).

/** Media types a document file is served with (the detected format's). */
export const FILE_MEDIA_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/html',
  'text/markdown',
  'text/plain',
  'application/octet-stream',
];

/** `?page=N`: a 1-based page number. */
export const pageQuerySchema = z.object({
  page: z.coerce
    .number({ error: 'must be a page number (1, 2, …)' })
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: 'a 1-based page number: that page’s text and sentences' }),
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

export const pagesResponseSchema = z
  .object({
    documentId: z.string(),
    format: z.string(),
    pageCount: z.number().int(),
    /** Every page's span when no page is asked for; the asked page with its text and sentences otherwise. */
    pages: z.array(
      pageSpanSchema.extend({ text: z.string().optional(), sentences: z.array(pageSentenceSchema).optional() }),
    ),
  })
  .meta({ id: 'DocumentPages' });
export type PagesResponse = z.infer<typeof pagesResponseSchema>;

export const sectionsResponseSchema = z
  .object({
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
  })
  .meta({ id: 'DocumentSections' });
export type SectionsResponse = z.infer<typeof sectionsResponseSchema>;
