import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import IORedis, { type Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../../shared/src/config';
import { RateLimitGuard } from './rate-limit.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { StagingSweeper } from './staging-sweeper';

const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

@Injectable()
class RateLimitRedisCloser implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Hardening of the HTTP edge: per-key rate limits shared by every API replica (counters in Redis;
 * RATE_LIMIT_MAX=0 turns them off, e.g. behind a gateway that already limits) and the sweep of
 * upload staging files left by a crashed API. Security headers (helmet) are set in main.ts.
 */
@Module({})
export class SecurityModule {
  static forRoot(config: Config, logger: Logger): DynamicModule {
    const sweeper = {
      provide: StagingSweeper,
      useFactory: () => new StagingSweeper(config.DATA_DIR, config.UPLOAD_TMP_MAX_AGE_MS, logger),
    };
    if (config.RATE_LIMIT_MAX === 0) return { module: SecurityModule, providers: [sweeper] };
    // Its own connection, failing fast (1 retry) instead of queueing while Redis is away: the
    // storage then fails open rather than holding every request until Redis returns.
    const redis = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: 1, connectionName: 'elegans-ratelimit' });
    return {
      module: SecurityModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: config.RATE_LIMIT_WINDOW_MS, limit: config.RATE_LIMIT_MAX }],
          storage: new RedisThrottlerStorage(redis, config.QUEUE_PREFIX, logger),
          errorMessage: `rate limit: at most ${config.RATE_LIMIT_MAX} requests per ${config.RATE_LIMIT_WINDOW_MS} ms per API key`,
        }),
      ],
      providers: [
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: RATE_LIMIT_REDIS, useValue: redis },
        RateLimitRedisCloser,
        sweeper,
      ],
    };
  }
}
