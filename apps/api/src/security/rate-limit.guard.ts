import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { PUBLIC_ROUTE, type AuthedRequest } from '../auth/auth.guard';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Per-API-key rate limit over all routes together (not per route). The tracker is the key's id
 * when AuthGuard already ran, else a hash of the bearer token (so the order of the global guards
 * does not matter and the raw key never becomes a Redis key), else the client address.
 * Public routes (health, metrics, docs) are not limited: probes must always answer.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()]) === true;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    if (r.auth) return `key:${r.auth.keyId}`;
    const m = BEARER.exec(r.headers?.authorization ?? '');
    if (m) return `token:${createHash('sha256').update(m[1]!).digest('hex').slice(0, 32)}`;
    return `ip:${String(r.ip)}`;
  }

  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
