import { Controller, Param } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { json, problem } from '../openapi/responses';
import { ApiGet, ApiTag } from '../openapi/route';
import { modelIdParams, modelListSchema, modelSchema, type ModelEntry, type ModelList } from './models.schemas';
import { ModelsService } from './models.service';

@ApiTag('chat')
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @ApiGet('', {
    summary: 'OpenAI-compatible model list: "elegans" and "elegans:<collection>" per collection',
    responses: { 200: json(modelListSchema) },
  })
  async list(@Auth() auth: AuthContext): Promise<ModelList> {
    return { object: 'list', data: await this.models.list(auth.tenantId) };
  }

  @ApiGet(':id', {
    summary: 'One model of the list',
    params: modelIdParams,
    responses: { 200: json(modelSchema), 404: problem(404, 'Not a model of this tenant') },
  })
  async get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ModelEntry> {
    return this.models.get(auth.tenantId, id);
  }
}
