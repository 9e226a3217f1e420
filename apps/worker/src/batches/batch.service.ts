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
    const db = this.storage.sqlite;
    const batch = db.prepare('SELECT id FROM batches WHERE id = ? AND tenant_id = ?').get(batchId, tenantId);
    if (!batch) throw new UnrecoverableError('cancelled: batch no longer exists');
    const rows = db
      .prepare(
        `SELECT d.status AS status, count(*) AS n FROM batch_items b JOIN documents d ON d.id = b.document_id
         WHERE b.batch_id = ? GROUP BY d.status`,
      )
      .all(batchId) as { status: string; n: number }[];
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const status = (byStatus.failed ?? 0) > 0 ? 'completed_with_errors' : 'completed';
    db.prepare('UPDATE batches SET status = ?, updated_at = ? WHERE id = ?').run(
      status,
      new Date().toISOString(),
      batchId,
    );
    this.logger.info({ batchId, byStatus }, 'batch finalized');
    return { batchId, status, byStatus };
  }
}
