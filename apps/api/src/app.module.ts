import { QueueName } from '@elegans/common';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import type { Config } from '../../shared/src/config';
import { createRedis } from '../../shared/src/redis';
import { LOGGER, StorageModule } from '../../shared/src/storage.module';
import { AdminModule } from './admin/admin.module';
import { AskController } from './ask/ask.controller';
import { AskService } from './ask/ask.service';
import { AuthGuard } from './auth/auth.guard';
import { BATCH_FLOW, BatchesService } from './batches/batches.service';
import { BatchesController } from './batches/batches.controller';
import { ChatController } from './chat/chat.controller';
import { ChatService } from './chat/chat.service';
import { ContentController } from './content/content.controller';
import { ContentService } from './content/content.service';
import { EmbeddingsController } from './embeddings/embeddings.controller';
import { EmbeddingsService } from './embeddings/embeddings.service';
import { QueryModel } from './model/query-model';
import { QueryRetrieval } from './retrieval/query-retrieval';
import { ModelsController } from './models/models.controller';
import { ModelsService } from './models/models.service';
import { ProblemFilter } from './common/problem.filter';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsService } from './documents/documents.service';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { SecurityModule } from './security/security.module';
import { DocumentQueue } from './queue/document-queue';
import { UploadSlots } from './queue/upload-slots';
import { DocumentIntake } from './documents/document-intake';
import { SummariesController } from './summaries/summaries.controller';
import { SummariesService } from './summaries/summaries.service';
import { SearchController } from './search/search.controller';
import { SearchService } from './search/search.service';

@Module({})
export class AppModule {
  static forRoot(config: Config, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StorageModule.forRoot(config),
        BullModule.forRoot({ connection: createRedis(config.REDIS_URL, 'elegans-api'), prefix: config.QUEUE_PREFIX }),
        BullModule.registerQueue({ name: QueueName.Documents }, { name: QueueName.Batches }),
        SecurityModule.forRoot(config, logger),
        BullModule.registerFlowProducer({ name: BATCH_FLOW }),
        AdminModule,
      ],
      controllers: [
        DocumentsController,
        SummariesController,
        ContentController,
        BatchesController,
        AskController,
        ChatController,
        ModelsController,
        EmbeddingsController,
        SearchController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useFactory: () => new ProblemFilter(logger) },
        DocumentsService,
        DocumentQueue,
        {
          // Its own connection: slot commands queue while Redis is away, like the queue's, without
          // waiting behind BullMQ's blocking calls.
          provide: UploadSlots,
          useFactory: () =>
            new UploadSlots(
              createRedis(config.REDIS_URL, 'elegans-upload-slots'),
              config.QUEUE_PREFIX,
              config.UPLOAD_SLOT_LEASE_MS,
              logger,
            ),
        },
        DocumentIntake,
        SummariesService,
        ContentService,
        BatchesService,
        AskService,
        ChatService,
        ModelsService,
        QueryModel,
        QueryRetrieval,
        EmbeddingsService,
        SearchService,
      ],
    };
  }
}
