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
  peerDependencies: Record<string, string>;
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
      // The Redis online store's client (node-redis core, without the modules `redis` bundles).
      '@redis/client',
      // SigV4 and SHA-256 for remote signing: the SDK's own, already under @aws-sdk/client-s3.
      '@smithy/core',
      '@smithy/signature-v4',
      'ajv-formats',
      'avsc',
      'commander',
      'csv-parse',
      'fast-json-stable-stringify',
      'fastify',
      // zstd decompression of Puffin blobs (io/puffin-reader.ts): Node before 22.15 has no zstd.
      'fzstd',
      'hyparquet',
      'hyparquet-writer',
      // HyperLogLog sketches: the mergeable approximate distinct counts of feature statistics
      // (features/stats-accumulator.ts). bloom-filters' HyperLogLog, the widely used one, halves small
      // counts (1000 distinct values estimated as 487) and spends 0.4 ms per value.
      'hyperlolo',
      'jose',
      // The embedded online store (LMDB, prebuilt binaries) and the online stores' value encoding.
      'lmdb',
      'lossless-json',
      'msgpackr',
      'murmurhash3js-revisited',
      'openapi-backend',
      'p-limit',
      'parquet-wasm',
      // Parquet encode/decode on worker threads (io/parquet-pool.ts); chosen over tinypool for its
      // worker replacement after a crash and transfer of results back (Piscina.move).
      'piscina',
      // CRoaring in wasm: the portable 32-bit roaring bitmaps inside deletion vectors (io/roaring-position-bitmap.ts).
      'roaring-wasm',
      'yaml',
      'zod',
    ]);
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      // Other copies of apache-arrow, for the tests of adopting their tables, are npm aliases.
      expect(version, name).toMatch(name.startsWith('apache-arrow-') ? /^npm:apache-arrow@\d+\.\d+\.\d+$/ : /^\d+\.\d+\.\d+$/);
    }
  });

  it('takes apache-arrow as a peer dependency over the range the suite runs on, pinned for development', () => {
    // The app's copy is the one Floe uses, so Arrow objects cross the API without conversion.
    // Below 21.2.0 arrow-js writes IPC that arrow-rs (parquet-wasm) rejects for an all-null
    // boolean column (apache/arrow-js#392), so those versions cannot write Floe's files.
    expect(pkg.peerDependencies).toEqual({ 'apache-arrow': '>=21.2.0 <22.0.0' });
    expect(pkg.devDependencies['apache-arrow']).toBe('21.2.0');
    expect(Object.keys(pkg.devDependencies).filter((n) => n.startsWith('apache-arrow-')).sort()).toEqual(['apache-arrow-13', 'apache-arrow-17', 'apache-arrow-19']);
  });

  it('exports the snapshotted public surface from both entry points', () => {
    expect(Object.keys(universal).sort()).toMatchSnapshot('universal entry');
    expect(Object.keys(nodeEntry).sort()).toMatchSnapshot('node entry');
    expect(Object.keys(nodeEntry)).toEqual(expect.arrayContaining(Object.keys(universal)));
  });
});
