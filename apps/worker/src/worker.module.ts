import { QueueName } from '@elegans/common';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Logger } from 'pino';
import type { Config } from '../../shared/src/config';
import { createRedis } from '../../shared/src/redis';
import { LOGGER, StorageModule } from '../../shared/src/storage.module';
import { BatchService } from './batches/batch.service';
import { JobRegistry } from './jobs/job-handler';
import { LockWatch } from './jobs/lock-watch';
import { EmbedStage } from './pipeline/embed.stage';
import { IndexStage } from './pipeline/index.stage';
import { ParseStage } from './pipeline/parse.stage';
import { METRICS_REDIS, PipelineService } from './pipeline/pipeline.service';
import { PIPELINE_STAGES } from './pipeline/stage';
import { SummarizeStage } from './pipeline/summarize.stage';
import { BatchesProcessor, DocumentsProcessor } from './processors/processors';

@Module({})
export class WorkerModule {
  static forRoot(config: Config, logger: Logger): DynamicModule {
    const redis = createRedis(config.REDIS_URL, 'elegans-worker');
    return {
      module: WorkerModule,
      imports: [
        DiscoveryModule,
        StorageModule.forRoot(config),
        BullModule.forRoot({ connection: redis, prefix: config.QUEUE_PREFIX }),
        BullModule.registerQueue({ name: QueueName.Documents }, { name: QueueName.Batches }),
      ],
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: METRICS_REDIS, useValue: redis },
        ParseStage,
        EmbedStage,
        IndexStage,
        SummarizeStage,
        {
          // Pipeline order. Each stage is its own provider so its owner can inject what it needs.
          provide: PIPELINE_STAGES,
          inject: [ParseStage, EmbedStage, IndexStage, SummarizeStage],
          useFactory: (...stages: unknown[]) => stages,
        },
        JobRegistry,
        LockWatch,
        PipelineService,
        BatchService,
        DocumentsProcessor,
        BatchesProcessor,
      ],
    };
  }
}
