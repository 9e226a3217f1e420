/**
 * Queue names, job names and typed payloads, declared in one place (immich's enum.ts/types.ts
 * pattern). The worker refuses to start when a job name here has no handler.
 */
export const QueueName = {
  Documents: 'documents',
  Batches: 'batches',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  /** Parse, stream through the liquid model, index and summarize one document. */
  ProcessDocument: 'document.process',
  /** Re-embed an already-parsed document after a model change (no re-parse). */
  ReindexDocument: 'document.reindex',
  /** FlowProducer parent: completes when every child document job has settled. */
  FinalizeBatch: 'batch.finalize',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface ProcessDocumentPayload {
  documentId: string;
  tenantId: string;
  /** sha256 of the blob; also the blob's storage key. */
  contentHash: string;
  batchId?: string;
}

export interface ReindexDocumentPayload {
  documentId: string;
  tenantId: string;
  modelVersion: string;
}

export interface FinalizeBatchPayload {
  batchId: string;
  tenantId: string;
}

export interface JobPayloads {
  [JobName.ProcessDocument]: ProcessDocumentPayload;
  [JobName.ReindexDocument]: ReindexDocumentPayload;
  [JobName.FinalizeBatch]: FinalizeBatchPayload;
}

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.ProcessDocument]: QueueName.Documents,
  [JobName.ReindexDocument]: QueueName.Documents,
  [JobName.FinalizeBatch]: QueueName.Batches,
};

/**
 * Deterministic job id: the same content for the same tenant is one job, never two.
 * BullMQ forbids ':' in custom ids, hence the dashes.
 */
export function documentJobId(tenantId: string, contentHash: string): string {
  return `doc-${tenantId}-${contentHash}`;
}
