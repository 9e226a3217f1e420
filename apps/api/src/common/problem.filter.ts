import { isElegansError } from '@elegans/common';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { problem, sendProblem, withOpenAiError, type Problem } from './problem';

/** Every error leaves the API as a problem+json body, including Nest's own 404s and 400s. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const path = http.getRequest<Request>().path ?? '';
    const send = (r: Response, p: Problem, headers?: Record<string, string>) =>
      sendProblem(r, withOpenAiError(p, path), headers);
    if (isElegansError(exception)) {
      const status = exception.httpStatus;
      if (status >= 500)
        this.logger.error({ err: { message: exception.message, code: exception.code } }, 'request failed');
      const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      // Back-pressure: tell the client when to come back instead of letting it hammer.
      if (status === 429) headers['Retry-After'] = String(exception.details?.retryAfterSeconds ?? 5);
      // 500s hide their code (an internal detail); a 503 keeps its stable one, so a client can tell "come back later".
      const code = status >= 500 && status !== 503 ? 'internal_error' : exception.code;
      send(res, problem(status, exception.message, code), headers);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const raw =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message ?? 'error');
      const detail = Array.isArray(raw) ? raw.join('; ') : String(raw);
      send(res, problem(status, detail));
      return;
    }
    // Body-parser and other middleware errors carry an HTTP status (malformed JSON → 400, too big → 413).
    const status = (exception as { status?: unknown; statusCode?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      const detail = type === 'entity.parse.failed' ? 'malformed JSON body' : String((exception as Error).message);
      send(res, problem(status, detail));
      return;
    }
    const err = exception as Error;
    this.logger.error({ err: { name: err?.name, message: err?.message, stack: err?.stack } }, 'unhandled error');
    send(res, problem(500, 'internal error', 'internal_error'));
  }
}
