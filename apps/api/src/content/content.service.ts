import { ElegansError } from '@elegans/common';
import { highlightBoxes } from '@elegans/ingest';
import type { DocumentRecord, Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../../../shared/src/config';
import { CONFIG, STORAGE } from '../../../shared/src/storage.module';
import type { GeometryQuery, GeometryResponse, PageQuery, PagesResponse, SectionsResponse } from './content.schemas';

/** Media types of the formats Elegans accepts (the detected format, never the client's claim). */
const MEDIA_TYPES: Record<string, { type: string; ext: string }> = {
  pdf: { type: 'application/pdf', ext: 'pdf' },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  html: { type: 'text/html', ext: 'html' },
  markdown: { type: 'text/markdown', ext: 'md' },
  text: { type: 'text/plain', ext: 'txt' },
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
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async file(tenantId: string, id: string): Promise<StoredFile> {
    const doc = await this.document(tenantId, id);
    if (!(await this.storage.blobs.exists(doc.contentHash))) {
      throw new ElegansError('not_found', `the file of document ${id} is no longer stored`);
    }
    const media = MEDIA_TYPES[doc.format ?? ''] ?? { type: 'application/octet-stream', ext: 'bin' };
    return {
      path: await this.storage.blobs.localPath(doc.contentHash),
      contentType: media.type,
      downloadName: `${doc.id}.${media.ext}`,
      etag: `"${doc.contentHash}"`,
    };
  }

  /**
   * Page spans (all, or `from..to`), or with `page` that page's text and sentences (`q` was validated
   * by the route: content.schemas.ts). Each form reads
   * only the rows it returns: one page and its sentences, never the whole stored document.
   */
  async pages(tenantId: string, id: string, q: PageQuery): Promise<PagesResponse> {
    const doc = await this.document(tenantId, id);
    const pageCount = await this.storage.content.countPages(id);
    if (pageCount === 0) throw this.notParsed(doc);
    const base = { documentId: id, format: doc.format ?? 'unknown', pageCount };
    const { page: n, from, to } = q;
    if (n === undefined) {
      const range = from !== undefined || to !== undefined ? { from: from ?? 1, to: to ?? pageCount } : undefined;
      return { ...base, pages: await this.storage.content.getPageSpans(id, range) };
    }
    const page = await this.storage.content.getPage(id, n);
    if (!page) throw new ElegansError('not_found', `document ${id} has no page ${n} (${pageCount} pages)`);
    const sentences = (await this.storage.content.getSentencesOnPage(id, n)).map((s) => ({
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
    if ((await this.storage.content.countPages(id)) === 0) throw this.notParsed(doc);
    const sections = await this.storage.content.getSections(id);
    return {
      documentId: id,
      sections: sections.map((s, index) => ({
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

  /**
   * The rectangles that cover the characters `[start, end)` on each page they touch (PDF pages,
   * and OCR'd pages alike: both store the same word geometry). Only the pages overlapping the
   * range are read from storage.
   */
  async geometry(tenantId: string, id: string, q: GeometryQuery): Promise<GeometryResponse> {
    const { start, end } = q;
    const max = this.config.GEOMETRY_MAX_RANGE_CHARS;
    if (end - start > max) {
      throw new ElegansError(
        'validation_failed',
        `the range is ${end - start} characters; at most ${max} per request (GEOMETRY_MAX_RANGE_CHARS)`,
      );
    }
    const doc = await this.document(tenantId, id);
    if (doc.charCount === null) throw this.notParsed(doc);
    if (start >= doc.charCount) {
      throw new ElegansError(
        'validation_failed',
        `start ${start} is past the end of the text (${doc.charCount} characters)`,
      );
    }
    const stored = await this.storage.content.getGeometry(id, start, end);
    const base = { documentId: id, start, end };
    if (stored === null) return { ...base, geometry: false, pages: [] };
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      ...base,
      geometry: true,
      pages: highlightBoxes(stored, start, end).map((p) => ({
        page: p.page,
        width: round(p.width),
        height: round(p.height),
        boxes: p.boxes.map((b) => ({ x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) })),
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
