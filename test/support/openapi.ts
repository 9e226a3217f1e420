import { NestFactory } from '@nestjs/core';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AppModule } from '../../apps/api/src/app.module';
import { UNDOCUMENTED_PREFIXES } from '../../apps/api/src/openapi/document';
import { parseConfig } from '../../apps/shared/src/config';
import { createLogger } from '../../apps/shared/src/logger';

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
        requestBody?: { content?: Record<string, { schema?: unknown }> };
      }
    >
  >;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * Every route Express serves for the application module, as `METHOD /path/{param}`: built
 * in-process (no listening socket) and read from Express's own router, not from Nest's metadata,
 * so a route the OpenAPI builder does not see still shows up. Operator routes (/admin) excluded.
 */
export async function servedRoutes(vars: Record<string, string>): Promise<string[]> {
  const config = parseConfig({ ...vars, LOG_LEVEL: 'silent' });
  const app = await NestFactory.create(AppModule.forRoot(config, createLogger('api', 'silent')), { logger: false });
  try {
    await app.init();
    interface Layer {
      route?: { path: string; methods: Record<string, boolean> };
    }
    const express = app.getHttpAdapter().getInstance() as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } };
    return (express.router ?? express._router)!.stack
      .filter((l) => l.route)
      .flatMap((l) =>
        Object.keys(l.route!.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${l.route!.path.replace(/:(\w+)/g, '{$1}')}`),
      )
      .filter((r) => !UNDOCUMENTED_PREFIXES.some((p) => r.split(' ')[1]!.startsWith(p)))
      .sort();
  } finally {
    await app.close();
  }
}

const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

/**
 * Validates bodies against the published document with Ajv (JSON Schema 2020-12, OpenAPI 3.1's
 * dialect): what a client generator reads, not the zod source, so a conversion slip shows too.
 */
export class PublishedSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi.json');
  }

  /** The validator of one response body; throws when the document has no schema for it. */
  response(path: string, method: string, status: number, mediaType: string): ValidateFunction {
    const responses = this.doc.paths[path]?.[method]?.responses ?? {};
    const key = responses[String(status)] ? String(status) : 'default';
    if (!responses[key]?.content?.[mediaType]?.schema) {
      throw new Error(`no ${mediaType} schema for ${method.toUpperCase()} ${path} → ${status}`);
    }
    const ref = `openapi.json#/${pointer('paths', path, method, 'responses', key, 'content', mediaType, 'schema')}`;
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, v);
    }
    return v;
  }

  /** Ajv's errors for `body` (empty when it matches). */
  errors(path: string, method: string, status: number, mediaType: string, body: unknown): string[] {
    const v = this.response(path, method, status, mediaType);
    return v(body)
      ? []
      : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
