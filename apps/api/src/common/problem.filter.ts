import { isElegansError } from '@elegans/common';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { problem, sendProblem } from './problem';

/** Every error leaves the API as a problem+json body, including Nest's own 404s and 400s. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (isElegansError(exception)) {
      const status = exception.httpStatus;
      if (status >= 500)
        this.logger.error({ err: { message: exception.message, code: exception.code } }, 'request failed');
      const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      // Back-pressure: tell the client when to come back instead of letting it hammer.
      if (status === 429) headers['Retry-After'] = String(exception.details?.retryAfterSeconds ?? 5);
      sendProblem(res, problem(status, exception.message, status >= 500 ? 'internal_error' : exception.code), headers);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const raw =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message ?? 'error');
      const detail = Array.isArray(raw) ? raw.join('; ') : String(raw);
      sendProblem(res, problem(status, detail));
      return;
    }
    // Body-parser and other middleware errors carry an HTTP status (malformed JSON → 400, too big → 413).
    const status = (exception as { status?: unknown; statusCode?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      const detail = type === 'entity.parse.failed' ? 'malformed JSON body' : String((exception as Error).message);
      sendProblem(res, problem(status, detail));
      return;
    }
    const err = exception as Error;
    this.logger.error({ err: { name: err?.name, message: err?.message, stack: err?.stack } }, 'unhandled error');
    sendProblem(res, problem(500, 'internal error', 'internal_error'));
  }
}
