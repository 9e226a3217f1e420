import { detectFormat, DETECT_HEAD_BYTES, IMAGE_FORMATS, type DocumentFormat } from '@elegans/ingest';
import type { DocumentRecord, Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { Config } from '../../../shared/src/config';
import { CONFIG, STORAGE } from '../../../shared/src/storage.module';
import { DocumentQueue } from '../queue/document-queue';
import type { ReceivedFile as IncomingFile } from './multipart';

export type Intake =
  /** The tenant already has this content: nothing new was written. */
  | { created: false; document: DocumentRecord }
  /** A new row; the caller commits the blob and queues `jobId` (alone or as a batch child). */
  | { created: true; document: DocumentRecord; jobId: string };

/**
 * The steps a single upload and a batch share: type detection, and turning a received file into a
 * document row exactly once per tenant and content. Committing the blob and queueing stay with the
 * callers, which queue differently (one job, or children of a batch flow).
 */
@Injectable()
export class DocumentIntake {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONFIG) private readonly config: Config,
    private readonly queue: DocumentQueue,
  ) {}

  /** The 415 message: what is accepted (images only while OCR is on: they have no text without it). */
  get unsupportedMessage(): string {
    return this.config.OCR === 'off'
      ? 'unsupported file type (accepted: PDF, DOCX, HTML, Markdown, text; PNG, JPEG and TIFF need OCR, which is off)'
      : 'unsupported file type (accepted: PDF, DOCX, HTML, Markdown, text, PNG, JPEG, TIFF)';
  }

  async detect(file: IncomingFile): Promise<DocumentFormat | null> {
    const format = detectFormat(file.head);
    if (format && (IMAGE_FORMATS as readonly string[]).includes(format) && this.config.OCR === 'off') return null;
    // A zip's central directory sits at its end: let detection see the whole file for those.
    if (format === null && file.head[0] === 0x50 && file.head[1] === 0x4b && file.bytes > DETECT_HEAD_BYTES) {
      return detectFormat(new Uint8Array(await readFile(file.pending.tempPath)));
    }
    return format;
  }

  /**
   * Row first, then blob (the caller's commit): a concurrent DELETE of another document with the same
   * content then sees this row and keeps the blob.
   */
  async record(
    tenantId: string,
    file: IncomingFile,
    fields: { collection: string; format: DocumentFormat; metadata: Record<string, unknown> },
  ): Promise<Intake> {
    const existing = await this.storage.documents.getByHash(tenantId, file.sha256);
    if (existing) return { created: false, document: existing };
    const jobId = await this.queue.reserveJobId(tenantId, file.sha256);
    const doc = await this.storage.documents.create({
      tenantId,
      collection: fields.collection,
      contentHash: file.sha256,
      filename: file.filename,
      mimeType: file.mimeType,
      format: fields.format,
      bytes: file.bytes,
      metadata: fields.metadata,
      jobId,
    });
    if (doc) return { created: true, document: doc, jobId };
    // Same content raced in from a parallel request of the same tenant.
    const raced = await this.storage.documents.getByHash(tenantId, file.sha256);
    if (!raced) throw new Error('document insert conflicted but no row found');
    return { created: false, document: raced };
  }
}
