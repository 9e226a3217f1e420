import { execSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startPrivateRedis } from '../../apps/server/src/redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** Where global-setup compiled the apps (a private copy of dist/). */
    distDir: string;
  }
}

// One private-redis starter for the service, the suites and the benchmarks.
export { freePort } from '../../apps/server/src/redis-server';

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

/** Shared by the integration projects of one `vitest run` (SQLite and PostgreSQL): one build, one Redis. */
const KEY = Symbol.for('elegans.test.integration');
interface Shared {
  users: number;
  started: Promise<{ distDir: string; redisUrl: string; teardown: () => Promise<void> }>;
}
const shared = globalThis as unknown as Record<symbol, Shared | undefined>;

/**
 * Integration setup: build (tests run the real compiled processes), then start a private
 * redis-server on a free port unless REDIS_URL points at one already.
 */
export default async function setup(project: TestProject) {
  const entry = (shared[KEY] ??= { users: 0, started: start() });
  entry.users++;
  const { distDir, redisUrl, teardown } = await entry.started;
  project.provide('distDir', distDir);
  project.provide('redisUrl', redisUrl);
  return async () => {
    if (--entry.users > 0) return;
    shared[KEY] = undefined;
    await teardown();
  };
}

async function start(): Promise<{ distDir: string; redisUrl: string; teardown: () => Promise<void> }> {
  const distDir = build();
  const removeBuild = () => rmSync(distDir, { recursive: true, force: true });

  if (process.env.REDIS_URL) {
    return { distDir, redisUrl: process.env.REDIS_URL, teardown: async () => removeBuild() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'elegans-test-redis-'));
  const redis = await startPrivateRedis(dir, { persist: false });
  return {
    distDir,
    redisUrl: redis.url,
    teardown: async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
      removeBuild();
    },
  };
}
