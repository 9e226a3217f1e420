import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

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
    ],
  },
});
