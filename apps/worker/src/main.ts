import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '../../shared/src/config';
import { createLogger, PinoNestLogger } from '../../shared/src/logger';
import { JobRegistry } from './jobs/job-handler';
import { LockWatch } from './jobs/lock-watch';
import { BatchesProcessor, DocumentsProcessor } from './processors/processors';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const started = performance.now();
  const config = loadConfigOrExit();
  const logger = createLogger('worker', config.LOG_LEVEL);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
  });

  // Refuse to start with a job name nobody handles (it would only fail at runtime, per job).
  const registry = app.get(JobRegistry);
  registry.discover();
  registry.validate();

  const locks = app.get(LockWatch);
  const workers = [app.get(DocumentsProcessor).worker, app.get(BatchesProcessor).worker];
  for (const w of workers) {
    w.on('error', (err) => logger.error({ err: { message: err.message } }, 'worker error'));
    w.on('failed', (job, err) => logger.info({ jobId: job?.id, reason: err.message }, 'job failed'));
    w.on('lockRenewalFailed', (jobIds) => {
      logger.warn({ jobIds }, 'job lock lost');
      locks.lost(jobIds);
    });
    void w.run();
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  logger.info(
    { concurrency: config.WORKER_CONCURRENCY, startupMs: Math.round(performance.now() - started) },
    'worker ready',
  );

  // SIGTERM: stop taking jobs and let the active ones finish. If they outlast the timeout, exit
  // anyway: their locks expire and another worker takes them over (stalled-job recovery).
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    setTimeout(() => {
      logger.warn('shutdown timeout: leaving active jobs to stalled-job recovery');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    // Workers first (close() waits for active jobs), then the rest (database, Redis).
    Promise.all(workers.map((w) => w.close()))
      .then(() => app.close())
      .then(() => {
        logger.info('worker stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err: { message: (err as Error).message } }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`elegans worker: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
