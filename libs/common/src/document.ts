/** Lifecycle of a document, in pipeline order. `ready` and `failed` are final. */
export const DocumentStatus = {
  Queued: 'queued',
  Parsing: 'parsing',
  /** Pages without a usable text layer (and image files) being OCR'd; only when there are any. */
  Ocr: 'ocr',
  Embedding: 'embedding',
  Indexing: 'indexing',
  Summarizing: 'summarizing',
  Ready: 'ready',
  Failed: 'failed',
} as const;
export type DocumentStatus = (typeof DocumentStatus)[keyof typeof DocumentStatus];

export const FINAL_STATUSES: ReadonlySet<DocumentStatus> = new Set(['ready', 'failed']);

/** Progress bands per stage, so one 0..100 bar covers the whole pipeline. */
export const STAGE_PROGRESS: Record<'parsing' | 'ocr' | 'embedding' | 'indexing' | 'summarizing', [number, number]> = {
  parsing: [0, 10],
  // OCR runs at seconds per page: most of the parse time of a scanned document.
  ocr: [10, 25],
  embedding: [25, 80],
  indexing: [80, 90],
  summarizing: [90, 100],
};

export function stageProgress(stage: keyof typeof STAGE_PROGRESS, fraction: number): number {
  const [lo, hi] = STAGE_PROGRESS[stage];
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round(lo + (hi - lo) * f);
}
