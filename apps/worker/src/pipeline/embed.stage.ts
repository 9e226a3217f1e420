import { Injectable } from '@nestjs/common';
import type { PipelineStage, StageContext } from './stage';

/**
 * Streams the document through the liquid model (libs/model): sentence/passage vectors and the
 * final document state. Owned by the model work; until it lands this stage is disabled and the
 * pipeline skips it honestly (no placeholder vectors).
 */
@Injectable()
export class EmbedStage implements PipelineStage {
  readonly name = 'embedding' as const;

  enabled(): boolean {
    return false;
  }

  async run(_ctx: StageContext): Promise<void> {
    // Not implemented yet: see enabled().
  }
}
