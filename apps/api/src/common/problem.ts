import { ErrorCode } from '@elegans/common';
import type { Response } from 'express';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
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
  403: ErrorCode.Forbidden,
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
  /** OpenAI's error object, on the OpenAI-compatible routes only (see `withOpenAiError`). */
  error?: { message: string; type: string; param: null; code: string };
}

/** Routes that OpenAI SDKs and chat frontends call. */
const OPENAI_COMPATIBLE = /^\/v1\/(?:embeddings|chat\/completions|models)(?:\/|$)/;

/**
 * The openai clients read an error's text from the body's `error.message` only; without it they
 * report "400 status code (no body)". On the OpenAI-compatible routes the problem body therefore
 * also carries OpenAI's `error` object (an RFC 9457 extension member) with the same detail and code.
 */
export function withOpenAiError(p: Problem, path: string): Problem {
  if (!OPENAI_COMPATIBLE.test(path)) return p;
  return { ...p, error: { message: p.detail, type: p.code, param: null, code: p.code } };
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
