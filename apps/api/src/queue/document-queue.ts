import { documentJobId, JobName, QueueName, type ProcessDocumentPayload } from '@elegans/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../../shared/src/config';
import { CONFIG } from '../../../shared/src/storage.module';

const FINISHED = new Set(['completed', 'failed']);
const REMOVABLE = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed', 'paused']);

/** The API's side of the documents queue: enqueue, cancel, count. */
@Injectable()
export class DocumentQueue {
  constructor(
    @InjectQueue(QueueName.Documents) readonly queue: Queue,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * The deterministic id (tenant + content) makes a duplicate enqueue a no-op. A finished job
   * left over from a deleted document is removed first; if an old job for the same content is
   * still running (being cancelled), the new one gets a suffixed id instead of being swallowed.
   */
  async reserveJobId(tenantId: string, contentHash: string): Promise<string> {
    const id = documentJobId(tenantId, contentHash);
    const old = await this.queue.getJob(id);
    if (!old) return id;
    const state = await old.getState();
    if (FINISHED.has(state)) {
      try {
        await old.remove();
        return id;
      } catch {
        // locked or already gone: fall through to a fresh id
      }
    }
    return `${id}-${randomBytes(4).toString('hex')}`;
  }

  async enqueue(jobId: string, payload: ProcessDocumentPayload): Promise<void> {
    await this.queue.add(JobName.ProcessDocument, payload, {
      jobId,
      attempts: this.config.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.JOB_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
    });
  }

  /** Removes a job that has not started; returns the job's state ('active' means the worker must notice). */
  async cancel(jobId: string): Promise<string> {
    const job = await this.queue.getJob(jobId);
    if (!job) return 'missing';
    const state = await job.getState();
    if (REMOVABLE.has(state)) {
      try {
        await job.remove();
        return 'removed';
      } catch {
        return await job.getState();
      }
    }
    return state;
  }

  async waitingCount(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'paused');
  }
}
