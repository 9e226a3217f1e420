import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { hasPostgresServer } from './apps/server/src/postgres-server';

const alias = {
  '@elegans/common': resolve(__dirname, 'libs/common/src/index.ts'),
  // Before '@elegans/ingest': vite matches string aliases as prefixes, first entry wins.
  '@elegans/ingest/testing': resolve(__dirname, 'libs/ingest/src/testing/index.ts'),
  '@elegans/ingest': resolve(__dirname, 'libs/ingest/src/index.ts'),
  '@elegans/model': resolve(__dirname, 'libs/model/src/index.ts'),
  '@elegans/retrieval': resolve(__dirname, 'libs/retrieval/src/index.ts'),
  '@elegans/analysis': resolve(__dirname, 'libs/analysis/src/index.ts'),
  '@elegans/storage': resolve(__dirname, 'libs/storage/src/index.ts'),
};

// SWC instead of the default transformer: NestJS dependency injection needs
// emitDecoratorMetadata, which only tsc and SWC emit.
const plugins = [swc.vite({ module: { type: 'es6' } })];

/** Integration suites that run on both backends (`integration` on SQLite, `integration-pg` on PostgreSQL). */
const PG_SUITES = [
  'test/documents.test.ts',
  'test/search.test.ts',
  'test/tenancy.test.ts',
  'test/delete.test.ts',
  'test/fault-processes.test.ts',
  'test/worker-recovery.test.ts',
];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts'],
          // The storage specs run on SQLite and on a private PostgreSQL (one per run, shared with integration).
          globalSetup: ['test/setup/postgres-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts', 'test/setup/postgres-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Integration suites spawn real processes (redis, api, workers); run them one file at a time.
          fileParallelism: false,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          // The same suites on PostgreSQL (DATABASE_URL, a fresh database per suite: makeBackendEnv in
          // test/support/services.ts): the ones that matter for the backend, to keep CI time in bounds.
          name: 'integration-pg',
          // Without a PostgreSQL server (binaries or TEST_DATABASE_URL) there is nothing to run here;
          // test/setup/postgres-setup.ts says why (the unit and integration projects skip their PG variants).
          include: process.env.TEST_DATABASE_URL || hasPostgresServer() ? PG_SUITES : [],
          env: { ELEGANS_TEST_BACKEND: 'postgres' },
          globalSetup: ['test/setup/global-setup.ts', 'test/setup/postgres-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Like `integration`: vitest puts the files of projects without file parallelism into one
          // sequential group, so the two projects' suites never run beside each other either.
          fileParallelism: false,
        },
      },
    ],
  },
});
