import { Injectable } from '@nestjs/common';

/** Thrown inside a run whose job lock was lost: another worker now owns the job. */
export class LockLostError extends Error {
  constructor(jobId: string) {
    super(`lock lost for job ${jobId}; another worker owns it now`);
    this.name = 'LockLostError';
  }
}

/**
 * Remembers jobs whose lock this worker failed to renew (BullMQ's `lockRenewalFailed`: the lock
 * key expired, e.g. after a Redis outage, and stalled-job recovery may already have handed the
 * job to another worker). A run started before the loss must stop without touching the
 * document, or two runs of one document would race; a run started after it is the new owner.
 */
@Injectable()
export class LockWatch {
  private readonly lostAt = new Map<string, number>();

  lost(jobIds: string[]): void {
    const now = performance.now();
    for (const id of jobIds) this.lostAt.set(id, now);
  }

  /** True when the lock of `jobId` was lost after a run that started at `startedAt`. */
  isLost(jobId: string | undefined, startedAt: number): boolean {
    if (jobId === undefined) return false;
    const at = this.lostAt.get(jobId);
    return at !== undefined && at >= startedAt;
  }

  /** A run ends: drop the loss it was told about (a loss older than the run belongs to an older run). */
  forget(jobId: string | undefined, startedAt: number): void {
    if (jobId !== undefined && (this.lostAt.get(jobId) ?? -1) >= startedAt) this.lostAt.delete(jobId);
  }
}
