import {
  DocumentStatus,
  ElegansError,
  isElegansError,
  JobName,
  stageProgress,
  type ProcessDocumentPayload,
  type ReindexDocumentPayload,
} from '@elegans/common';
import type { DocumentRecord } from '@elegans/storage';
import type { AppStorage } from '../../../shared/src/app-storage';
import { Inject, Injectable } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import { addTokensStreamed, recordStageDuration } from '../../../shared/src/pipeline-metrics';
import { CONFIG, LOGGER, STORAGE } from '../../../shared/src/storage.module';
import { OnJob } from '../jobs/job-handler';
import { LockLostError, LockWatch } from '../jobs/lock-watch';
import { PIPELINE_STAGES, type PipelineStage, type StageContext, type StageName } from './stage';

export const METRICS_REDIS = Symbol('METRICS_REDIS');

/** Progress writes are throttled: enough for a smooth bar, few enough not to hammer SQLite. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Runs a document through its stages (parse → embed → index → summarize), mirroring status and
 * progress into the document row and the BullMQ job. Deletion is cancellation: every progress
 * report checks the row still exists and stops the job when it does not.
 */
@Injectable()
export class PipelineService {
  constructor(
    @Inject(STORAGE) private readonly storage: AppStorage,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PIPELINE_STAGES) private readonly stages: PipelineStage[],
    @Inject(METRICS_REDIS) private readonly redis: Redis,
    private readonly locks: LockWatch,
  ) {}

  @OnJob(JobName.ProcessDocument)
  async processDocument(job: Job<ProcessDocumentPayload>) {
    return this.run(job, job.data.documentId, job.data.tenantId, this.stages);
  }

  /** Re-runs the stages after parsing on the stored parse (e.g. after a model change). */
  @OnJob(JobName.ReindexDocument)
  async reindexDocument(job: Job<ReindexDocumentPayload>) {
    return this.run(
      job,
      job.data.documentId,
      job.data.tenantId,
      this.stages.filter((s) => s.name !== 'parsing'),
    );
  }

  private async run(job: Job, documentId: string, tenantId: string, stages: PipelineStage[]) {
    const log = this.logger.child({ jobId: job.id, documentId, attempt: job.attemptsMade + 1 });
    const doc = await this.storage.documents.getById(documentId);
    if (!doc || doc.tenantId !== tenantId) {
      log.info('document no longer exists; job dropped');
      throw new UnrecoverableError('cancelled: document was deleted');
    }
    const startedAt = performance.now();
    try {
      const result = await this.runStages(job, doc, stages, log, startedAt);
      return result;
    } catch (err) {
      if (err instanceof LockLostError || this.locks.isLost(job.id, startedAt)) {
        // Not ours any more: leave the document to the run that owns the job now.
        log.warn('job lock lost; this run stops and leaves the document to the new owner');
        throw err;
      }
      throw await this.handleFailure(job, doc, err, log);
    } finally {
      this.locks.forget(job.id, startedAt);
    }
  }

  private async runStages(job: Job, doc: DocumentRecord, stages: PipelineStage[], log: Logger, startedAt: number) {
    const id = doc.id;
    const timings: Record<string, number> = {};
    let tokens = 0;
    const alive = async (written: boolean) => {
      if (!written) throw new ElegansError('cancelled', 'document was deleted while processing');
      if (this.locks.isLost(job.id, startedAt)) throw new LockLostError(String(job.id));
    };
    await alive(await this.storage.documents.update(id, { attempts: job.attemptsMade + 1, error: null }));

    const ctx: StageContext = {
      document: doc,
      job,
      storage: this.storage,
      logger: log,
      parsed: null,
      progress: async () => undefined,
      enterStage: async () => undefined,
      addTokens: async (count: number) => {
        tokens += count;
        await addTokensStreamed(this.redis, this.config.QUEUE_PREFIX, count);
      },
    };
    if (!stages.some((s) => s.name === 'parsing')) {
      ctx.parsed = await this.storage.content.loadParsed(id);
      if (!ctx.parsed) throw new ElegansError('parse_failed', 'no stored parse to reindex; upload the document again');
    }

    const started = performance.now();
    let current: StageName | null = null;
    let stageStart = 0;
    let lastWrite = 0;
    let lastValue = -1;
    const endStage = async (): Promise<void> => {
      if (!current) return;
      const ms = Math.round(performance.now() - stageStart);
      timings[current] = ms;
      await alive(
        await this.storage.documents.update(id, { timings: { ...timings }, progress: stageProgress(current, 1) }),
      );
      await recordStageDuration(this.redis, this.config.QUEUE_PREFIX, current, ms / 1000);
      log.info({ stage: current, ms }, 'stage done');
      current = null;
    };
    const beginStage = async (name: StageName): Promise<void> => {
      await endStage();
      current = name;
      stageStart = performance.now();
      lastWrite = 0;
      lastValue = -1;
      await alive(await this.storage.documents.update(id, { status: name, progress: stageProgress(name, 0) }));
      await job.updateProgress(stageProgress(name, 0));
    };
    ctx.progress = async (fraction: number) => {
      if (!current) return;
      const value = stageProgress(current, fraction);
      const now = performance.now();
      if (value === lastValue || now - lastWrite < PROGRESS_INTERVAL_MS) {
        // Still a cancellation point, cheaply: a primary-key lookup.
        if (now - lastWrite >= PROGRESS_INTERVAL_MS) await alive((await this.storage.documents.getById(id)) !== null);
        return;
      }
      lastWrite = now;
      lastValue = value;
      await alive(await this.storage.documents.update(id, { progress: value }));
      await job.updateProgress(value);
    };
    ctx.enterStage = beginStage;
    for (const stage of stages) {
      if (!stage.enabled()) continue;
      await beginStage(stage.name);
      await stage.run(ctx);
      await endStage();
    }
    timings.total = Math.round(performance.now() - started);
    await alive(
      await this.storage.documents.update(id, {
        status: DocumentStatus.Ready,
        progress: 100,
        timings,
        ...((ctx.documentTokens ?? tokens) > 0 ? { tokenCount: ctx.documentTokens ?? tokens } : {}),
      }),
    );
    await job.updateProgress(100);
    log.info({ ms: timings.total }, 'document ready');
    return { documentId: id, status: DocumentStatus.Ready, timings };
  }

  /**
   * Input errors (ElegansError.permanent) fail the document at once with their stable code and
   * stop BullMQ from retrying. Anything else is retried with backoff; the document is only marked
   * failed once the last attempt has failed.
   */
  private async handleFailure(job: Job, doc: DocumentRecord, err: unknown, log: Logger): Promise<Error> {
    // Whatever the error, a document deleted meanwhile means cancellation (its blob may have
    // vanished under the parser, which would otherwise read as a parse failure).
    const gone = (await this.storage.documents.getById(doc.id)) === null;
    if (gone || (isElegansError(err) && err.code === 'cancelled')) {
      log.info('document deleted during processing; job stopped');
      return new UnrecoverableError(`cancelled: ${toError(err).message}`);
    }
    const attempts = job.opts.attempts ?? 1;
    const permanent = isElegansError(err) && err.permanent;
    const lastAttempt = job.attemptsMade + 1 >= attempts;
    const code = isElegansError(err) ? err.code : 'internal_error';
    const message = isElegansError(err) ? err.message : 'internal error while processing the document';
    if (permanent || lastAttempt) {
      await this.storage.documents.update(doc.id, { status: DocumentStatus.Failed, error: { code, message } });
      log.warn({ code, permanent, err: isElegansError(err) ? undefined : describe(err) }, 'document failed');
      return permanent ? new UnrecoverableError(`${code}: ${message}`) : toError(err);
    }
    log.warn({ code, err: describe(err) }, 'attempt failed; will retry');
    await this.storage.documents.update(doc.id, { status: DocumentStatus.Queued });
    return toError(err);
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function describe(err: unknown) {
  const e = toError(err);
  return { name: e.name, message: e.message, stack: e.stack };
}
