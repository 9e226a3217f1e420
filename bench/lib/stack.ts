/**
 * A throwaway deployment for benchmarks: a private redis-server (unless REDIS_URL is given), the
 * compiled API and N workers on loopback, a temporary DATA_DIR, and a tenant key. Run
 * `npm run build` first: these are the real dist/ processes, as in production.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPrivateRedis } from '../../apps/server/src/redis-server';

const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

export interface Proc {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function launch(
  entry: string,
  env: Record<string, string>,
  readyMsg: string,
): Promise<Proc & { ready: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [join(DIST, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${entry} not ready in 60 s:\n${out.slice(-2000)}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.length > 4_000_000) out = out.slice(-2_000_000);
      for (const line of out.split('\n')) {
        if (!line.includes(readyMsg)) continue;
        try {
          const j = JSON.parse(line) as Record<string, unknown>;
          if (j.msg === readyMsg) {
            clearTimeout(timer);
            proc.stdout!.off('data', onData);
            proc.stdout!.on('data', (x: Buffer) => {
              out += x.toString();
              if (out.length > 4_000_000) out = out.slice(-2_000_000);
            });
            res({ proc, log: () => out, exited, ready: j });
            return;
          }
        } catch {
          // partial line
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((c) => {
      clearTimeout(timer);
      rej(new Error(`${entry} exited with ${c} before ready:\n${out.slice(-2000)}`));
    });
  });
}

export interface Stack {
  url: string;
  key: string;
  dataDir: string;
  env: Record<string, string>;
  api: Proc;
  workers: Proc[];
  /** Each worker's DATA_DIR (all `dataDir` unless `ownDataDirs`). */
  workerDataDirs: string[];
  stop(): Promise<void>;
}

/**
 * `ownDataDirs`: every worker gets a DATA_DIR of its own, as on separate machines (with DATABASE_URL
 * nothing is shared through the disk then; without it the workers could not see the API's files).
 */
export async function startStack(opts: {
  workers: number;
  env?: Record<string, string>;
  ownDataDirs?: boolean;
}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'elegans-bench-'));
  const redis = process.env.REDIS_URL ? null : await startPrivateRedis(dataDir, { persist: false });
  const redisUrl = process.env.REDIS_URL ?? redis!.url;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const r = spawnSync(
    process.execPath,
    [join(DIST, 'apps/cli/src/main.js'), 'keys', 'create', '--tenant', 'bench', '--json'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`keys create failed: ${r.stderr}`);
  const key = (JSON.parse(r.stdout) as { key: string }).key;
  const api = await launch('apps/api/src/main.js', env, 'api listening');
  const workerDataDirs = Array.from({ length: opts.workers }, () =>
    opts.ownDataDirs ? mkdtempSync(join(tmpdir(), 'elegans-bench-worker-')) : dataDir,
  );
  const workers = await Promise.all(
    workerDataDirs.map((dir) => launch('apps/worker/src/main.js', { ...env, DATA_DIR: dir }, 'worker ready')),
  );
  const url = `http://127.0.0.1:${api.ready.port as number}`;
  return {
    url,
    key,
    dataDir,
    env,
    api,
    workers,
    workerDataDirs,
    async stop() {
      for (const p of [api, ...workers])
        if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
      await Promise.all([api, ...workers].map((p) => p.exited));
      await redis?.stop();
      for (const dir of new Set([dataDir, ...workerDataDirs])) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Peak RSS of the process and of all its descendants (worker threads share the pid; piscina pools too). */
export function treeRssMb(pid: number): number {
  let total = rssMb(pid) ?? 0;
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const k of kids) total += treeRssMb(Number(k));
  } catch {
    // no children
  }
  return total;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
