import { Body, Controller } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { json, problems } from '../openapi/responses';
import { ApiPost, ApiTag } from '../openapi/route';
import { askBodySchema, askViewSchema, type AskBody, type AskView } from './ask.schemas';
import { AskService } from './ask.service';

@ApiTag('answers')
@Controller('v1/ask')
export class AskController {
  constructor(private readonly asks: AskService) {}

  @ApiPost('', {
    summary: 'Answer a question from the indexed documents, with citations, or abstain (answer: null) with a reason',
    body: askBodySchema,
    responses: { 200: json(askViewSchema), ...problems(400) },
  })
  async ask(@Auth() auth: AuthContext, @Body() body: AskBody): Promise<AskView> {
    return this.asks.ask(auth.tenantId, body);
  }
}
