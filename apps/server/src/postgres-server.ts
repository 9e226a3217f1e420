import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

/** Debian's postgresql-15 keeps its server binaries off PATH. */
export const PG_BIN_DIR = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export const POSTGRES_INSTALL_HINT = `PostgreSQL server binaries not found in ${PG_BIN_DIR}: install them (Debian/Ubuntu: sudo apt-get install postgresql-15) or set PG_BIN_DIR`;

export function hasPostgresServer(): boolean {
  return existsSync(join(PG_BIN_DIR, 'initdb')) && existsSync(join(PG_BIN_DIR, 'pg_ctl'));
}

export interface PrivatePostgres {
  /** Superuser URL of the `postgres` database (trust auth on loopback only). */
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and starts it again on the same port and data: the fault tests' restart. */
  restart(): Promise<void>;
  /** The two halves of restart, for a fault test that acts while the server is down. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * initdb and postgres refuse to run as root, so as root both run as the `postgres` system user
 * (created by Debian's package) over a temporary directory it owns; otherwise as the caller.
 */
function runAs(): { uid: number; gid: number; wrap: (cmd: string[]) => string[] } | null {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0)
    throw new Error(
      'running as root: PostgreSQL needs the non-root "postgres" user (apt-get install postgresql-15 creates it)',
    );
  return {
    uid: Number(id.stdout.trim()),
    gid: Number(gid.stdout.trim()),
    wrap: (cmd) => ['runuser', '-u', 'postgres', '--', ...cmd],
  };
}

function run(cmd: string[], what: string): void {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0)
    throw new Error(`${what} failed (${r.status}): ${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
}

/**
 * A throwaway PostgreSQL 15 server for the test suites and benchmarks: initdb into a temporary
 * directory, a free loopback port, the socket in the same directory, fsync off (nothing here must
 * survive a power cut). Resolves once it accepts connections (`pg_ctl -w`).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!hasPostgresServer()) throw new Error(POSTGRES_INSTALL_HINT);
  const as = runAs();
  const wrap = as?.wrap ?? ((cmd: string[]) => cmd);
  const dir = mkdtempSync(join(tmpdir(), 'elegans-pg-'));
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  run(
    wrap([join(PG_BIN_DIR, 'initdb'), '-D', data, '-U', 'elegans', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']),
    'initdb',
  );
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const pgCtl = (...args: string[]) => wrap([join(PG_BIN_DIR, 'pg_ctl'), '-D', data, ...args]);
  const start = () => run(pgCtl('-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'), 'pg_ctl start');
  const stop = () => run(pgCtl('-m', 'fast', '-w', '-t', '60', 'stop'), 'pg_ctl stop');
  start();
  let running = true;
  return {
    url: `postgres://elegans@127.0.0.1:${port}/postgres`,
    port,
    restart: async () => {
      stop();
      start();
    },
    halt: async () => stop(),
    resume: async () => start(),
    stop: async () => {
      if (running) {
        running = false;
        try {
          stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    },
  };
}
