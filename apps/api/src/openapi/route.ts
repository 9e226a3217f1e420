import { ElegansError } from '@elegans/common';
import {
  type ArgumentMetadata,
  applyDecorators,
  Delete,
  Get,
  HttpCode,
  type PipeTransform,
  Post,
  SetMetadata,
  UsePipes,
} from '@nestjs/common';
import type { ZodObject, ZodType } from 'zod';
import type { ResponseSpec } from './responses';

export const ROUTE_SPEC = 'elegans:openapi-route';
export const ROUTE_TAG = 'elegans:openapi-tag';

/**
 * What a route takes and answers, once: the same zod schemas validate the request (the handler's
 * `@Body()`, `@Query()` and `@Param()` receive the parsed values) and become /docs/openapi.json.
 */
export interface RouteSpec {
  summary: string;
  description?: string;
  /** JSON request body, validated. */
  body?: ZodType;
  /**
   * A multipart/form-data body: streamed to disk by the service (never buffered here), so it is
   * not validated by the pipe; the service parses its text fields with the same schema.
   */
  form?: ZodObject;
  query?: ZodObject;
  /** Path parameters; those left out are documented as plain strings. */
  params?: ZodObject;
  /** Every status the route answers with its body. 401, 429 (keyed routes) and `default` are added. */
  responses: Record<number, ResponseSpec>;
}

/** OpenAPI tag of every route of a controller (class decorator). */
export const ApiTag = (name: string) => SetMetadata(ROUTE_TAG, name);

/** `@ApiGet(':id', spec)`: Nest's `@Get(':id')` plus validation and documentation from `spec`. */
export const ApiGet = (path: string, spec: RouteSpec) => route(Get(path), path, spec);
export const ApiPost = (path: string, spec: RouteSpec) => route(Post(path), path, spec);
export const ApiDelete = (path: string, spec: RouteSpec) => route(Delete(path), path, spec);

function route(method: MethodDecorator, path: string, spec: RouteSpec) {
  const success = Object.keys(spec.responses)
    .map(Number)
    .filter((s) => s >= 200 && s < 300)
    .sort((a, b) => a - b)[0];
  if (success === undefined) throw new Error(`route "${path}" (${spec.summary}) declares no 2xx response`);
  return applyDecorators(
    method,
    // The lowest success status is the default; a handler may still set another (201 vs 200).
    HttpCode(success),
    SetMetadata(ROUTE_SPEC, spec),
    UsePipes(new ZodRequestPipe(spec)),
  );
}

/**
 * Parses each bound argument with its schema: the whole body/query/params object, or one field of
 * the query/params schema for `@Query('name')` / `@Param('name')`. A failure is a 400 problem
 * naming the field (`validation_failed`). Other arguments (`@Req()`, `@Auth()`…) pass untouched.
 */
export class ZodRequestPipe implements PipeTransform {
  constructor(private readonly spec: RouteSpec) {}

  transform(value: unknown, meta: ArgumentMetadata): unknown {
    const whole =
      meta.type === 'body'
        ? this.spec.body
        : meta.type === 'query'
          ? this.spec.query
          : meta.type === 'param'
            ? this.spec.params
            : undefined;
    if (!whole) return value;
    let schema: ZodType | undefined = whole;
    if (meta.data !== undefined) {
      if (meta.type === 'body') return value;
      schema = (whole as ZodObject).shape[meta.data] as ZodType | undefined;
      if (!schema) return value;
    }
    const input = value === undefined && meta.data === undefined ? {} : value;
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const where = [meta.data, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    throw new ElegansError('validation_failed', `${where || meta.type}: ${issue.message}`);
  }
}
