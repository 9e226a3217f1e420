import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { BATCH_MAX_FILES, BatchesService } from './batches.service';

const PROBLEM = { description: 'problem+json: {type, title, status, detail, code}' };

@ApiTags('batches')
@ApiBearerAuth()
@Controller('v1/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: `Upload many files at once (up to ${BATCH_MAX_FILES}); each becomes a document job of one flow`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['files'],
      properties: {
        files: { type: 'array', items: { type: 'string', format: 'binary' } },
        collection: { type: 'string', example: 'reports' },
      },
    },
  })
  @ApiResponse({ status: 202, description: 'The batch: {id, status, total, progress, byStatus, documents, links}' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 415, ...PROBLEM })
  async create(@Auth() auth: AuthContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const batch = await this.batches.create(auth.tenantId, req);
    res.setHeader('Location', batch.links.self);
    return batch;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress and per-document states of a batch' })
  @ApiResponse({ status: 404, ...PROBLEM })
  async get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.batches.get(auth.tenantId, id);
  }

  @Get(':id/results')
  @ApiOperation({ summary: 'JSONL, one line per file: {id, position, filename, status, summary, error}' })
  @ApiProduces('application/x-ndjson')
  @ApiResponse({ status: 404, ...PROBLEM })
  async results(@Auth() auth: AuthContext, @Param('id') id: string, @Res() res: Response) {
    const lines = this.batches.results(auth.tenantId, id);
    // Pull the first line before committing to 200, so an unknown batch still gets a 404 problem.
    const first = await lines.next();
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    if (!first.done) res.write(first.value);
    for await (const line of lines) {
      if (!res.write(line)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}
