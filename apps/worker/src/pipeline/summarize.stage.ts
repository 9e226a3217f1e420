import { Injectable } from '@nestjs/common';
import type { PipelineStage, StageContext } from './stage';

/**
 * Builds the document summary (libs/analysis) and stores it as a `results` row. Owned by the
 * analysis work; disabled (skipped, not faked) until it lands.
 */
@Injectable()
export class SummarizeStage implements PipelineStage {
  readonly name = 'summarizing' as const;

  enabled(): boolean {
    return false;
  }

  async run(_ctx: StageContext): Promise<void> {
    // Not implemented yet: see enabled().
  }
}
