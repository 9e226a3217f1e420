import type { StoredSummary } from '@elegans/analysis';
import {
  ElegansError,
  FINAL_STATUSES,
  JobName,
  QueueName,
  type DocumentStatus,
  type FinalizeBatchPayload,
  type ProcessDocumentPayload,
} from '@elegans/common';
import type { BatchFileRecord, DocumentRecord, Storage } from '@elegans/storage';
import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { FlowChildJob, FlowProducer } from 'bullmq';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import { CONFIG, LOGGER, STORAGE } from '../../../shared/src/storage.module';
import { DocumentIntake } from '../documents/document-intake';
import { DocumentQueue } from '../queue/document-queue';
import { takeUploadSlot, UploadSlots } from '../queue/upload-slots';
import { receiveBatch, type ReceivedFile } from './batch-multipart';

export const BATCH_FLOW = 'batches';
/** Files per batch; a request with more is refused (400) before anything is stored. */
export const BATCH_MAX_FILES = 200;
const COLLECTION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SUMMARY_KIND = 'summary';

export interface BatchFileView {
  position: number;
  filename: string | null;
  documentId: string | null;
  status: DocumentStatus | 'rejected';
  progress: number;
  error: { code: string; message: string } | null;
}

export interface BatchView {
  id: string;
  status: 'processing' | 'completed' | 'completed_with_errors';
  total: number;
  /** Mean progress of the batch's files (0..100); a rejected file counts as done. */
  progress: number;
  byStatus: Record<string, number>;
  createdAt: string;
  documents: BatchFileView[];
  links: { self: string; results: string };
}

/**
 * Batches: one multipart request with many files becomes one BullMQ flow, a `batch.finalize` parent
 * with one `document.process` child per new document. A child that fails does not block the parent
 * (`ignoreDependencyOnFailure`), so one bad file fails only its own line. Files refused before a
 * document exists (unsupported type, empty) keep a line too (table analysis_batch_files).
 */
