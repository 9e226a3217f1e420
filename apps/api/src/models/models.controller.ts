import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { ModelsService } from './models.service';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({ summary: 'OpenAI-compatible model list: "elegans" and "elegans:<collection>" per collection' })
  @ApiResponse({ status: 200, description: '{object: "list", data: [{id, object: "model", created, owned_by}]}' })
  async list(@Auth() auth: AuthContext) {
    return { object: 'list', data: await this.models.list(auth.tenantId) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One model of the list' })
  @ApiResponse({ status: 200, description: '{id, object: "model", created, owned_by}' })
  @ApiResponse({ status: 404, description: 'problem+json: not a model of this tenant' })
  async get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.models.get(auth.tenantId, id);
  }
}
