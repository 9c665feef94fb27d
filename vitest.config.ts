import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `floe` resolves to the sources so that tests of the public surface import the package by
// name (as users do) without a build step in between.
export default defineConfig({
  resolve: {
    alias: { floe: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores, i.e. one on a 2-core CI machine; most
    // files wait on the S3 server, child processes or sockets, so two share the cores well.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default'],
  },
});
