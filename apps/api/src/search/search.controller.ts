import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { SEARCH_LIMITS, SearchService } from './search.service';

const PROBLEM = { description: 'problem+json: {type, title, status, detail, code}' };

@ApiTags('search')
@ApiBearerAuth()
@Controller('v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search the tenant’s documents: BM25 (FTS5), liquid-model vectors, or both fused (default hybrid)',
    description:
      'Returns passages (or sentences with unit=sentence) with scores, document id, page, [start, end) offsets into the ' +
      'document text and a <mark>-highlighted snippet. Filters: collection, documentIds. Paging: k + offset ' +
      '(nextOffset in the response). neighbours adds that many surrounding sentences to each hit; mmr (λ) diversifies.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['query'],
      properties: {
        query: { type: 'string', maxLength: SEARCH_LIMITS.maxQueryChars, example: 'boundary layer transition' },
        mode: { type: 'string', enum: ['hybrid', 'lexical', 'dense'] },
        unit: { type: 'string', enum: ['passage', 'sentence'], default: 'passage' },
        collection: { type: 'string' },
        documentIds: { type: 'array', items: { type: 'string' }, maxItems: SEARCH_LIMITS.maxDocumentIds },
        k: { type: 'integer', minimum: 1, maximum: SEARCH_LIMITS.maxK, default: 10 },
        offset: { type: 'integer', minimum: 0, maximum: SEARCH_LIMITS.maxOffset, default: 0 },
        mmr: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 },
        neighbours: { type: 'integer', minimum: 0, maximum: SEARCH_LIMITS.maxNeighbours, default: 0 },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description:
      '{mode, unit, k, offset, nextOffset, modelVersion, results: [{documentId, page, start, end, score, snippet, …}]}',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  async run(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.search.search(auth.tenantId, body);
  }
}
