import { z } from 'zod';

// Browser-safe: zod only (the web app imports these types). Kept equal to @elegans/common's
// DocumentStatus by documents.schemas.spec.ts.
export const DOCUMENT_STATUSES = [
  'queued',
  'parsing',
  'embedding',
  'indexing',
  'summarizing',
  'ready',
  'failed',
] as const;

/** Collection names: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit. */
export const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const collectionNameSchema = z
  .string()
  .regex(COLLECTION_NAME, 'collection: 1-64 letters, digits, ".", "_" or "-"')
  .meta({ example: 'papers' });

export const documentIdParams = z.object({ id: z.string().meta({ description: 'document id', example: 'doc_…' }) });

const count = z.number().int().min(0).nullable();

export const documentErrorSchema = z.object({ code: z.string(), message: z.string() }).meta({ id: 'DocumentError' });

export const documentViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(DOCUMENT_STATUSES),
    /** 0..100 over the whole pipeline. */
    progress: z.number().min(0).max(100),
    collection: z.string(),
    filename: z.string().nullable().meta({ description: 'the uploaded name: metadata only, never a path' }),
    format: z.string().nullable().meta({ description: 'detected format (pdf, docx, html, markdown, text…)' }),
    bytes: z.number().int().min(0),
    contentHash: z.string().meta({ description: 'SHA-256 of the bytes' }),
    metadata: z.record(z.string(), z.unknown()),
    title: z.string().nullable(),
    language: z.string().nullable(),
    pages: count,
    characters: count,
    tokens: count,
    sentences: count,
    passages: count,
    flags: z.array(z.string()),
    /** Milliseconds per pipeline stage. */
    timings: z.record(z.string(), z.number()),
    error: documentErrorSchema.nullable(),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
    links: z.object({ self: z.string(), events: z.string() }),
  })
  .meta({ id: 'Document' });
export type DocumentView = z.infer<typeof documentViewSchema>;
export type DocumentStatusName = DocumentView['status'];

export const documentListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'page size (1-100)' }),
  cursor: z.string().min(1).optional().meta({ description: 'nextCursor of the previous page' }),
  collection: collectionNameSchema.optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
});
export type DocumentListQuery = z.infer<typeof documentListQuery>;

export const documentListSchema = z
  .object({
    data: z.array(documentViewSchema),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'DocumentList' });
export type DocumentList = z.infer<typeof documentListSchema>;

/** The text fields of an upload (the file part is streamed to disk, never held in memory). */
export const uploadFieldsSchema = z.object({
  collection: z
    .string()
    .regex(/^$|^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'collection: 1-64 letters, digits, ".", "_" or "-"')
    .optional()
    .transform((v) => (v ? v : 'default'))
    .meta({ description: 'collection to file the document under (default: "default")' }),
  metadata: z
    .string()
    .optional()
    .meta({ description: 'a JSON object, stored with the document', example: '{"source":"arxiv"}' }),
});

export const uploadFormSchema = uploadFieldsSchema.extend({
  file: z.string().meta({ format: 'binary', description: 'the document (PDF, DOCX, HTML, Markdown, text)' }),
});

/**
 * The event stream of one document: `progress` on every change, then `done` once ready or failed;
 * `deleted` if the document goes away meanwhile. Comment lines (`: keep-alive`) come every 15 s.
 */
export const documentEventSchema = z
  .discriminatedUnion('event', [
    z.object({ event: z.literal('progress'), data: documentViewSchema }),
    z.object({ event: z.literal('done'), data: documentViewSchema }),
    z.object({ event: z.literal('deleted'), data: z.object({ id: z.string() }) }),
  ])
  .meta({ id: 'DocumentEvent', description: 'one SSE frame: `event:` name and the JSON of its `data:` line' });
export type DocumentEvent = z.infer<typeof documentEventSchema>;
