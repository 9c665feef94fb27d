/**
 * Compaction folds delete files into the data it rewrites (spec/maintenance.md §M4): rows a
 * position delete file removed stay removed, the delete file is dropped from the table, and a
 * delete file committed while the compaction runs makes it fail (its rows would come back).
 * Floe writes no delete files yet, so the test commits one through the internal producer.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { CommitConflictError } from '../../src/errors.js';
import { encodeDataFile } from '../../src/io/index.js';
import { Table, Warehouse } from '../../src/node.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type DataFile } from '../../src/spec/index.js';
import { openLocation } from '../../src/store/index.js';
import { ManifestListCache, branchHead, countFile, emptyCounts, newFileLocation, produceSnapshot, writeNewManifest } from '../../src/transaction/index.js';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { gatedStore, rowSet } from './support.js';

const DELETE_SCHEMA = {
  schemaId: 0,
  fields: [
    { id: 2147483546, name: 'file_path', required: true, type: { type: 'string' as const } },
    { id: 2147483545, name: 'pos', required: true, type: { type: 'long' as const } },
  ],
};

/** Commits one position delete file removing `positions` of `dataPath` (spec §Position Delete Files). */
async function commitPositionDeletes(t: Table, dataPath: string, positions: number[]): Promise<void> {
  const ctx = t.context();
  const data = new arrow.Table({
    file_path: arrow.vectorFromArray(positions.map(() => dataPath), new arrow.Utf8()),
    pos: arrow.vectorFromArray(positions.map(BigInt), new arrow.Int64()),
  });
  const { bytes } = await encodeDataFile(data, DELETE_SCHEMA as never);
  const recorded = newFileLocation(t.location(), `data/deletes-${Math.abs(positions[0]! * 7919 + dataPath.length)}-${positions.length}.parquet`);
  const { store, key } = ctx.locator.resolve(recorded);
  await store.put(key, bytes, { mode: { kind: 'create' } });
  const file: DataFile = { content: DataFileContent.POSITION_DELETES, filePath: recorded, fileFormat: 'PARQUET', partition: [], recordCount: positions.length, fileSizeInBytes: bytes.byteLength };
  await t.commit((state) => ({
    async build(base, attempt, timestampMs) {
      const snapshotId = BigInt(Date.now()) * 1000n + BigInt(attempt);
      const manifest = await writeNewManifest(ctx, {
        location: base.metadata.location,
        schema: t.schema(),
        spec: t.spec(),
        content: ManifestContent.DELETES,
        snapshotId,
        entries: [{ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile: file }],
      });
      const counts = emptyCounts();
      countFile(counts, 0, file, true);
      const carried = await new ManifestListCache(ctx).manifestsOf(base.metadata, branchHead(base.metadata));
      const { snapshot, updates } = await produceSnapshot({ operation: 'delete', snapshotId, commitId: `deletes-${snapshotId}`, carried, added: [manifest], counts, schemaId: 0 }, { ctx, base: base.metadata, attempt, timestampMs });
      void state;
      return { requirements: [], updates, result: snapshot };
    },
  }));
}

async function table(name: string): Promise<Table> {
  const wh = await Warehouse.open(`memory://compaction-deletes-${process.pid}-${name}`);
  await wh.createNamespace('m');
  const t = await wh.createTable('m.t', TABLE_SCHEMA);
  for (let w = 0; w < 6; w++) await t.append(rows(w, 0, 4));
  return t;
}

describe('rewriteDataFiles with delete files', () => {
  it('applies position deletes to the rewritten rows and removes the delete file', async () => {
    const t = await table('fold');
    const files = (await t.scan().planFiles()).tasks.map((task) => task.file.filePath);
    await commitPositionDeletes(t, files[0]!, [1, 3]);
    const before = await rowSet(t as never);
    expect(before).toHaveLength(22);
    const result = await t.rewriteDataFiles();
    expect(result).toMatchObject({ rewrittenDataFiles: 6, addedDataFiles: 1, removedDeleteFiles: 1 });
    expect(result.snapshot?.summary).toMatchObject({ operation: 'replace', 'removed-delete-files': '1', 'removed-position-deletes': '2', 'total-delete-files': '0', 'total-records': '22' });
    const plan = await t.scan().planFiles();
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]!.deletes).toEqual([]);
    expect(await rowSet(t as never)).toEqual(before);
  });

  it('a group holding a file with deletes is rewritten whatever minInputFiles says', async () => {
    const t = await table('alone');
    const files = (await t.scan().planFiles()).tasks.map((task) => task.file.filePath);
    await commitPositionDeletes(t, files[2]!, [0]);
    const before = await rowSet(t as never);
    const result = await t.rewriteDataFiles({ minInputFiles: 100 });
    expect(result).toMatchObject({ rewrittenDataFiles: 6, removedDeleteFiles: 1 });
    expect(await rowSet(t as never)).toEqual(before);
  });

  it('fails with CommitConflictError when a delete file for a rewritten file is committed meanwhile, changing nothing', async () => {
    const t = await table('conflict');
    const gate = gatedStore(openLocation(t.uri).store as never, (p) => p.startsWith('metadata/snap-'));
    const compactor = await Table.load(t.uri, { store: gate.store as never });
    const compacting = compactor.rewriteDataFiles().then((r) => r, (e: unknown) => e);
    await gate.paused;
    const other = await Table.load(t.uri);
    const files = (await other.scan().planFiles()).tasks.map((task) => task.file.filePath);
    await commitPositionDeletes(other, files[1]!, [2]);
    const version = other.version;
    const after = await rowSet(other as never);
    gate.release();
    const error = await compacting;
    expect(error).toBeInstanceOf(CommitConflictError);
    expect((error as Error).message).toMatch(/added delete file/);
    await other.refresh();
    expect(other.version).toBe(version);
    expect(await rowSet(other as never)).toEqual(after);
    expect(after).toHaveLength(23);
  });
});
