/**
 * Stable error codes. Clients and job results rely on these strings: never rename one,
 * only add. Each maps to an HTTP status for the API and to "recoverable or not" for jobs.
 */
export const ErrorCode = {
  // request problems (4xx)
  Unauthorized: 'unauthorized',
  /** A valid key without the right: a tenant key on an admin route. */
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  BadRequest: 'bad_request',
  ValidationFailed: 'validation_failed',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  RateLimited: 'rate_limited',
  QueueFull: 'queue_full',
  // document problems (a failed job, never retried)
  PdfPasswordRequired: 'pdf_password_required',
  PdfCorrupt: 'pdf_corrupt',
  NoTextLayer: 'no_text_layer',
  EmptyDocument: 'empty_document',
  UnsupportedFormat: 'unsupported_format',
  DocxCorrupt: 'docx_corrupt',
  TooManyPages: 'too_many_pages',
  TooLarge: 'too_large',
  ParseTimeout: 'parse_timeout',
  ParseFailed: 'parse_failed',
  // infrastructure (retried)
  Internal: 'internal_error',
  Cancelled: 'cancelled',
  /** A part the request needs is not available now (the liquid model for /v1/embeddings). */
  ServiceUnavailable: 'service_unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  bad_request: 400,
  validation_failed: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  queue_full: 429,
  service_unavailable: 503,
};

/** Errors that describe the input itself: retrying cannot help, so jobs fail at once. */
const PERMANENT = new Set<ErrorCode>([
  'pdf_password_required',
  'pdf_corrupt',
  'no_text_layer',
  'empty_document',
  'unsupported_format',
  'docx_corrupt',
  'too_many_pages',
  'too_large',
  'parse_timeout',
  'parse_failed',
  'unsupported_media_type',
  'payload_too_large',
  'cancelled',
]);

export class ElegansError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ElegansError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code] ?? 500;
  }

  get permanent(): boolean {
    return PERMANENT.has(this.code);
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isElegansError(err: unknown): err is ElegansError {
  return (
    err instanceof ElegansError ||
    (typeof err === 'object' &&
      err !== null &&
      (err as { name?: string }).name === 'ElegansError' &&
      typeof (err as { code?: unknown }).code === 'string')
  );
}
