import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** What @nestjs/throttler expects back from a storage (its ThrottlerStorageRecord). */
export interface ThrottleRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Fixed window per key, plus a block once the limit is passed; one round trip, atomic in Redis so
 * every API replica shares the same counters. Returns [hits, windowPttl, blocked, blockPttl].
 */
const SCRIPT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) , redis.call('PTTL', KEYS[1]), 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
local pttl = redis.call('PTTL', KEYS[1])
if pttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  pttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, pttl, 1, tonumber(ARGV[3])}
end
return {hits, pttl, 0, 0}
`;

/**
 * ThrottlerStorage on ioredis (no extra dependency: one Lua script). When Redis does not answer,
 * requests are let through (fail open): a rate limiter must not turn a Redis restart into an
 * outage of every read; the queue's own back-pressure still guards uploads.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private lastWarn = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<ThrottleRecord> {
    const k = `${this.prefix}:ratelimit:${name}:${key}`;
    try {
      const [hits, pttl, blocked, blockPttl] = (await this.redis.eval(
        SCRIPT,
        2,
        k,
        `${k}:blocked`,
        String(Math.max(1, Math.round(ttl))),
        String(limit),
        String(Math.max(1, Math.round(blockDuration || ttl))),
      )) as [number, number, number, number];
      return {
        totalHits: hits,
        timeToExpire: Math.max(0, Math.ceil(pttl / 1000)),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.max(1, Math.ceil(blockPttl / 1000)),
      };
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarn > 10_000) {
        this.lastWarn = now;
        this.logger.warn({ err: { message: (err as Error).message } }, 'rate limiter: redis unavailable, failing open');
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
