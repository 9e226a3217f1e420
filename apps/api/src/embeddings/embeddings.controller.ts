import { Body, Controller } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { json, problem, problems } from '../openapi/responses';
import { ApiPost, ApiTag } from '../openapi/route';
import {
  embeddingsRequestSchema,
  embeddingsResponseSchema,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
} from './embeddings.schemas';
import { EmbeddingsService } from './embeddings.service';

@ApiTag('chat')
@Controller('v1/embeddings')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @ApiPost('', {
    summary: 'OpenAI-compatible embeddings: the liquid model’s query vectors',
    description:
      '`input`: a string or an array of strings (token-id arrays are refused). `model`: "elegans" or ' +
      '"elegans:<collection>" (GET /v1/models; all give the same vectors). `encoding_format`: float (default) or ' +
      'base64 (little-endian float32). `dimensions` must equal the model’s. Each vector is the query vector ' +
      '/v1/search compares with stored passages: L2-normalised, so the dot product is the cosine. Limits: ' +
      'EMBEDDINGS_MAX_INPUTS, EMBEDDINGS_MAX_INPUT_TOKENS, EMBEDDINGS_MAX_TOTAL_TOKENS.',
    body: embeddingsRequestSchema,
    responses: {
      200: json(embeddingsResponseSchema),
      ...problems(400),
      404: problem(404, 'Not a model of this tenant'),
      503: problem(503, 'The liquid model is not available'),
    },
  })
  async create(@Auth() auth: AuthContext, @Body() body: EmbeddingsRequest): Promise<EmbeddingsResponse> {
    return this.embeddings.embed(auth.tenantId, body);
  }
}
