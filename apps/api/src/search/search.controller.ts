import { Body, Controller } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { json, problems } from '../openapi/responses';
import { ApiPost, ApiTag } from '../openapi/route';
import { searchBodySchema, searchResponseSchema, type SearchBody, type SearchResponseView } from './search.schemas';
import { SearchService } from './search.service';

@ApiTag('search')
@Controller('v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @ApiPost('', {
    summary: 'Search the tenant’s documents: BM25 (FTS5), liquid-model vectors, or both fused (default hybrid)',
    description:
      'Returns passages (or sentences with unit=sentence) with scores, document id, page, [start, end) offsets into the ' +
      'document text and a <mark>-highlighted snippet. Filters: collection, documentIds. Paging: k + offset ' +
      '(nextOffset in the response). neighbours adds that many surrounding sentences to each hit; mmr (λ) diversifies.',
    body: searchBodySchema,
    responses: { 200: json(searchResponseSchema), ...problems(400) },
  })
  async run(@Auth() auth: AuthContext, @Body() body: SearchBody): Promise<SearchResponseView> {
    return this.search.search(auth.tenantId, body);
  }
}
