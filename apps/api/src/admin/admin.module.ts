import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { QueueName } from '@elegans/common';
import type { Storage } from '@elegans/storage';
import { Module } from '@nestjs/common';
import { STORAGE } from '../../../shared/src/storage.module';
import { adminAuth } from './admin-auth';

/** Where Bull Board is mounted; outside /v1 and outside the OpenAPI document (it is not an API of ours). */
export const ADMIN_QUEUES_ROUTE = '/admin/queues';

/** Bull Board's own Express app, without the header that names the framework (main.ts drops it for ours). */
class BoardAdapter extends ExpressAdapter {
  constructor() {
    super();
    (this.getRouter() as { disable(setting: string): void }).disable('x-powered-by');
  }
}

/**
 * Bull Board (@bull-board/nestjs) at /admin/queues over the `documents` and `batches` queues, behind
 * `adminAuth`: only admin keys open it. The board's HTML, its assets and its JSON API are all routes
 * of one Express sub-app that Nest mounts as middleware, so the auth runs as middleware in front of it
 * (Nest guards never see these routes).
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      useFactory: (storage: Storage) => ({
        route: ADMIN_QUEUES_ROUTE,
        adapter: BoardAdapter,
        middleware: adminAuth(storage),
        boardOptions: { uiConfig: { boardTitle: 'Elegans queues' } },
      }),
      inject: [STORAGE],
    }),
    BullBoardModule.forFeature(
      { name: QueueName.Documents, adapter: BullMQAdapter },
      { name: QueueName.Batches, adapter: BullMQAdapter },
    ),
  ],
})
export class AdminModule {}
