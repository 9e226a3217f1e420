import { Controller, Param, Query } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { documentIdParams } from '../documents/documents.schemas';
import { json, problem, problems } from '../openapi/responses';
import { ApiGet, ApiTag } from '../openapi/route';
import { summaryQuerySchema, summaryViewSchema, type SummaryView } from './summaries.schemas';
import { SummariesService } from './summaries.service';

@ApiTag('documents')
@Controller('v1/documents')
export class SummariesController {
  constructor(private readonly summaries: SummariesService) {}

  @ApiGet(':id/summary', {
    summary: 'Extractive summary with citations (page and [start, end) offsets into the document text)',
    description:
      'Without `length`, the summary computed by the pipeline (5 sentences) plus per-section summaries of long documents. ' +
      'With `length`, a summary of that many sentences ("5") or words ("120w"), selected on demand from the stored sentence salience.',
    params: documentIdParams,
    query: summaryQuerySchema,
    responses: {
      200: json(summaryViewSchema),
      ...problems(400),
      404: problem(404, 'Unknown document, or no summary yet'),
    },
  })
  async get(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query('length') length: string | undefined,
  ): Promise<SummaryView> {
    return this.summaries.get(auth.tenantId, id, length);
  }
}
