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

const pageNumber = z.coerce.number({ error: 'must be a page number (1, 2, …)' }).int().min(1).max(1_000_000);

/** `?page=N`: one page with its text and sentences; `?from=&to=`: the spans of a page range. */
export const pageQuerySchema = z
  .object({
    page: pageNumber.optional().meta({ description: 'this page’s text and sentences' }),
    from: pageNumber.optional().meta({ description: 'first page of the spans returned' }),
    to: pageNumber.optional().meta({ description: 'last page of the spans returned' }),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from must be ≤ to' });
export type PageQuery = z.infer<typeof pageQuerySchema>;

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

/** `?start=&end=`: a character range `[start, end)` of the document text, as in citations. */
export const geometryQuerySchema = z
  .object({
    start: z.coerce.number().int().min(0).meta({ description: 'first character (a citation’s start)' }),
    end: z.coerce.number().int().min(1).meta({ description: 'end of the range, exclusive' }),
  })
  .refine((q) => q.end > q.start, { message: 'end must be greater than start' });
export type GeometryQuery = z.infer<typeof geometryQuerySchema>;

const rectSchema = z
  .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .meta({ id: 'Box' });

export const geometryResponseSchema = z
  .object({
    documentId: z.string(),
    start: z.number().int(),
    end: z.number().int(),
    /**
     * False when the document has no page geometry at all (formats without a page layout such as
     * DOCX, HTML, Markdown and text, or PDFs parsed before geometry was stored): `pages` is empty
     * and a client highlights the text range instead.
     */
    geometry: z.boolean(),
    /**
     * The pages the range touches, with the rectangles covering exactly its characters (words of
     * one line merged), in PDF points of the page as displayed: origin top-left, y down, so a page
     * drawn at scale s shows a box at (x, y, width, height) × s.
     */
    pages: z.array(
      z.object({
        page: z.number().int(),
        width: z.number(),
        height: z.number(),
        boxes: z.array(rectSchema),
      }),
    ),
  })
  .meta({ id: 'Geometry' });
export type GeometryResponse = z.infer<typeof geometryResponseSchema>;
