import { ElegansError } from '@elegans/common';
import { hashApiKey, type Storage } from '@elegans/storage';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { STORAGE } from '../../../shared/src/storage.module';

export const PUBLIC_ROUTE = 'elegans:public';
const PUBLIC = PUBLIC_ROUTE;
/** Routes anyone may call (health, metrics). Everything else needs a key. */
export const Public = () => SetMetadata(PUBLIC, true);

export interface AuthContext {
  tenantId: string;
  keyId: string;
}

export type AuthedRequest = Request & { auth?: AuthContext };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * `Authorization: Bearer <key>`: the key is hashed and looked up; the tenant it belongs to scopes
 * every read and write of the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const m = BEARER.exec(req.headers.authorization ?? '');
    if (!m) throw new ElegansError('unauthorized', 'missing bearer token: send Authorization: Bearer <api key>');
    const key = await this.storage.apiKeys.findActiveByHash(hashApiKey(m[1]!));
    if (!key) throw new ElegansError('unauthorized', 'invalid or revoked API key');
    req.auth = { tenantId: key.tenantId, keyId: key.id };
    // last_used_at at most once a minute per key: auth must not turn every read into a write.
    const now = Date.now();
    if ((this.touched.get(key.id) ?? 0) < now - 60_000) {
      this.touched.set(key.id, now);
      await this.storage.apiKeys.touch(key.id);
    }
    return true;
  }
}
