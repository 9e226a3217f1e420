import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import {
  hasPostgresServer,
  POSTGRES_INSTALL_HINT,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../../apps/server/src/postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's private PostgreSQL; null when its binaries are not installed. */
    postgresUrl: string | null;
  }
}

/** Shared by the unit and integration projects of one `vitest run` (both global setups run in this process). */
const KEY = Symbol.for('elegans.test.postgres');
interface Shared {
  users: number;
  server: Promise<PrivatePostgres>;
}
const shared = globalThis as unknown as Record<symbol, Shared | undefined>;

/**
 * One private PostgreSQL 15 per test run (initdb into a temp folder, a free port), like the private
 * Redis: suites create their own databases on it. TEST_DATABASE_URL points at an existing server
 * instead. Without the binaries the PostgreSQL variants skip, and this says why once.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  if (!hasPostgresServer()) {
    process.stderr.write(`postgres-setup: ${POSTGRES_INSTALL_HINT}; PostgreSQL variants are skipped\n`);
    project.provide('postgresUrl', null);
    return;
  }
  const entry = (shared[KEY] ??= { users: 0, server: startPrivatePostgres() });
  entry.users++;
  const server = await entry.server;
  project.provide('postgresUrl', server.url);
  return async () => {
    if (--entry.users > 0) return;
    shared[KEY] = undefined;
    await server.stop();
  };
}
