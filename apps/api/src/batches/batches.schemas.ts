import { z } from 'zod';
import { DOCUMENT_STATUSES } from '../documents/documents.schemas';

// Browser-safe: zod only.

const fileStatus = z.enum([...DOCUMENT_STATUSES, 'rejected']);
const fileError = z.object({ code: z.string(), message: z.string() });

export const batchFileSchema = z.object({
  position: z.number().int(),
  filename: z.string().nullable(),
  documentId: z.string().nullable(),
  status: fileStatus,
  progress: z.number().min(0).max(100),
  error: fileError.nullable(),
});

export const batchViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(['processing', 'completed', 'completed_with_errors']),
    total: z.number().int(),
    /** Mean progress of the batch's files (0..100); a rejected file counts as done. */
    progress: z.number().min(0).max(100),
    byStatus: z.record(z.string(), z.number().int()),
    createdAt: z.string().meta({ format: 'date-time' }),
    documents: z.array(batchFileSchema),
    links: z.object({ self: z.string(), results: z.string() }),
  })
  .meta({ id: 'Batch' });
export type BatchView = z.infer<typeof batchViewSchema>;

export const batchIdParams = z.object({ id: z.string().meta({ description: 'batch id', example: 'bat_…' }) });

export const batchFormSchema = z.object({
  files: z.array(z.string().meta({ format: 'binary' })).meta({ description: 'one part per file, each named "files"' }),
  collection: z.string().optional().meta({ example: 'reports' }),
});

/** One line of GET /v1/batches/{id}/results. */
export const batchResultLineSchema = z
  .object({
    id: z.string().nullable(),
    position: z.number().int(),
    filename: z.string().nullable(),
    status: fileStatus,
    summary: z
      .array(z.object({ text: z.string(), page: z.number().int(), start: z.number().int(), end: z.number().int() }))
      .nullable(),
    error: fileError.nullable(),
  })
  .meta({ id: 'BatchResultLine' });
export type BatchResultLine = z.infer<typeof batchResultLineSchema>;
