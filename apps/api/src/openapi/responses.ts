import type { ZodType } from 'zod';
import { z } from 'zod';
import { problemSchema } from '../common/problem.schemas';

/**
 * One documented response of a route. `content` maps media types to the zod schema of the body;
 * no content means no body (204).
 */
export interface ResponseSpec {
  description: string;
  content?: Record<string, ZodType>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request (problem+json names the field)',
  401: 'Missing, invalid or revoked API key',
  404: 'Not found for this tenant',
  413: 'Upload over MAX_UPLOAD_MB',
  415: 'Unsupported media type',
  429: 'Rate limited or queue full (Retry-After says when to come back)',
  503: 'A dependency is down',
};

/** A JSON body. */
export const json = (schema: ZodType, description = 'OK'): ResponseSpec => ({
  description,
  content: { 'application/json': schema },
});

/** The problem+json error body, for one status. */
export const problem = (status: number, description = STATUS_TEXT[status] ?? 'Error'): ResponseSpec => ({
  description,
  content: { 'application/problem+json': problemSchema },
});

/** Error responses of many statuses at once: `...problems(400, 404)`. */
export const problems = (...statuses: number[]): Record<number, ResponseSpec> =>
  Object.fromEntries(statuses.map((s) => [s, problem(s)]));

/** No body (204). */
export const empty = (description: string): ResponseSpec => ({ description });

const bytes = z.string().meta({ format: 'binary', description: 'the raw bytes' });

/** A file download: the same binary schema under each media type it may have. */
export const binary = (mediaTypes: string[], description: string): ResponseSpec => ({
  description,
  content: Object.fromEntries(mediaTypes.map((t) => [t, bytes])),
});

/**
 * Server-Sent Events. `frame` describes one event as `{event, data}`: `event` is the SSE event
 * name, `data` the JSON carried in its `data:` line (see the route's description for the order).
 */
export const eventStream = (frame: ZodType, description: string): ResponseSpec => ({
  description,
  content: { 'text/event-stream': frame },
});

/** Newline-delimited JSON: `line` is the schema of each line. */
export const ndjson = (line: ZodType, description: string): ResponseSpec => ({
  description,
  content: { 'application/x-ndjson': line },
});

/** Plain text (Prometheus exposition format and the like). */
export const text = (mediaType: string, description: string): ResponseSpec => ({
  description,
  content: { [mediaType]: z.string() },
});
