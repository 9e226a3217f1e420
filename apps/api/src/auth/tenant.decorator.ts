import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthContext, AuthedRequest } from './auth.guard';

/** The authenticated tenant's context; set by AuthGuard. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Error('Auth used on a public route');
  return auth;
});