@Injectable()
export class BatchesService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectFlowProducer(BATCH_FLOW) private readonly flows: FlowProducer,
    private readonly queue: DocumentQueue,
    private readonly intake: DocumentIntake,
    private readonly slots: UploadSlots,
  ) {}

  async create(tenantId: string, req: Request): Promise<BatchView> {
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      throw new ElegansError(
        'unsupported_media_type',
        'send the files as multipart/form-data, each as a part named "files"',
      );
    }
    // A batch being received holds one upload slot, shared with single uploads across replicas.
    const slot = await takeUploadSlot(this.slots, this.queue, this.config);
    try {
      return await this.receiveAndAdmit(tenantId, req);
    } finally {
      await slot.release();
    }
  }

  private async receiveAndAdmit(tenantId: string, req: Request): Promise<BatchView> {
    const { files, fields } = await receiveBatch(req, this.storage.blobs, {
      maxFiles: BATCH_MAX_FILES,
      maxFileBytes: this.config.maxUploadBytes,
      maxFieldBytes: this.config.MAX_METADATA_BYTES,
    });
    const pendingLeft = new Set(files);
    try {
      if (files.length === 0)
        throw new ElegansError('validation_failed', 'a batch needs at least one file (parts named "files")');
      const collection = fields.collection === undefined || fields.collection === '' ? 'default' : fields.collection;
      if (!COLLECTION.test(collection)) {
        throw new ElegansError('validation_failed', 'collection: 1-64 letters, digits, ".", "_" or "-"');
      }
      const batchId = `bat_${randomBytes(12).toString('hex')}`;
      await this.storage.batches.create({ id: batchId, tenantId, total: files.length });
      const rows: BatchFileRecord[] = [];
      const children: FlowChildJob[] = [];
      const created: DocumentRecord[] = [];
      try {
        for (const [position, file] of files.entries()) {
          const row = await this.admit(tenantId, collection, batchId, position, file, children, created);
          pendingLeft.delete(file);
          rows.push(row);
        }
        await this.storage.batches.addFiles(batchId, rows);
        const parent: FinalizeBatchPayload = { batchId, tenantId };
        await this.flows.add({
          name: JobName.FinalizeBatch,
          queueName: QueueName.Batches,
          data: parent,
          opts: {
            jobId: `batch-${batchId}`,
            removeOnComplete: { age: 7 * 24 * 3600 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
          children,
        });
      } catch (err) {
        for (const d of created) await this.storage.documents.delete(tenantId, d.id);
        await this.storage.batches.delete(batchId);
        throw err;
      }
      this.logger.info({ batchId, tenantId, files: files.length, jobs: children.length }, 'batch accepted');
      return this.get(tenantId, batchId);
    } finally {
      for (const f of pendingLeft) await f.pending.discard();
    }
  }

  /** One file: refused (a line with an error), an existing document (dedup), or a new document and child job. */
  private async admit(
    tenantId: string,
    collection: string,
    batchId: string,
    position: number,
    file: ReceivedFile,
    children: FlowChildJob[],
    created: DocumentRecord[],
  ): Promise<BatchFileRecord> {
    const base = { position, filename: file.filename, documentId: null, error: null };
    if (file.bytes === 0) {
      await file.pending.discard();
      return { ...base, error: { code: 'validation_failed', message: 'the file is empty' } };
    }
    const format = await this.intake.detect(file);
    if (format === null) {
      await file.pending.discard();
      return {
        ...base,
        error: {
          code: 'unsupported_media_type',
          message: this.intake.unsupportedMessage,
        },
      };
    }
    const intake = await this.intake.record(tenantId, file, { collection, format, metadata: { batchId } });
    if (!intake.created) {
      await file.pending.discard();
      return { ...base, documentId: intake.document.id };
    }
    const { document: doc, jobId } = intake;
    created.push(doc);
    await file.pending.commit(file.sha256);
    const payload: ProcessDocumentPayload = { documentId: doc.id, tenantId, contentHash: file.sha256, batchId };
    children.push({
      name: JobName.ProcessDocument,
      queueName: QueueName.Documents,
      data: payload,
      opts: {
        jobId,
        attempts: this.config.JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: this.config.JOB_BACKOFF_MS },
        // A failed document must not hold the batch back: the parent runs once every child settled.
        ignoreDependencyOnFailure: true,
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
      },
    });
    return { ...base, documentId: doc.id };
  }

  private async files(tenantId: string, id: string): Promise<{ createdAt: string; rows: BatchFileRecord[] }> {
    const batch = await this.storage.batches.getForTenant(tenantId, id);
    if (!batch) throw new ElegansError('not_found', `batch ${id} not found`);
    return { createdAt: batch.createdAt, rows: await this.storage.batches.listFiles(id) };
  }

  private async fileView(
    tenantId: string,
    r: BatchFileRecord,
  ): Promise<BatchFileView & { doc: DocumentRecord | null }> {
    if (!r.documentId) {
      return {
        position: r.position,
        filename: r.filename,
        documentId: null,
        status: r.error ? 'rejected' : 'failed',
        progress: 100,
        error: r.error ?? { code: 'not_found', message: 'document deleted' },
        doc: null,
      };
    }
    const doc = await this.storage.documents.getForTenant(tenantId, r.documentId);
    return {
      position: r.position,
      filename: r.filename,
      documentId: r.documentId,
      status: doc?.status ?? 'failed',
      // A failed document is settled: it counts as done for the batch's progress.
      progress: !doc || FINAL_STATUSES.has(doc.status) ? 100 : doc.progress,
      error: doc ? doc.error : { code: 'not_found', message: 'document deleted' },
      doc,
    };
  }

  async get(tenantId: string, id: string): Promise<BatchView> {
    const { createdAt, rows } = await this.files(tenantId, id);
    const documents = await Promise.all(rows.map((r) => this.fileView(tenantId, r)));
    const byStatus: Record<string, number> = {};
    for (const d of documents) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    const final = (s: string) => s === 'rejected' || FINAL_STATUSES.has(s as DocumentStatus);
    const done = documents.every((d) => final(d.status));
    const failed = documents.some((d) => d.status === 'failed' || d.status === 'rejected');
    return {
      id,
      status: !done ? 'processing' : failed ? 'completed_with_errors' : 'completed',
      total: documents.length,
      progress: documents.length ? Math.round(documents.reduce((a, d) => a + d.progress, 0) / documents.length) : 100,
      byStatus,
      createdAt,
      documents: documents.map(({ doc: _doc, ...v }) => v),
      links: { self: `/v1/batches/${id}`, results: `/v1/batches/${id}/results` },
    };
  }

  /** JSONL lines, one per file in upload order: id, filename, status, summary (with citations), error. */
  async *results(tenantId: string, id: string): AsyncGenerator<string> {
    const { rows } = await this.files(tenantId, id);
    for (const r of rows) {
      const v = await this.fileView(tenantId, r);
      let summary: { text: string; page: number; start: number; end: number }[] | null = null;
      if (v.documentId && v.status === 'ready') {
        const rec = await this.storage.results.get(v.documentId, SUMMARY_KIND);
        const s = rec?.data as StoredSummary | undefined;
        summary = s ? s.sentences.map((x) => ({ text: x.text, page: x.page, start: x.start, end: x.end })) : null;
      }
      yield `${JSON.stringify({
        id: v.documentId,
        position: v.position,
        filename: v.filename,
        status: v.status,
        summary,
        error: v.error,
      })}\n`;
    }
  }
}
