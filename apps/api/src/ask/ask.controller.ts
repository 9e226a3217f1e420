import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { ASK_LIMITS, AskService } from './ask.service';

@ApiTags('answers')
@ApiBearerAuth()
@Controller('v1/ask')
export class AskController {
  constructor(private readonly asks: AskService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Answer a question from the indexed documents, with citations, or abstain (answer: null) with a reason',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['question'],
      properties: {
        question: { type: 'string', maxLength: ASK_LIMITS.maxQuestionChars },
        collection: { type: 'string' },
        documentIds: { type: 'array', items: { type: 'string' }, maxItems: ASK_LIMITS.maxDocumentIds },
        k: { type: 'integer', minimum: 1, maximum: ASK_LIMITS.maxK, default: 5 },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description:
      '{question, answer|null, reason, confidence, highlight, citations, supportingPassages, closest, model, mode}',
  })
  @ApiResponse({ status: 400, description: 'problem+json: invalid body' })
  async ask(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.asks.ask(auth.tenantId, this.asks.parse(body));
  }
}
