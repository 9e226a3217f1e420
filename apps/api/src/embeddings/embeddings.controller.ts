import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { EmbeddingsService } from './embeddings.service';

const PROBLEM = { description: 'problem+json: {type, title, status, detail, code}' };

@ApiTags('chat')
@ApiBearerAuth()
@Controller('v1/embeddings')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI-compatible embeddings: the liquid model’s query vectors',
    description:
      '`input`: a string or an array of strings (token-id arrays are refused). `model`: "elegans" or ' +
      '"elegans:<collection>" (GET /v1/models; all give the same vectors). `encoding_format`: float (default) or ' +
      'base64 (little-endian float32). `dimensions` must equal the model’s. Each vector is the query vector ' +
      '/v1/search compares with stored passages: L2-normalised, so the dot product is the cosine. Limits: ' +
      'EMBEDDINGS_MAX_INPUTS, EMBEDDINGS_MAX_INPUT_TOKENS, EMBEDDINGS_MAX_TOTAL_TOKENS.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['input', 'model'],
      properties: {
        input: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        model: { type: 'string', example: 'elegans' },
        encoding_format: { type: 'string', enum: ['float', 'base64'], default: 'float' },
        dimensions: { type: 'integer' },
        user: { type: 'string' },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description:
      '{object: "list", data: [{object: "embedding", index, embedding}], model, usage: {prompt_tokens, total_tokens}, ' +
      'elegans: {modelVersion, vector: "query", dimensions}}',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, description: 'problem+json: not a model of this tenant' })
  @ApiResponse({ status: 503, description: 'problem+json: the liquid model is not available' })
  async create(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.embeddings.embed(auth.tenantId, body);
  }
}
