import { z } from 'zod';

// Browser-safe: zod only (the web app imports these types).

export const ASK_LIMITS = { maxQuestionChars: 2000, maxK: 20, maxDocumentIds: 500 };

export const documentIdsSchema = (max: number) =>
  z.array(z.string().min(1).max(200)).max(max).meta({ description: 'limit to these documents' });

export const askBodySchema = z
  .object({
    question: z.string().trim().min(1).max(ASK_LIMITS.maxQuestionChars),
    collection: z.string().min(1).max(200).optional(),
    documentIds: documentIdsSchema(ASK_LIMITS.maxDocumentIds).optional(),
    /** Passages retrieved before sentence scoring. */
    k: z.number().int().min(1).max(ASK_LIMITS.maxK).default(5),
  })
  .strict();
export type AskBody = z.infer<typeof askBodySchema>;

/** A cited span: document, page, [start, end) offsets into the document text, and the text itself. */
export const citedTextSchema = z
  .object({
    documentId: z.string(),
    page: z.number().int(),
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
  })
  .meta({ id: 'CitedText' });
export type CitationView = z.infer<typeof citedTextSchema>;

export const askViewSchema = z
  .object({
    question: z.string(),
    /** The answering sentence, or null when the evidence is too weak (see `reason`). */
    answer: z.string().nullable(),
    reason: z.string().nullable(),
    /** P(answerable) from the calibrated confidence model, 0..1. */
    confidence: z.number().min(0).max(1),
    /** The answer's span inside the sentence, when one stands out (a number, date or name). */
    highlight: citedTextSchema.nullable(),
    citations: z.array(citedTextSchema),
    supportingPassages: z.array(citedTextSchema.extend({ pageEnd: z.number().int(), score: z.number() })),
    /** The best sentence even when abstaining, for a UI that shows the closest evidence. */
    closest: citedTextSchema.nullable(),
    model: z.string().nullable(),
    mode: z.enum(['hybrid', 'lexical']),
    /** `summary`: a question about the whole document, answered by its stored summary (one citation per sentence). */
    source: z.enum(['sentences', 'summary']),
  })
  .meta({ id: 'Answer' });
export type AskView = z.infer<typeof askViewSchema>;
