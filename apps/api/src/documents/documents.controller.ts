import { FINAL_STATUSES } from '@elegans/common';
import { type BeforeApplicationShutdown, Controller, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Config } from '../../../shared/src/config';
import { documentView } from '../../../shared/src/document-view';
import { CONFIG } from '../../../shared/src/storage.module';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { empty, eventStream, json, problems } from '../openapi/responses';
import { ApiDelete, ApiGet, ApiPost, ApiTag } from '../openapi/route';
import {
  documentEventSchema,
  documentIdParams,
  documentListQuery,
  documentListSchema,
  documentViewSchema,
  uploadFormSchema,
  type DocumentEvent,
  type DocumentListQuery,
  type DocumentView,
} from './documents.schemas';
import { DocumentsService } from './documents.service';

@ApiTag('documents')
@Controller('v1/documents')
export class DocumentsController implements BeforeApplicationShutdown {
  /** Open event streams end when the API shuts down, so the HTTP server can close. */
  private closing = false;

  constructor(
    private readonly documents: DocumentsService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  @ApiPost('', {
    summary: 'Upload a document (streams to a content-addressed blob and queues processing)',
    form: uploadFormSchema,
    responses: {
      202: json(documentViewSchema, 'Accepted and queued (Location: the document)'),
      200: json(documentViewSchema, 'Same content already uploaded by this tenant: the existing document'),
      ...problems(400, 413, 415),
    },
  })
  async upload(
    @Auth() auth: AuthContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DocumentView> {
    const { created, document } = await this.documents.upload(auth.tenantId, req);
    res.status(created ? 202 : 200);
    res.setHeader('Location', `/v1/documents/${document.id}`);
    return documentView(document);
  }

  @ApiGet('', {
    summary: 'List documents, newest first (cursor pagination)',
    query: documentListQuery,
    responses: { 200: json(documentListSchema), ...problems(400) },
  })
  async list(@Auth() auth: AuthContext, @Query() q: DocumentListQuery) {
    const page = await this.documents.list(auth.tenantId, q);
    return { data: page.items.map(documentView), nextCursor: page.nextCursor };
  }

  @ApiGet(':id', {
    summary: 'Status, progress, counts, timings and error of one document',
    params: documentIdParams,
    responses: { 200: json(documentViewSchema), ...problems(404) },
  })
  async get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<DocumentView> {
    return documentView(await this.documents.get(auth.tenantId, id));
  }

  @ApiGet(':id/events', {
    summary: 'Server-Sent Events: `progress` on every change, then `done` at ready/failed',
    params: documentIdParams,
    responses: {
      200: eventStream(
        documentEventSchema,
        '`event: progress` with the document on every change, then `event: done` (or `deleted`); the stream then ends',
      ),
      ...problems(404),
    },
  })
  async events(@Auth() auth: AuthContext, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    let doc = await this.documents.get(auth.tenantId, id);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let closed = false;
    req.on('close', () => (closed = true));
    const send = (f: DocumentEvent) => res.write(`event: ${f.event}\ndata: ${JSON.stringify(f.data)}\n\n`);
    // Progress lives in the shared database (workers write it), so the stream polls it: works the
    // same whichever API replica and worker are involved.
    let last = '';
    let lastBeat = Date.now();
    while (!closed && !this.closing) {
      const view = documentView(doc);
      const sig = `${view.status}:${view.progress}:${view.updatedAt}`;
      if (sig !== last) {
        last = sig;
        send({ event: 'progress', data: view });
      }
      if (FINAL_STATUSES.has(doc.status)) {
        send({ event: 'done', data: view });
        break;
      }
      if (Date.now() - lastBeat > 15_000) {
        res.write(': keep-alive\n\n');
        lastBeat = Date.now();
      }
      await new Promise((r) => setTimeout(r, this.config.SSE_POLL_MS));
      try {
        doc = await this.documents.get(auth.tenantId, id);
      } catch {
        send({ event: 'deleted', data: { id } });
        break;
      }
    }
    res.end();
  }

  @ApiDelete(':id', {
    summary: 'Delete the document, its rows and index entries, its blob when unreferenced; cancel its job',
    params: documentIdParams,
    responses: { 204: empty('Deleted'), ...problems(404) },
  })
  async remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.documents.delete(auth.tenantId, id);
  }
}
