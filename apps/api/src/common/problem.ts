import { ErrorCode } from '@elegans/common';
import type { Response } from 'express';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const CODE_FOR_STATUS: Record<number, string> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

/** RFC 9457 problem body; `code` is the stable machine-readable part. */
export function problem(status: number, detail: string, code?: string): Problem {
  const c = code ?? CODE_FOR_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest);
  return { type: `https://elegans.dev/problems/${c}`, title: TITLES[status] ?? 'Error', status, detail, code: c };
}

export function sendProblem(res: Response, p: Problem, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}
