import { QueueName } from '@elegans/common';
import type { Storage } from '@elegans/storage';
import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Inject, Res } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Response } from 'express';
import { STORAGE } from '../../../shared/src/storage.module';
import { Public } from '../auth/auth.guard';
import { problem, sendProblem } from '../common/problem';
import { json, problem as problemResponse } from '../openapi/responses';
import { ApiGet, ApiTag } from '../openapi/route';
import { liveSchema, readySchema } from './health.schemas';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

@ApiTag('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @InjectQueue(QueueName.Documents) private readonly queue: Queue,
  ) {}

  @ApiGet('live', { summary: 'The process is up (no dependencies checked)', responses: { 200: json(liveSchema) } })
  live() {
    return { status: 'ok' };
  }

  @ApiGet('ready', {
    summary: 'Ready to serve: Redis answers PING and the database answers a query',
    responses: { 200: json(readySchema), 503: problemResponse(503, 'Not ready: the detail names the failing checks') },
  })
  async ready(@Res() res: Response) {
    const checks: Record<string, string> = {};
    try {
      const client = (await within(1000, this.queue.client)) as unknown as Redis;
      checks.redis = (await within(1000, client.ping())) === 'PONG' ? 'ok' : 'unexpected reply';
    } catch (err) {
      checks.redis = (err as Error).message;
    }
    try {
      await within(1000, this.storage.ping());
      checks.database = 'ok';
    } catch (err) {
      checks.database = (err as Error).message;
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    if (ok) {
      res.status(200).json({ status: 'ok', checks });
      return;
    }
    const failing = Object.entries(checks)
      .filter(([, v]) => v !== 'ok')
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    sendProblem(res, problem(503, `not ready: ${failing}`, 'not_ready'));
  }
}
