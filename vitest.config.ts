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
    reporters: ['default'],
  },
});
