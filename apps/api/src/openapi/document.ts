import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { z, type ZodObject } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { PUBLIC_ROUTE } from '../auth/auth.guard';
import { problem, type ResponseSpec } from './responses';
import { ROUTE_SPEC, ROUTE_TAG, type RouteSpec } from './route';

/** Routes kept out of the public document (operator tools behind the admin key). */
export const UNDOCUMENTED_PREFIXES = ['/admin'];

export interface MountedRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/v1/documents/{id}`. */
  path: string;
  operationId: string;
  tag: string | undefined;
  isPublic: boolean;
  spec: RouteSpec | undefined;
}

const METHODS: Partial<Record<RequestMethod, MountedRoute['method']>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every controller route of the application, read from Nest's own route metadata. */
export function mountedRoutes(app: INestApplication): MountedRoute[] {
  const routes: MountedRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
      const tag = Reflect.getMetadata(ROUTE_TAG, controller) as string | undefined;
      const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        if (path === undefined || !method) continue;
        routes.push({
          method,
          path: joinPath(base ?? '', path).replace(/:(\w+)/g, '{$1}'),
          operationId: `${controller.name.replace(/Controller$/, '')}.${name}`,
          tag,
          isPublic: classPublic || Reflect.getMetadata(PUBLIC_ROUTE, handler) === true,
          spec: Reflect.getMetadata(ROUTE_SPEC, handler) as RouteSpec | undefined,
        });
      }
    }
  }
  return routes;
}

function response(r: ResponseSpec): ZodOpenApiResponseObject {
  return {
    description: r.description,
    ...(r.content
      ? { content: Object.fromEntries(Object.entries(r.content).map(([type, schema]) => [type, { schema }])) }
      : {}),
  };
}

function operation(route: MountedRoute, spec: RouteSpec): ZodOpenApiOperationObject {
  // Path parameters the spec leaves out are still declared (OpenAPI requires each one).
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const declared = spec.params?.shape ?? {};
  const params: ZodObject | undefined = names.length
    ? z.object(Object.fromEntries(names.map((n) => [n, declared[n] ?? z.string()])))
    : undefined;
  const responses: Record<string, ResponseSpec> = Object.fromEntries(
    Object.entries(spec.responses).map(([s, r]) => [s, r]),
  );
  if (!route.isPublic) {
    responses['401'] ??= problem(401);
    responses['429'] ??= problem(429);
  }
  return {
    operationId: route.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(route.tag ? { tags: [route.tag] } : {}),
    security: route.isPublic ? [] : [{ bearer: [] }],
    ...(params || spec.query
      ? { requestParams: { ...(params ? { path: params } : {}), ...(spec.query ? { query: spec.query } : {}) } }
      : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    ...(spec.form
      ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: spec.form } } } }
      : {}),
    responses: {
      ...Object.fromEntries(Object.entries(responses).map(([s, r]) => [s, response(r)])),
      default: response(problem(500, 'Any other error (problem+json)')),
    },
  };
}

export interface OpenApiBuild {
  document: oas31.OpenAPIObject;
  /** Mounted routes without a spec (left out of the document; the route-coverage test fails on them). */
  undocumented: string[];
}

/**
 * The OpenAPI 3.1 document of the running application, built from the routes Nest mounted and the
 * zod schemas their `@ApiGet/@ApiPost/@ApiDelete` specs declare (zod-openapi converts them).
 */
export function buildOpenApiDocument(
  app: INestApplication,
  info: { title: string; version: string; description: string },
): OpenApiBuild {
  const paths: ZodOpenApiPathsObject = {};
  const undocumented: string[] = [];
  for (const route of mountedRoutes(app)) {
    if (UNDOCUMENTED_PREFIXES.some((p) => route.path === p || route.path.startsWith(`${p}/`))) continue;
    if (!route.spec) {
      undocumented.push(`${route.method.toUpperCase()} ${route.path}`);
      continue;
    }
    (paths[route.path] ??= {})[route.method] = operation(route, route.spec);
  }
  const document = createDocument({
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key (elegans keys create)' } },
    },
  });
  return { document, undocumented };
}
