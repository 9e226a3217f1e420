import { Injectable } from '@nestjs/common';
import type { PipelineStage, StageContext } from './stage';

/**
 * Writes passages into the retrieval index (libs/retrieval: FTS5 + vectors). Owned by the
 * retrieval work; disabled (skipped, not faked) until it lands.
 */
@Injectable()
export class IndexStage implements PipelineStage {
  readonly name = 'indexing' as const;

  enabled(): boolean {
    return false;
  }

  async run(_ctx: StageContext): Promise<void> {
    // Not implemented yet: see enabled().
  }
}
