/**
 * Compaction (spec/maintenance.md §M4) on one table at a time: the rows are the same before and
 * after, one `replace` snapshot swaps the files, small files are bin-packed per partition, a
 * sorted rewrite lets stats pruning skip files on the sort key, and bad options are refused
 * with the table unchanged.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Table, Warehouse, instrumented, openLocation } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { prng } from '../support/prng.js';
import { rowSet } from './support.js';

let counter = 0;
async function table(appends: number, options: { partitionBy?: string; perAppend?: number } = {}): Promise<Table> {
  const wh = await Warehouse.open(`memory://compaction-${process.pid}-${++counter}`);
  await wh.createNamespace('m');
  const t = await wh.createTable('m.t', TABLE_SCHEMA, options.partitionBy ? { partitionBy: options.partitionBy } : {});
  for (let w = 0; w < appends; w++) await t.append(rows(w, 0, options.perAppend ?? 4, w % 2 === 0 ? 'even' : 'odd'));
  return t;
}

async function fileCount(t: Table): Promise<number> {
  return (await t.scan().planFiles()).tasks.length;
}

describe('rewriteDataFiles', () => {
  it('bin-packs small files into one replace snapshot with the same rows and Java summary counts', async () => {
    const t = await table(8);
    const before = await rowSet(t);
    const parent = t.currentSnapshot()!;
    const result = await t.rewriteDataFiles();
    expect(result.rewrittenDataFiles).toBe(8);
    expect(result.addedDataFiles).toBe(1);
    expect(result.rewrittenGroups).toBe(1);
    const snap = result.snapshot!;
    expect(snap.parentSnapshotId).toBe(parent.snapshotId);
    expect(t.currentSnapshot()?.snapshotId).toBe(snap.snapshotId);
    expect(snap.summary).toMatchObject({ operation: 'replace', 'added-data-files': '1', 'deleted-data-files': '8', 'added-records': '32', 'deleted-records': '32', 'total-records': '32', 'total-data-files': '1' });
    expect(await fileCount(t)).toBe(1);
    expect(await rowSet(t)).toEqual(before);
    // the old snapshot still reads its own files
    expect((await t.scan({ snapshotId: parent.snapshotId }).toArrow()).numRows).toBe(32);
  });

  it('packs per partition, leaves a partition with fewer than minInputFiles small files alone, and commits nothing when nothing qualifies', async () => {
    const t = await table(7, { partitionBy: 'cat' }); // 4 files of 'even', 3 of 'odd'
    const before = await rowSet(t);
    const result = await t.rewriteDataFiles({ minInputFiles: 4 });
    expect(result.rewrittenDataFiles).toBe(4);
    const files = (await t.scan().planFiles()).tasks.map((task) => task.file.partition[0]);
    expect(files.filter((p) => p === 'even')).toHaveLength(1);
    expect(files.filter((p) => p === 'odd')).toHaveLength(3);
    expect(await rowSet(t)).toEqual(before);
    const version = t.version;
    const again = await t.rewriteDataFiles({ minInputFiles: 4 });
    expect(again).toEqual({ snapshot: undefined, rewrittenGroups: 0, rewrittenDataFiles: 0, addedDataFiles: 0, removedDeleteFiles: 0, rewrittenBytes: 0 });
    expect(t.version).toBe(version);
  });

  it('rewrites only the files a filter selects', async () => {
    const t = await table(12, { partitionBy: 'cat' });
    const before = await rowSet(t);
    const result = await t.rewriteDataFiles({ filter: "cat = 'odd'" });
    expect(result.rewrittenDataFiles).toBe(6);
    const files = (await t.scan().planFiles()).tasks.map((task) => task.file.partition[0]);
    expect(files.filter((p) => p === 'even')).toHaveLength(6);
    expect(files.filter((p) => p === 'odd')).toHaveLength(1);
    expect(await rowSet(t)).toEqual(before);
  });

  it('sortBy sorts the rewritten rows so that a selective filter on the key reads one file (counted on the store)', async () => {
    const random = prng(14);
    const wh = await Warehouse.open(`memory://compaction-sort-${process.pid}`);
    await wh.createNamespace('m');
    const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false), new arrow.Field('v', new arrow.Float64(), false)]);
    const ids = Array.from({ length: 2000 }, (_, i) => i).sort(() => random() - 0.5);
    const build = async (name: string): Promise<Table> => {
      const t = await wh.createTable(`m.${name}`, schema);
      for (let k = 0; k < 20; k++) {
        const part = ids.slice(k * 100, (k + 1) * 100);
        await t.append(new arrow.Table({ id: arrow.vectorFromArray(part, new arrow.Int32()), v: arrow.vectorFromArray(part.map((i) => i / 2), new arrow.Float64()) }));
      }
      return t;
    };
    // 12 bytes a row in memory: a target of 6,000 bytes cuts files of 500 rows; one group holds all
    const options = { targetFileSizeBytes: 6000, maxFileGroupSizeBytes: 1 << 30 };
    const sorted = await build('sorted');
    await sorted.rewriteDataFiles({ ...options, sortBy: 'id' });
    const unsorted = await build('unsorted');
    await unsorted.rewriteDataFiles(options);
    const parquetGets = async (t: Table): Promise<{ gets: number; rows: number }> => {
      const store = instrumented(openLocation(t.uri).store);
      const reader = await Table.load(t.uri, { store });
      store.reset();
      const got = await reader.scan({ filter: 'id = 1234' }).toArrow();
      return { gets: new Set(store.snapshot().events.filter((e) => e.op === 'get' && e.path.endsWith('.parquet')).map((e) => e.path)).size, rows: got.numRows };
    };
    expect(await fileCount(sorted)).toBe(4);
    expect(await fileCount(unsorted)).toBe(4);
    expect(await parquetGets(sorted)).toEqual({ gets: 1, rows: 1 });
    const control = await parquetGets(unsorted);
    expect(control.rows).toBe(1);
    expect(control.gets).toBe(4);
    const read = (await sorted.scan().toArrow()).getChild('id')!.toArray();
    expect(Array.from(read)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('takes the sort key from write.sort-order when sortBy is not given', async () => {
    const t = await table(6, { perAppend: 3 });
    await t.setProperties({ 'write.sort-order': 'seq DESC, writer' });
    await t.rewriteDataFiles();
    const got = (await t.scan().toArrow()).toArray().map((r) => `${r.seq}:${r.writer}`);
    expect(got).toEqual(['2:0', '2:1', '2:2', '2:3', '2:4', '2:5', '1:0', '1:1', '1:2', '1:3', '1:4', '1:5', '0:0', '0:1', '0:2', '0:3', '0:4', '0:5']);
  });

  it.each([
    [{ targetFileSizeBytes: -1 }, /targetFileSizeBytes/],
    [{ targetFileSizeBytes: '1mb' }, /targetFileSizeBytes/],
    [{ minInputFiles: 0 }, /minInputFiles/],
    [{ sortBy: [] }, /sortBy/],
    [{ sortBy: 'nope' }, /sortBy.*unknown column nope/],
    [{ sortBy: 'seq sideways' }, /sortBy.*not a sort term/],
    [{ filter: undefined }, /filter of rewriteDataFiles/],
    [{ filter: 'seq >' }, /filter of rewriteDataFiles/],
    [{ targetFileSize: 10 }, /targetFileSize/],
  ])('refuses %o with an InvalidArgumentError naming it, and changes nothing', async (options, message) => {
    const t = await table(6);
    const before = await rowSet(t);
    const version = t.version;
    const error = await t.rewriteDataFiles(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(message);
    await t.refresh();
    expect(t.version).toBe(version);
    expect(await rowSet(t)).toEqual(before);
  });

  it('refuses a malformed write.sort-order property, naming it', async () => {
    const t = await table(6);
    await t.setProperties({ 'write.sort-order': 'seq, ' });
    const version = t.version;
    await expect(t.rewriteDataFiles()).rejects.toThrow(/write.sort-order/);
    expect(t.version).toBe(version);
  });
});
