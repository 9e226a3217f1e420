import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigOrExit } from '../../shared/src/config';
import { createLogger } from '../../shared/src/logger';
import { prepareDatabase } from './dev-key';
import { hasRedisServer, REDIS_INSTALL_HINT, startPrivateRedis, type PrivateRedis } from './redis-server';

/**
 * `npm start`: the whole service on one machine with no setup. Uses REDIS_URL when given, else
 * a private redis-server; then runs the API and one worker as child processes (the same entry
 * points docker-compose runs separately) and stops everything together.
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfigOrExit();
  const logger = createLogger('server', config.LOG_LEVEL);
  mkdirSync(config.DATA_DIR, { recursive: true });

  let redis: PrivateRedis | null = null;
  let redisUrl = process.env.REDIS_URL || '';
  if (!redisUrl) {
    if (!hasRedisServer()) {
      process.stderr.write(`elegans: ${REDIS_INSTALL_HINT}\n`);
      process.exit(1);
    }
    redis = await startPrivateRedis(config.DATA_DIR);
    redisUrl = redis.url;
    logger.info({ redis: redisUrl, dir: join(config.DATA_DIR, 'redis') }, 'private redis-server started');
  }

  const { key, keyFile } = await prepareDatabase(config);
  if (key) {
    // Printed once, on the first start; afterwards it is only in the 0600 file.
    process.stdout.write(
      `\n  Development API key (tenant "dev"), shown once and saved to ${keyFile}:\n\n    ${key}\n\n`,
    );
  } else if (existsSync(keyFile)) {
    process.stdout.write(`Development API key: cat ${keyFile}\n`);
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const env = { ...process.env, REDIS_URL: redisUrl };
  const run = (name: string, entry: string) => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', entry)], { env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ child: name, code, signal }, 'child process exited; stopping');
      void shutdown(1);
    });
    children.push(child);
  };
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await redis?.stop();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  run('api', 'api/src/main.js');
  run('worker', 'worker/src/main.js');

  // Ready when the API answers /health/ready (Redis and the database reachable).
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  const base = `http://${host}:${config.PORT}`;
  const deadline = Date.now() + 60_000;
  while (!stopping && Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) {
        logger.info({ url: base, startupMs: Math.round(performance.now() - started) }, 'elegans ready');
        process.stdout.write(`Elegans is ready at ${base} (docs: ${base}/docs). Ctrl-C stops it.\n`);
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!stopping) {
    logger.error('the API did not become ready within 60 s');
    await shutdown(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`elegans: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
