/**
 * Compaction (spec/maintenance.md §M4) on one table at a time: the rows are the same before and
 * after, one `replace` snapshot swaps the files, small files are bin-packed per partition, a
 * sorted rewrite lets stats pruning skip files on the sort key, and bad options are refused
 * with the table unchanged.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { CommitConflictError, InvalidArgumentError, Table, Warehouse, instrumented, openLocation } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { prng } from '../support/prng.js';
import { gatedStore, rowSet } from './support.js';

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
    // the new files' manifest, and one manifest of the eight DELETED entries (not one per old manifest)
    expect((await t.scan().planFiles()).stats.manifestsTotal).toBe(2);
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

describe('rewriteManifests', () => {
  const facts = async (t: Table): Promise<string[]> =>
    (await t.scan().planFiles()).tasks.map((task) => `${task.file.filePath}|${task.snapshotId}|${task.dataSequenceNumber}|${task.fileSequenceNumber}`).sort();

  it('rewrites the manifests into one, keeping every entry with its snapshot and sequence numbers, as a replace snapshot with no data change', async () => {
    const t = await table(6, { partitionBy: 'cat' });
    const before = await rowSet(t);
    const entries = await facts(t);
    expect((await t.scan().planFiles()).stats.manifestsTotal).toBe(6);
    const result = await t.rewriteManifests();
    expect(result).toMatchObject({ rewrittenManifests: 6, addedManifests: 1, entries: 6 });
    expect(result.snapshot?.summary).toMatchObject({ operation: 'replace', 'manifests-replaced': '6', 'manifests-created': '1', 'manifests-kept': '0', 'entries-processed': '6', 'total-records': '24', 'total-data-files': '6' });
    expect(result.snapshot?.summary['added-data-files']).toBeUndefined();
    const plan = await t.scan().planFiles();
    expect(plan.stats.manifestsTotal).toBe(1);
    expect(await facts(t)).toEqual(entries);
    expect(await rowSet(t)).toEqual(before);
    // a filter on the partition still prunes files within the one manifest
    expect((await t.scan({ filter: "cat = 'odd'" }).planFiles()).tasks).toHaveLength(3);
    const version = t.version;
    expect(await t.rewriteManifests()).toEqual({ snapshot: undefined, rewrittenManifests: 0, addedManifests: 0, entries: 0 });
    expect(t.version).toBe(version);
  });

  it('commits on top of a concurrent append, and fails on a concurrent delete that replaced a rewritten manifest, changing nothing', async () => {
    for (const concurrent of ['append', 'delete'] as const) {
      const t = await table(4);
      const gate = gatedStore(openLocation(t.uri).store, (p) => p.startsWith('metadata/snap-'));
      const rewriter = await Table.load(t.uri, { store: gate.store });
      const rewriting = rewriter.rewriteManifests().then((r) => r, (e: unknown) => e);
      await gate.paused;
      const other = await Table.load(t.uri);
      if (concurrent === 'append') await other.append(rows(7, 0, 2));
      else await other.delete('writer = 1');
      const version = other.version;
      const after = await rowSet(other);
      gate.release();
      const outcome = await rewriting;
      await other.refresh();
      if (concurrent === 'append') {
        expect(outcome).toMatchObject({ rewrittenManifests: 4, addedManifests: 1 });
        expect((await other.scan().planFiles()).stats.manifestsTotal).toBe(2);
        expect(other.currentSnapshot()?.summary.operation).toBe('replace');
      } else {
        expect(outcome).toBeInstanceOf(CommitConflictError);
        expect(other.version).toBe(version);
      }
      expect(await rowSet(other)).toEqual(after);
    }
  });
});
