import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** Where global-setup compiled the apps (a private copy of dist/). */
    distDir: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRedis(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}`);
    try {
      const out = execSync(`redis-cli -p ${port} ping`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (out.trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not answer PING within 15 s');
}

const ROOT = resolve(__dirname, '..', '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles into a private `.test-dist-<pid>` beside dist/ (same depth, so lookups that walk up to
 * the repository root still work): the suites then run exactly this build, even while someone
 * else rebuilds dist/ in the same tree.
 */
function build(): string {
  for (const name of readdirSync(ROOT)) {
    const m = /^\.test-dist-(\d+)$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(ROOT, name), { recursive: true, force: true });
  }
  const outDir = join(ROOT, `.test-dist-${process.pid}`);
  // tsc emits even with type errors elsewhere in the tree; the suites then exercise what was built.
  try {
    execSync(`npx tsc -p tsconfig.build.json --outDir ${outDir}`, { cwd: ROOT, stdio: 'ignore' });
  } catch {
    process.stderr.write('global-setup: tsc reported errors (output was still emitted)\n');
  }
  execSync(`npx tsc-alias -p tsconfig.build.json --outDir ${outDir}`, { cwd: ROOT, stdio: 'inherit' });
  return outDir;
}

/**
 * Integration setup: build (tests run the real compiled processes), then start a private
 * redis-server on a free port unless REDIS_URL points at one already.
 */
export default async function setup(project: TestProject) {
  const distDir = build();
  project.provide('distDir', distDir);
  const removeBuild = () => rmSync(distDir, { recursive: true, force: true });

  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return removeBuild;
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'elegans-test-redis-'));
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    redis.once('spawn', resolve);
    redis.once('error', (err) =>
      reject(
        new Error(
          `cannot start redis-server (${err.message}); install it (apt-get install redis-server) or set REDIS_URL`,
        ),
      ),
    );
  });
  await waitForRedis(port, redis);
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  return async () => {
    redis.kill('SIGTERM');
    await new Promise((r) => redis.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
    removeBuild();
  };
}
