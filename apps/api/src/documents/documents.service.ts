import { ElegansError } from '@elegans/common';
import { InvalidCursorError, type DocumentRecord, type Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import { CONFIG, LOGGER, STORAGE } from '../../../shared/src/storage.module';
import { DocumentQueue } from '../queue/document-queue';
import { takeUploadSlot, UploadSlots } from '../queue/upload-slots';
import { DocumentIntake } from './document-intake';
import { type DocumentListQuery, uploadFieldsSchema } from './documents.schemas';
import { receiveMultipart } from './multipart';

/** Multipart framing around the file: boundaries and part headers. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface UploadOutcome {
  created: boolean;
  document: DocumentRecord;
}

@Injectable()
export class DocumentsService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queue: DocumentQueue,
    private readonly intake: DocumentIntake,
    private readonly slots: UploadSlots,
  ) {}

  async upload(tenantId: string, req: Request): Promise<UploadOutcome> {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(type)) {
      throw new ElegansError('unsupported_media_type', 'send the document as multipart/form-data with a field "file"');
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.config.maxUploadBytes + MULTIPART_OVERHEAD) {
      throw new ElegansError('payload_too_large', `upload exceeds MAX_UPLOAD_MB (${this.config.MAX_UPLOAD_MB} MB)`);
    }
    const slot = await takeUploadSlot(this.slots, this.queue, this.config);
    try {
      return await this.receiveAndRecord(tenantId, req);
    } finally {
      await slot.release();
    }
  }

  private async receiveAndRecord(tenantId: string, req: Request): Promise<UploadOutcome> {
    const { file, fields } = await receiveMultipart(req, this.storage.blobs, {
      maxFileBytes: this.config.maxUploadBytes,
      maxFieldBytes: this.config.MAX_METADATA_BYTES,
    }).catch((err: unknown) => {
      if (err instanceof ElegansError && err.code === 'payload_too_large') {
        throw new ElegansError('payload_too_large', `upload exceeds MAX_UPLOAD_MB (${this.config.MAX_UPLOAD_MB} MB)`);
      }
      throw err;
    });
    if (!file) throw new ElegansError('validation_failed', 'multipart field "file" is required');

    let committed = false;
    try {
      const form = uploadFieldsSchema.safeParse(fields);
      if (!form.success) throw new ElegansError('validation_failed', form.error.issues[0]!.message);
      const collection = form.data.collection;
      const metadata = this.parseMetadata(form.data.metadata);
      if (file.bytes === 0) throw new ElegansError('validation_failed', 'the file is empty');

      const format = await this.intake.detect(file);
      if (format === null) {
        throw new ElegansError('unsupported_media_type', this.intake.unsupportedMessage);
      }

      const intake = await this.intake.record(tenantId, file, { collection, format, metadata });
      if (!intake.created) return { created: false, document: intake.document };
      const { document: doc, jobId } = intake;
      try {
        await file.pending.commit(file.sha256);
        committed = true;
        await this.queue.enqueue(jobId, { documentId: doc.id, tenantId, contentHash: file.sha256 });
      } catch (err) {
        await this.storage.documents.delete(tenantId, doc.id);
        if (committed && (await this.storage.documents.countByHash(file.sha256)) === 0) {
          await this.storage.blobs.delete(file.sha256);
        }
        throw err;
      }
      this.logger.info({ documentId: doc.id, tenantId, bytes: file.bytes, format, jobId }, 'document accepted');
      return { created: true, document: doc };
    } finally {
      if (!committed) await file.pending.discard();
    }
  }

  async get(tenantId: string, id: string): Promise<DocumentRecord> {
    const doc = await this.storage.documents.getForTenant(tenantId, id);
    if (!doc) throw new ElegansError('not_found', `document ${id} not found`);
    return doc;
  }

  /** `q` was validated by the route's query schema (documents.schemas.ts). */
  async list(tenantId: string, q: DocumentListQuery) {
    try {
      return await this.storage.documents.list({
        tenantId,
        limit: q.limit,
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        ...(q.collection !== undefined ? { collection: q.collection } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
      });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new ElegansError('validation_failed', 'invalid cursor');
      throw err;
    }
  }

  /**
   * Removes the document and everything keyed by it (cascade), cancels its job, and deletes the
   * blob once no document of any tenant references it. A job already running notices the
   * missing row at its next progress report and stops.
   */
  async delete(tenantId: string, id: string): Promise<void> {
    const doc = await this.get(tenantId, id);
    const jobState = doc.jobId ? await this.queue.cancel(doc.jobId) : 'none';
    // The retrieval index lives in the same database: the retrieval-cascade trigger (SQLite and
    // PostgreSQL) removes its units, vectors and BM25 entries in the same transaction, and logs the
    // delete so every API process's vector index drops the document before its next search.
    await this.storage.documents.delete(tenantId, id);
    if ((await this.storage.documents.countByHash(doc.contentHash)) === 0) {
      await this.storage.blobs.delete(doc.contentHash);
    }
    this.logger.info({ documentId: id, tenantId, jobState }, 'document deleted');
  }

  private parseMetadata(v: string | undefined): Record<string, unknown> {
    if (v === undefined || v === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new ElegansError('validation_failed', 'metadata must be a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ElegansError('validation_failed', 'metadata must be a JSON object');
    }
    return parsed as Record<string, unknown>;
  }
}
