import { JobName, type FinalizeBatchPayload } from '@elegans/common';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER, STORAGE } from '../../../shared/src/storage.module';
import { OnJob } from '../jobs/job-handler';

/**
 * FlowProducer parent of a batch: BullMQ runs it once every child document job has settled.
 * It records the batch's final tally from the documents' own statuses.
 */
@Injectable()
export class BatchService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob(JobName.FinalizeBatch)
  async finalize(job: Job<FinalizeBatchPayload>) {
    const { batchId, tenantId } = job.data;
    const batch = await this.storage.batches.getForTenant(tenantId, batchId);
    if (!batch) throw new UnrecoverableError('cancelled: batch no longer exists');
    const byStatus = await this.storage.batches.countDocumentsByStatus(batchId);
    const status = (byStatus.failed ?? 0) > 0 ? 'completed_with_errors' : 'completed';
    await this.storage.batches.setStatus(batchId, status);
    this.logger.info({ batchId, byStatus }, 'batch finalized');
    return { batchId, status, byStatus };
  }
}
