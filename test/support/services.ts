import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPgDatabase } from '@elegans/storage';
import { inject } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
/** Compiled entry point under the build that global-setup made for this run. */
export const entry = (path: string) => join(inject('distDir'), path);
const API_MAIN = () => entry('apps/api/src/main.js');
const WORKER_MAIN = () => entry('apps/worker/src/main.js');
const CLI_MAIN = () => entry('apps/cli/src/main.js');

/**
 * The storage backend of the backend-neutral suites (those that call `makeBackendEnv`): SQLite, or
 * PostgreSQL in the `integration-pg` project (ELEGANS_TEST_BACKEND=postgres, see vitest.config.ts).
 */
export type Backend = 'sqlite' | 'postgres';
export const testBackend: Backend = process.env.ELEGANS_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** One isolated deployment per suite: its own DATA_DIR, SQLite file (or PostgreSQL database) and Redis key prefix. */
export interface Env {
  dataDir: string;
  dbPath: string;
  /** DATABASE_URL of the suite's own PostgreSQL database; null on SQLite. */
  databaseUrl: string | null;
  prefix: string;
  redisUrl: string;
  vars: Record<string, string>;
  cleanup(): void;
}

export function makeEnv(overrides: Record<string, string> = {}): Env {
  const dataDir = mkdtempSync(join(tmpdir(), 'elegans-it-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const redisUrl = inject('redisUrl');
  const vars: Record<string, string> = {
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    SSE_POLL_MS: '50',
    JOB_BACKOFF_MS: '200',
    ...overrides,
  };
  return {
    dataDir,
    dbPath: join(dataDir, 'elegans.db'),
    databaseUrl: vars.DATABASE_URL ?? null,
    prefix,
    redisUrl,
    vars,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * makeEnv on the run's backend (testBackend): on PostgreSQL a fresh database of its own on the run's
 * server (test/setup/postgres-setup.ts), given to every process as DATABASE_URL. Suites that use it
 * read and write the database through test/support/db.ts's backend-neutral helpers.
 */
export async function makeBackendEnv(overrides: Record<string, string> = {}): Promise<Env> {
  if (testBackend === 'sqlite') return makeEnv(overrides);
  const server = inject('postgresUrl');
  if (!server) throw new Error('ELEGANS_TEST_BACKEND=postgres, but no PostgreSQL server (see postgres-setup)');
  const url = await createPgDatabase(server, `it_${randomBytes(6).toString('hex')}`);
  return makeEnv({ DATABASE_URL: url, ...overrides });
}

export interface Service {
  proc: ChildProcess;
  /** Everything the process wrote (JSON log lines), for assertions and failure messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
}

function launch(entry: string, env: Env, extra: Record<string, string>, readyMsg: string, timeoutMs = 60_000) {
  const proc = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env.vars, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = new Promise<Record<string, unknown>>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.includes(readyMsg)) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.msg === readyMsg) {
            clearTimeout(timer);
            resolveReady(parsed);
          }
        } catch {
          // partial line
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before ready:\n${out}`));
    });
  });
  const service: Service = {
    proc,
    output: () => out,
    exited: () => exit,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exit;
    },
  };
  return { service, ready };
}

export interface Api extends Service {
  url: string;
}

export async function startApi(env: Env, extra: Record<string, string> = {}): Promise<Api> {
  const { service, ready } = launch(API_MAIN(), env, extra, 'api listening');
  const info = await ready;
  return { ...service, url: `http://127.0.0.1:${info.port as number}` };
}

export async function startWorker(env: Env, extra: Record<string, string> = {}): Promise<Service> {
  const { service, ready } = launch(WORKER_MAIN(), env, extra, 'worker ready');
  await ready;
  return service;
}

/** Creates a tenant key through the real CLI (`elegans keys create --tenant T --json`); `admin` adds --admin. */
export function createKey(env: Env, tenant: string, opts: { admin?: boolean } = {}): string {
  const args = [CLI_MAIN(), 'keys', 'create', '--tenant', tenant, '--json', ...(opts.admin ? ['--admin'] : [])];
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env.vars },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`keys create failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { key: string }).key;
}
