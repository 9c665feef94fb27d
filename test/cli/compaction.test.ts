/**
 * `floe compact` and `floe rewrite-manifests` (in process, on a local warehouse): `--json`
 * parses and says what was rewritten, the rows stay the same, and a bad flag value is refused
 * naming the flag with nothing committed.
 */
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/node.js';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { runFloe } from './in-process.js';
import { tempDir } from './support.js';

const uri = pathToFileURL(tempDir()).href;
const floe = (...args: string[]) => runFloe(['--warehouse', uri, ...args]);

async function version(): Promise<number> {
  const wh = await Warehouse.open(uri);
  return (await wh.loadTable('ml.c')).version;
}

async function rowLines(): Promise<string[]> {
  return (await floe('--json', 'scan', 'ml.c')).stdout.trim().split('\n').sort();
}

beforeAll(async () => {
  const wh = await Warehouse.open(uri);
  await wh.createNamespace('ml');
  const t = await wh.createTable('ml.c', TABLE_SCHEMA);
  for (let i = 0; i < 6; i++) await t.append(rows(i, 0, 3));
});

describe('floe compact and rewrite-manifests', () => {
  it('refuses a bad --target-file-size, --min-input-files or --sort-by, naming it, and commits nothing', async () => {
    const before = await version();
    for (const [flag, value] of [['--target-file-size', '12 parsecs'], ['--target-file-size', '0'], ['--min-input-files', '-1'], ['--sort-by', 'nope']] as const) {
      const r = await floe('compact', 'ml.c', flag, value);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(flag === '--sort-by' ? 'sortBy' : flag);
    }
    expect(await version()).toBe(before);
  });

  it('compacts (--json), then rewrites the manifests, keeping the rows', async () => {
    const before = await rowLines();
    const r = await floe('--json', 'compact', 'ml.c', '--target-file-size', '64MiB', '--sort-by', 'seq DESC');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { rewrittenDataFiles: number; addedDataFiles: number; snapshotId: string | null };
    expect(out).toMatchObject({ rewrittenDataFiles: 6, addedDataFiles: 1 });
    expect(out.snapshotId).toMatch(/^\d+$/);
    expect(await rowLines()).toEqual(before);
    const again = await floe('compact', 'ml.c');
    expect(again.stdout).toContain('nothing to compact in ml.c');

    const m = await floe('--json', 'rewrite-manifests', 'ml.c');
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ rewrittenManifests: 2, addedManifests: 1 });
    expect((await floe('rewrite-manifests', 'ml.c')).stdout).toContain('nothing to rewrite');
    expect(await rowLines()).toEqual(before);
  });
});
