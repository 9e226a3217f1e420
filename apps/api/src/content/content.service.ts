import { ElegansError } from '@elegans/common';
import type { DocumentRecord, Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { STORAGE } from '../../../shared/src/storage.module';
import { type PagesResponse, pageQuerySchema, type SectionsResponse } from './content.schemas';

/** Media types of the formats Elegans accepts (the detected format, never the client's claim). */
const MEDIA_TYPES: Record<string, { type: string; ext: string }> = {
  pdf: { type: 'application/pdf', ext: 'pdf' },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  html: { type: 'text/html', ext: 'html' },
  markdown: { type: 'text/markdown', ext: 'md' },
  text: { type: 'text/plain', ext: 'txt' },
  png: { type: 'image/png', ext: 'png' },
  jpeg: { type: 'image/jpeg', ext: 'jpg' },
  tiff: { type: 'image/tiff', ext: 'tif' },
};

export interface StoredFile {
  /** Absolute path of the content-addressed blob. */
  path: string;
  contentType: string;
  /** Built from the document id and format: the client's file name never reaches a header or a path. */
  downloadName: string;
  etag: string;
}

/**
 * What the web app reads to show a document: its original bytes (pdf.js renders PDFs in the
 * browser), its pages' text and sentence offsets (non-PDF formats, and the sentence a citation
 * points at), its sections. Every read is scoped to the caller's tenant: another tenant's
 * document is a 404.
 */
@Injectable()
export class ContentService {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async file(tenantId: string, id: string): Promise<StoredFile> {
    const doc = await this.document(tenantId, id);
    if (!(await this.storage.blobs.exists(doc.contentHash))) {
      throw new ElegansError('not_found', `the file of document ${id} is no longer stored`);
    }
    const media = MEDIA_TYPES[doc.format ?? ''] ?? { type: 'application/octet-stream', ext: 'bin' };
    return {
      path: this.storage.blobs.path(doc.contentHash),
      contentType: media.type,
      downloadName: `${doc.id}.${media.ext}`,
      etag: `"${doc.contentHash}"`,
    };
  }

  async pages(tenantId: string, id: string, query: unknown): Promise<PagesResponse> {
    const q = pageQuerySchema.safeParse(query ?? {});
    if (!q.success) throw new ElegansError('validation_failed', 'page must be a page number (1, 2, …)');
    const doc = await this.document(tenantId, id);
    const pages = await this.storage.content.getPages(id);
    if (pages.length === 0) throw this.notParsed(doc);
    const base = { documentId: id, format: doc.format ?? 'unknown', pageCount: pages.length };
    if (q.data.page === undefined) {
      return { ...base, pages: pages.map((p) => ({ number: p.number, start: p.start, end: p.end })) };
    }
    const page = pages.find((p) => p.number === q.data.page);
    if (!page) throw new ElegansError('not_found', `document ${id} has no page ${q.data.page} (${pages.length} pages)`);
    const parsed = await this.storage.content.loadParsed(id);
    const sentences = (parsed?.sentences ?? [])
      .filter((s) => s.end > page.start && s.start < page.end)
      .map((s) => ({
        index: s.index,
        start: s.start,
        end: s.end,
        section: s.section,
        ...(s.role ? { role: s.role } : {}),
      }));
    return { ...base, pages: [{ ...page, sentences }] };
  }

  async sections(tenantId: string, id: string): Promise<SectionsResponse> {
    const doc = await this.document(tenantId, id);
    const parsed = await this.storage.content.loadParsed(id);
    if (!parsed) throw this.notParsed(doc);
    return {
      documentId: id,
      sections: parsed.sections.map((s, index) => ({
        index,
        title: s.title,
        level: s.level,
        page: s.page,
        start: s.start,
        end: s.end,
        ...(s.role ? { role: s.role } : {}),
      })),
    };
  }

  private async document(tenantId: string, id: string): Promise<DocumentRecord> {
    const doc = await this.storage.documents.getForTenant(tenantId, id);
    if (!doc) throw new ElegansError('not_found', `document ${id} not found`);
    return doc;
  }

  private notParsed(doc: DocumentRecord): ElegansError {
    return new ElegansError('not_found', `document ${doc.id} has no parsed text yet: it is ${doc.status}`);
  }
}
