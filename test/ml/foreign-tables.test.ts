/**
 * Datasets over tables other engines wrote (the shared fixtures): row-group reads apply position
 * and equality deletes exactly as a scan does, and a spec re-opens from the table's location.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dataset, Table } from 'floe';
import { collect } from './fixtures.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/iceberg');

function rowsOf(batches: readonly { toArray(): unknown[] }[]): string[] {
  return batches.flatMap((b) => b.toArray().map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
}

describe('datasets over foreign tables', () => {
  for (const name of ['java_bunnies', 'spark_bunnies']) {
    it(`${name}: every snapshot's dataset equals its scan, in 1 or 3 shards`, async () => {
      const dir = path.join(FIXTURES, name);
      const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { locationRemap: { recordedPrefix: string; localPath: string }[] };
      const remap = Object.fromEntries(expected.locationRemap.map((r) => [r.recordedPrefix, pathToFileURL(path.join(dir, r.localPath)).href]));
      const table = await Table.load(pathToFileURL(dir).href, { remap });
      for (const snap of table.snapshots()) {
        const scanRows = rowsOf(await collect(table.scan({ snapshotId: snap.snapshotId }).batches()));
        const ds = await table.dataset({ snapshotId: snap.snapshotId, batchSize: 4 });
        expect(rowsOf(await collect(ds.reader()))).toEqual(scanRows);
        const sharded = (await Promise.all([0, 1, 2].map(async (worker) => rowsOf(await collect(ds.shard({ workers: 3, worker }).reader()))))).flat();
        expect([...sharded].sort()).toEqual([...scanRows].sort());
        const again = await Dataset.fromSpec(JSON.stringify(ds.spec), { remap });
        expect(rowsOf(await collect(again.reader()))).toEqual(scanRows);
      }
    });
  }
});
