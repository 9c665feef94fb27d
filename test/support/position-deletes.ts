/**
 * Commits a v2 position delete file for one data file through the transaction layer, the way a
 * foreign engine's merge-on-read delete lands: for tests that need delete files the public API
 * cannot produce (positions out of range, deletes on a copy-on-write table).
 */
import * as arrow from 'apache-arrow';
import { type Snapshot, type Table, writeParquet } from 'floe';
import { DataFileContent, ManifestContent, ManifestEntryStatus } from '../../src/spec/index.js';
import { ManifestListCache, branchHead, currentSchema, defaultSpec, emptyCounts, produceSnapshot, writeNewManifest } from '../../src/transaction/index.js';
import { newSnapshotId, newUuid } from '../../src/util/index.js';

/**
 * Commits one position delete file (spec §Position Delete Files) deleting `positions` of the
 * data file at `dataPath`, as a merge-on-read `delete` snapshot: a delete manifest added to the
 * current manifests.
 */
export async function commitPositionDeletes(t: Table, dataPath: string, positions: readonly number[]): Promise<Snapshot> {
  return t.commit(async (state, commitId) => {
    const ctx = t.context();
    const metadata = state.metadata;
    const snapshotId = newSnapshotId();
    const rows = new arrow.Table({
      file_path: arrow.vectorFromArray(positions.map(() => dataPath), new arrow.Utf8()),
      pos: arrow.makeVector(BigInt64Array.from(positions, (p) => BigInt(p))),
    });
    const bytes = writeParquet(rows);
    const filePath = `${metadata.location}/data/${newUuid()}-deletes.parquet`;
    const { store, key } = ctx.locator.resolve(filePath);
    await store.put(key, bytes);
    const dataFile = { content: DataFileContent.POSITION_DELETES, filePath, fileFormat: 'PARQUET', partition: [], recordCount: positions.length, fileSizeInBytes: bytes.length };
    const manifest = await writeNewManifest(ctx, {
      location: metadata.location,
      schema: currentSchema(metadata),
      spec: defaultSpec(metadata),
      content: ManifestContent.DELETES,
      snapshotId,
      entries: [{ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile }],
    });
    const counts = { ...emptyCounts(), addedDeleteFiles: 1, addedPositionDeletes: positions.length };
    const lists = new ManifestListCache(ctx);
    return {
      async build(base, attempt, timestampMs) {
        const carried = await lists.manifestsOf(base.metadata, branchHead(base.metadata, 'main'));
        const { snapshot, updates } = await produceSnapshot(
          { operation: 'delete', snapshotId, commitId, carried, added: [manifest], counts, schemaId: currentSchema(metadata).schemaId },
          { ctx, base: base.metadata, attempt, timestampMs },
        );
        return { requirements: [{ type: 'assert-table-uuid', uuid: metadata.tableUuid }], updates, result: snapshot };
      },
    };
  });
}
