import { FINAL_STATUSES } from '@elegans/common';
import {
  type BeforeApplicationShutdown,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Config } from '../../../shared/src/config';
import { documentView } from '../../../shared/src/document-view';
import { CONFIG } from '../../../shared/src/storage.module';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { DocumentsService } from './documents.service';

const PROBLEM = { description: 'problem+json: {type, title, status, detail, code}' };

@ApiTags('documents')
@ApiBearerAuth()
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

  @Post()
  @ApiOperation({ summary: 'Upload a document (streams to a content-addressed blob and queues processing)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        collection: { type: 'string', example: 'papers' },
        metadata: { type: 'string', description: 'JSON object', example: '{"source":"arxiv"}' },
      },
    },
  })
  @ApiResponse({ status: 202, description: 'Accepted and queued: {id, status, links, …}' })
  @ApiResponse({ status: 200, description: 'Same content already uploaded by this tenant: the existing document' })
  @ApiResponse({ status: 413, ...PROBLEM })
  @ApiResponse({ status: 415, ...PROBLEM })
  async upload(@Auth() auth: AuthContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { created, document } = await this.documents.upload(auth.tenantId, req);
    res.status(created ? 202 : 200);
    res.setHeader('Location', `/v1/documents/${document.id}`);
    return documentView(document);
  }

  @Get()
  @ApiOperation({ summary: 'List documents, newest first (cursor pagination)' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'collection', required: false })
  @ApiQuery({
    name: 'status',
    required: false,
    enum: ['queued', 'parsing', 'ocr', 'embedding', 'indexing', 'summarizing', 'ready', 'failed'],
  })
  async list(
    @Auth() auth: AuthContext,
    @Query() q: { limit?: string; cursor?: string; collection?: string; status?: string },
  ) {
    const page = await this.documents.list(auth.tenantId, q);
    return { data: page.items.map(documentView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, counts, timings and error of one document' })
  @ApiResponse({ status: 404, ...PROBLEM })
  async get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return documentView(await this.documents.get(auth.tenantId, id));
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: `progress` on every change, then `done` at ready/failed' })
  @ApiProduces('text/event-stream')
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
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // Progress lives in the shared database (workers write it), so the stream polls it: works the
    // same whichever API replica and worker are involved.
    let last = '';
    let lastBeat = Date.now();
    while (!closed && !this.closing) {
      const view = documentView(doc);
      const sig = `${view.status}:${view.progress}:${view.updatedAt}`;
      if (sig !== last) {
        last = sig;
        send('progress', view);
      }
      if (FINAL_STATUSES.has(doc.status)) {
        send('done', view);
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
        send('deleted', { id });
        break;
      }
    }
    res.end();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete the document, its rows and index entries, its blob when unreferenced; cancel its job',
  })
  @ApiResponse({ status: 404, ...PROBLEM })
  async remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.documents.delete(auth.tenantId, id);
  }
}
