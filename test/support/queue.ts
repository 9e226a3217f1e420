import type { Queue } from 'bullmq';
import { expect } from 'vitest';

/**
 * Waits until the queue shows exactly `n` completed jobs and nothing failed, waiting, active or
 * delayed. A document reads ready as soon as its row says so; BullMQ records its job as completed
 * one round trip later, so reading the counts once can catch the last job still active.
 */
export async function expectAllJobsCompleted(queue: Queue, n: number, timeoutMs = 30_000): Promise<void> {
  await expect
    .poll(() => queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed'), {
      timeout: timeoutMs,
      interval: 250,
    })
    .toMatchObject({ completed: n, failed: 0, waiting: 0, active: 0, delayed: 0 });
}
