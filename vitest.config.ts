import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The files that take longest on a 2-core machine: multi-process commit load and kill -9 trials,
 * the `floe` binary started per command, and governance flows that hash secrets at full scrypt
 * cost. `FLOE_TEST_SCOPE=quick` leaves them out. CI runs the whole suite on the floor of
 * package.json `engines` and the quick scope on the newest Node LTS (.ci/run), as what these files
 * exercise is Floe's own protocol, not the runtime; `npm test` runs everything.
 */
const LONG = [
  'test/catalog/rest/commit-load.test.ts',
  'test/commit/kill9.test.ts',
  'test/transaction/stream-soak.test.ts',
  'test/commit/commit-conformance.test.ts',
  'test/cli/{append,scan,governance,create,evolve,refs,inspect,help,catalog,s3,serve}.test.ts',
  'test/docs/readme-code.test.ts',
  'test/governance/{audit,matrix,column-row-policies,tokens,management,ml-assets}.test.ts',
  'test/api/public-surface.test.ts',
  'test/catalog/rest/{planning,protocol-catalog,commit-outcomes}.test.ts',
  'test/store/{local-fs,s3-remote-signing}.test.ts',
];

const scope = process.env['FLOE_TEST_SCOPE'];
if (scope !== undefined && scope !== 'quick' && scope !== 'all') throw new Error(`FLOE_TEST_SCOPE must be quick or all, not ${JSON.stringify(scope)}`);

// `floe` resolves to the sources so that tests of the public surface import the package by
// name (as users do) without a build step in between.
export default defineConfig({
  resolve: {
    alias: { floe: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(scope === 'quick' ? LONG : [])],
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
