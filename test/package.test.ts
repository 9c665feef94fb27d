/**
 * Package hygiene (STYLE §2, after hyparquet's test/package.test.js): runtime dependencies are
 * the chosen few, pinned exactly; both entry points export exactly the snapshotted names, so a
 * change of the public surface is a visible diff.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as universal from '../src/index.js';
import * as nodeEntry from '../src/node.js';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as {
  name: string;
  type: string;
  engines: Record<string, string>;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('package', () => {
  it('is an ESM package named floe with a floe binary, for the Node versions CI tests', () => {
    expect(pkg.name).toBe('floe');
    expect(pkg.type).toBe('module');
    // The floor of `engines` is the oldest Node that .ci/run installs and runs the suite on, so
    // the promise is tested rather than hoped for.
    const ciVersions = /NODE_VERSIONS=\(\$\{FLOE_CI_NODE_VERSIONS:-([^}]+)\}\)/.exec(readFileSync(path.resolve(__dirname, '../.ci/run'), 'utf8'));
    expect(ciVersions, '.ci/run names the Node versions it tests').not.toBeNull();
    const tested = ciVersions![1]!.trim().split(/\s+/);
    expect(pkg.engines['node']).toBe(`>=${tested[0]}`);
    expect(tested.map((v) => Number(v.split('.')[0]))).toEqual(expect.arrayContaining([22, 24]));
    expect(pkg.bin['floe']).toBe('./bin/floe.js');
    expect(Object.keys(pkg.exports['.'] as object)[0]).toBe('types');
  });

  it('has exactly the chosen runtime dependencies, each pinned', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@aws-sdk/client-s3',
      'ajv-formats',
      'apache-arrow',
      'avsc',
      'commander',
      'csv-parse',
      'fast-json-stable-stringify',
      'fastify',
      'lossless-json',
      'murmurhash3js-revisited',
      'openapi-backend',
      'p-limit',
      'parquet-wasm',
      'yaml',
      'zod',
    ]);
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('exports the snapshotted public surface from both entry points', () => {
    expect(Object.keys(universal).sort()).toMatchSnapshot('universal entry');
    expect(Object.keys(nodeEntry).sort()).toMatchSnapshot('node entry');
    expect(Object.keys(nodeEntry)).toEqual(expect.arrayContaining(Object.keys(universal)));
  });
});
