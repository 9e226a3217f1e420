import { QueueName } from '@elegans/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { loadConfigOrExit } from '../../../shared/src/config';
import { JobRegistry } from '../jobs/job-handler';

/**
 * Worker options come from the validated environment. Short lock/stalled intervals make a
 * crashed worker's job move to another worker quickly; `autorun: false` because workers only
 * start once every job name is known to have a handler (see main.ts).
 */
function workerOptions(concurrency?: number) {
  const c = loadConfigOrExit();
  return {
    concurrency: concurrency ?? c.WORKER_CONCURRENCY,
    lockDuration: c.LOCK_DURATION_MS,
    stalledInterval: c.STALLED_INTERVAL_MS,
    maxStalledCount: 2,
    autorun: false,
  };
}

@Processor(QueueName.Documents, workerOptions())
export class DocumentsProcessor extends WorkerHost {
  constructor(private readonly registry: JobRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.registry.get(job.name)(job);
  }
}

@Processor(QueueName.Batches, workerOptions(1))
export class BatchesProcessor extends WorkerHost {
  constructor(private readonly registry: JobRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.registry.get(job.name)(job);
  }
}
