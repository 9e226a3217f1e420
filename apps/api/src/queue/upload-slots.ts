import { ElegansError } from '@elegans/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';

/**
 * Takes a slot: drops the slots whose lease ran out (their replica died or lost Redis for longer
 * than the lease), adds this one with a fresh lease, and returns how many are held now, this one
 * included. Redis's own clock (TIME), so replicas with skewed clocks agree on what has expired.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
return redis.call('ZCARD', KEYS[1])
`;

/** Renews the leases of every slot this replica still holds (re-adding one a peer purged meanwhile). */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
end
return #ARGV - 1
`;

/** Counts the live slots (expired ones are not counted, and dropped). */
const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
`;

export interface UploadSlot {
  /** Slots held across every API replica when this one was taken, this one included. */
  readonly held: number;
  /** Gives the slot back; idempotent, never throws (a slot that cannot be removed expires with its lease). */
  release(): Promise<void>;
}

/**
 * Uploads being received, counted across every API replica in one Redis sorted set
 * (`<QUEUE_PREFIX>:uploads:in-flight`): member = a slot token, score = its lease's end (Redis time,
 * ms). Each replica renews the leases of its own slots every lease/3, so a replica that is killed
 * (or cut off from Redis) stops renewing and its slots drop out of the count once their lease
 * ends: a crash cannot leak capacity for more than UPLOAD_SLOT_LEASE_MS.
 */
export class UploadSlots implements OnApplicationShutdown {
  private readonly key: string;
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly mine = new Set<string>();
  private seq = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly leaseMs: number,
    private readonly logger?: Logger,
  ) {
    this.key = `${prefix}:uploads:in-flight`;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  async acquire(): Promise<UploadSlot> {
    if (this.closed) throw new Error('upload slots closed');
    const token = `${this.owner}:${++this.seq}`;
    // Held locally first: a renewal that runs while ACQUIRE is in flight covers it too.
    this.mine.add(token);
    let held: number;
    try {
      held = Number(await this.redis.eval(ACQUIRE, 1, this.key, String(this.leaseMs), token));
    } catch (err) {
      this.mine.delete(token);
      throw err;
    }
    let released = false;
    return {
      held,
      release: async () => {
        if (released) return;
        released = true;
        // Removed from the local set before ZREM is sent: a later renewal cannot bring it back, and
        // one sent earlier on this same connection is applied before the ZREM.
        this.mine.delete(token);
        await this.redis.zrem(this.key, token).then(
          () => undefined,
          (err: unknown) =>
            this.logger?.warn({ err: { message: (err as Error).message } }, 'upload slot release failed'),
        );
      },
    };
  }

  /** Slots held across every replica now. */
  async count(): Promise<number> {
    return Number(await this.redis.eval(COUNT, 1, this.key));
  }

  private async renew(): Promise<void> {
    if (this.mine.size === 0 || this.closed) return;
    try {
      await this.redis.eval(RENEW, 1, this.key, String(this.leaseMs), ...this.mine);
    } catch (err) {
      this.logger?.warn({ err: { message: (err as Error).message } }, 'upload slot renewal failed');
    }
  }

  /** Nest shutdown (SIGTERM): this replica's slots are given back at once, then its connection closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Stops renewing; `release` (the default) also removes this replica's slots at once. */
  async close(opts: { release?: boolean } = {}): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const left = [...this.mine];
    this.mine.clear();
    if ((opts.release ?? true) && left.length > 0) await this.redis.zrem(this.key, ...left).catch(() => undefined);
  }
}

/**
 * Back-pressure at the start of an upload (single or batch): takes a slot, then refuses (429
 * queue_full + Retry-After) when waiting jobs plus every replica's uploads in flight pass
 * QUEUE_MAX_WAITING. Uploads still being received count as waiting: otherwise every upload in flight
 * passes the check together and the queue overshoots the limit by the number of connections.
 * The slot is counted before the queue is read, and a finishing upload enqueues before it gives its
 * slot back, so an upload in between is counted at least once (never missed; at worst twice).
 */
export async function takeUploadSlot(
  slots: UploadSlots,
  queue: { waitingCount(): Promise<number> },
  config: { QUEUE_MAX_WAITING: number; QUEUE_RETRY_AFTER_S: number },
): Promise<UploadSlot> {
  const slot = await slots.acquire();
  let waiting: number;
  try {
    waiting = await queue.waitingCount();
  } catch (err) {
    await slot.release();
    throw err;
  }
  // `held` includes this upload: the others in flight are held - 1.
  if (waiting + slot.held - 1 >= config.QUEUE_MAX_WAITING) {
    await slot.release();
    throw new ElegansError('queue_full', 'too many documents waiting; retry later', {
      retryAfterSeconds: config.QUEUE_RETRY_AFTER_S,
    });
  }
  return slot;
}
