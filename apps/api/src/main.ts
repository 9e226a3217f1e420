import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigOrExit } from '../../shared/src/config';
import { createLogger, PinoNestLogger } from '../../shared/src/logger';
import { AppModule } from './app.module';
import { problem, sendProblem, withOpenAiError } from './common/problem';
import { buildOpenApiDocument } from './openapi/document';

async function bootstrap(): Promise<void> {
  const started = performance.now();
  const config = loadConfigOrExit();
  const logger = createLogger('api', config.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Security headers (CSP, nosniff, frame-ancestors, HSTS, no referrer leaks) on every answer, errors included.
  // upgrade-insecure-requests is dropped: on plain HTTP (a LAN host, not localhost) it would send the
  // web app's own scripts to an https:// port that does not exist.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // JSON bodies (small): parsed here so that a malformed body gets a problem+json 400, not an HTML page.
  app.useBodyParser('json', { limit: '1mb' });
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const e = err as { status?: number; type?: string; message?: string };
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
    const detail = e.type === 'entity.parse.failed' ? 'malformed JSON body' : String(e.message);
    sendProblem(res, withOpenAiError(problem(status, detail), req.path));
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const t0 = performance.now();
    res.on('finish', () => {
      logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - t0) },
        'request',
      );
    });
    next();
  });

  serveWebApp(app, config.WEB_DIR ?? resolve(__dirname, '..', '..', '..', 'web'), logger);

  // /docs/openapi.json from the routes' zod schemas (the same ones that validate requests);
  // /docs is Swagger UI, served from the swagger-ui-dist package (nothing from a CDN).
  const openapi = buildOpenApiDocument(app, {
    title: 'Elegans',
    description: 'Document analysis and RAG around a liquid (CfC) recurrent network',
    version: '0.1.0',
  });
  if (openapi.undocumented.length > 0) logger.warn({ routes: openapi.undocumented }, 'routes without an OpenAPI spec');
  SwaggerModule.setup('docs', app, openapi.document as unknown as OpenAPIObject, {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  app.enableShutdownHooks();

  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, host: config.HOST, startupMs: Math.round(performance.now() - started) }, 'api listening');
}

/**
 * The web app (apps/web, built by Vite) at `/`. Static files only: paths that name no file fall
 * through to the API routes, so /v1, /docs, /health and /metrics answer as before and an unknown
 * /v1 path is still a JSON 404. The app routes with the URL hash, so no HTML fallback is needed.
 */
function serveWebApp(app: NestExpressApplication, dir: string, logger: ReturnType<typeof createLogger>): void {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ dir }, 'web app not built (npm run build); / answers 404');
    return;
  }
  app.useStaticAssets(dir, {
    index: 'index.html',
    fallthrough: true,
    redirect: false,
    setHeaders: (res, path) => {
      // Vite names assets by content hash: cache them for good; index.html is revalidated every time.
      res.setHeader(
        'Cache-Control',
        path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`elegans api: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
