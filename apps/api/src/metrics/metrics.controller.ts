import { QueueName } from '@elegans/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Header, Inject } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Config } from '../../../shared/src/config';
import { readPipelineMetrics, renderPipelineMetrics } from '../../../shared/src/pipeline-metrics';
import { CONFIG } from '../../../shared/src/storage.module';
import { Public } from '../auth/auth.guard';
import { text } from '../openapi/responses';
import { UploadSlots } from '../queue/upload-slots';
import { ApiGet, ApiTag } from '../openapi/route';

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'paused'] as const;

/**
 * Prometheus metrics. Queue depth is read from BullMQ at scrape time; stage durations and tokens
 * come from the Redis aggregates the workers write (see shared/pipeline-metrics), so every API
 * replica reports the same cluster-wide numbers.
 */
@ApiTag('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(
    @InjectQueue(QueueName.Documents) private readonly queue: Queue,
    @Inject(CONFIG) private readonly config: Config,
    slots: UploadSlots,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'elegans_api_' });
    const q = this.queue;
    new Gauge({
      name: 'elegans_jobs',
      help: 'Document jobs by BullMQ state.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const counts = await q.getJobCounts(...JOB_STATES);
        for (const s of JOB_STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
      },
    });
    new Gauge({
      name: 'elegans_uploads_in_flight',
      help: 'Uploads being received by any API replica (their slots count against QUEUE_MAX_WAITING).',
      registers: [this.registry],
      async collect() {
        this.set(await slots.count());
      },
    });
  }

  @ApiGet('', {
    summary: 'Prometheus metrics (queue depth, stage durations, tokens)',
    responses: { 200: text('text/plain', 'Prometheus text exposition format 0.0.4') },
  })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const client = (await this.queue.client) as unknown as Redis;
    const [base, pipeline] = await Promise.all([
      this.registry.metrics(),
      readPipelineMetrics(client, this.config.QUEUE_PREFIX),
    ]);
    return base + renderPipelineMetrics(pipeline);
  }
}
