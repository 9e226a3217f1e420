import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { SummariesService } from './summaries.service';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('v1/documents')
export class SummariesController {
  constructor(private readonly summaries: SummariesService) {}

  @Get(':id/summary')
  @ApiOperation({
    summary: 'Extractive summary with citations (page and [start, end) offsets into the document text)',
    description:
      'Without `length`, the summary computed by the pipeline (5 sentences) plus per-section summaries of long documents. ' +
      'With `length`, a summary of that many sentences ("5") or words ("120w"), selected on demand from the stored sentence salience.',
  })
  @ApiQuery({ name: 'length', required: false, example: '3' })
  @ApiResponse({
    status: 200,
    description: '{documentId, model, length, onDemand, summary: [{text, page, start, end, citation}], sections}',
  })
  @ApiResponse({ status: 404, description: 'problem+json: unknown document, or no summary yet' })
  @ApiResponse({ status: 400, description: 'problem+json: malformed length' })
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Query('length') length?: string) {
    return this.summaries.get(auth.tenantId, id, length);
  }
}
