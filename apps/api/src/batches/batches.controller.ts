import { Controller, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { json, ndjson, problems } from '../openapi/responses';
import { ApiGet, ApiPost, ApiTag } from '../openapi/route';
import {
  batchFormSchema,
  batchIdParams,
  batchResultLineSchema,
  batchViewSchema,
  type BatchView,
} from './batches.schemas';
import { BATCH_MAX_FILES, BatchesService } from './batches.service';

@ApiTag('batches')
@Controller('v1/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @ApiPost('', {
    summary: `Upload many files at once (up to ${BATCH_MAX_FILES}); each becomes a document job of one flow`,
    form: batchFormSchema,
    responses: { 202: json(batchViewSchema, 'Accepted (Location: the batch)'), ...problems(400, 413, 415) },
  })
  async create(
    @Auth() auth: AuthContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BatchView> {
    const batch = await this.batches.create(auth.tenantId, req);
    res.setHeader('Location', batch.links.self);
    return batch;
  }

  @ApiGet(':id', {
    summary: 'Progress and per-document states of a batch',
    params: batchIdParams,
    responses: { 200: json(batchViewSchema), ...problems(404) },
  })
  async get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<BatchView> {
    return this.batches.get(auth.tenantId, id);
  }

  @ApiGet(':id/results', {
    summary: 'JSONL, one line per file in upload order: {id, position, filename, status, summary, error}',
    params: batchIdParams,
    responses: { 200: ndjson(batchResultLineSchema, 'One JSON object per line'), ...problems(404) },
  })
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
