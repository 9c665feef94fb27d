import { describe, expect, it } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import {
  inheritSequenceNumbers,
  readManifest,
  readManifestList,
  UNASSIGNED_SEQUENCE_NUMBER,
  writeManifest,
  writeManifestList,
} from '../../src/manifest/index.js';
import { literalToBytes } from '../../src/spec/bounds.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type DataFile, type ManifestEntry } from '../../src/spec/manifest.js';
import type { PartitionSpec } from '../../src/spec/partition.js';
import type { Schema } from '../../src/spec/types.js';
import { MemoryStore } from '../../src/store/memory.js';

const schema: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 2, name: 'cat', required: false, type: { type: 'string' } },
  ],
};
const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'cat', transform: { kind: 'identity' } }] };
const file = (name: string, cat: string | null, rows: number): DataFile => ({
  content: DataFileContent.DATA,
  filePath: `mem://t/data/${name}.parquet`,
  fileFormat: 'PARQUET',
  partition: [cat],
  recordCount: rows,
  fileSizeInBytes: 100 * rows,
});

describe('manifest IO through a store', () => {
  it('writes a manifest and returns its manifest-list entry; the list stamps the commit sequence number', async () => {
    const store = new MemoryStore();
    const snapshotId = 3_000_000_000_000_000_001n;
    const entries: ManifestEntry[] = [
      { status: ManifestEntryStatus.ADDED, snapshotId: null, sequenceNumber: null, fileSequenceNumber: null, dataFile: file('a', 'x', 5) },
      { status: ManifestEntryStatus.ADDED, snapshotId: null, sequenceNumber: null, fileSequenceNumber: null, dataFile: file('b', null, 2) },
      { status: ManifestEntryStatus.EXISTING, snapshotId: 11n, sequenceNumber: 4n, fileSequenceNumber: 4n, dataFile: file('c', 'b', 7) },
      { status: ManifestEntryStatus.DELETED, snapshotId: 11n, sequenceNumber: 2n, fileSequenceNumber: 3n, dataFile: file('d', 'zz', 1) },
    ];
    const m = await writeManifest(store, 't/metadata/u-m0.avro', {
      schema,
      spec,
      formatVersion: 2,
      content: ManifestContent.DATA,
      snapshotId,
      entries,
    });
    const stored = await store.head('t/metadata/u-m0.avro');
    expect(m).toEqual({
      manifestPath: 't/metadata/u-m0.avro',
      manifestLength: stored.sizeBytes,
      partitionSpecId: 0,
      content: ManifestContent.DATA,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: 4n, // the EXISTING entry's; DELETED entries are not live
      addedSnapshotId: snapshotId,
      addedFilesCount: 2,
      existingFilesCount: 1,
      deletedFilesCount: 1,
      addedRowsCount: 7,
      existingRowsCount: 7,
      deletedRowsCount: 1,
      partitions: [
        {
          containsNull: true,
          containsNan: false,
          lowerBound: literalToBytes({ type: 'string' }, 'b'),
          upperBound: literalToBytes({ type: 'string' }, 'zz'),
        },
      ],
    });

    // A fresh name is never overwritten.
    await expect(
      writeManifest(store, 't/metadata/u-m0.avro', { schema, spec, formatVersion: 2, content: ManifestContent.DATA, snapshotId, entries }),
    ).rejects.toSatisfy((e) => isFloeError(e, 'ALREADY_EXISTS'));

    await writeManifestList(store, 't/metadata/snap-1.avro', { snapshotId, parentSnapshotId: 11n, sequenceNumber: 9n, manifests: [m] });
    const [listed] = await readManifestList(store, 't/metadata/snap-1.avro');
    expect(listed).toEqual({ ...m, sequenceNumber: 9n, minSequenceNumber: 4n });

    const decoded = await readManifest(store, listed!.manifestPath, { partitionType: { type: 'struct', fields: [{ id: 1000, name: 'cat', required: false, type: { type: 'string' } }] } });
    const live = decoded.entries.map((e) => inheritSequenceNumbers(e, listed!, 2));
    expect(live.map((e) => [e.status, e.snapshotId, e.sequenceNumber, e.fileSequenceNumber, e.dataFile.partition[0]])).toEqual([
      [ManifestEntryStatus.ADDED, snapshotId, 9n, 9n, 'x'],
      [ManifestEntryStatus.ADDED, snapshotId, 9n, 9n, null],
      [ManifestEntryStatus.EXISTING, 11n, 4n, 4n, 'b'],
      [ManifestEntryStatus.DELETED, snapshotId, 2n, 3n, 'zz'],
    ]);
  });

  it('a manifest of only new files has an unassigned min sequence number, stamped by the list', async () => {
    const store = new MemoryStore();
    const m = await writeManifest(store, 'm.avro', {
      schema,
      spec,
      formatVersion: 2,
      content: ManifestContent.DATA,
      snapshotId: 5n,
      entries: [{ status: ManifestEntryStatus.ADDED, snapshotId: null, sequenceNumber: null, fileSequenceNumber: null, dataFile: file('a', 'x', 1) }],
    });
    expect(m.minSequenceNumber).toBe(UNASSIGNED_SEQUENCE_NUMBER);
    await writeManifestList(store, 'l.avro', { snapshotId: 5n, sequenceNumber: 6n, manifests: [m] });
    const [got] = await readManifestList(store, 'l.avro');
    expect([got!.sequenceNumber, got!.minSequenceNumber]).toEqual([6n, 6n]);
  });

  it('reading a missing manifest is NotFound', async () => {
    await expect(readManifest(new MemoryStore(), 'nope.avro')).rejects.toSatisfy((e) => isFloeError(e, 'NOT_FOUND'));
    await expect(readManifestList(new MemoryStore(), 'nope.avro')).rejects.toSatisfy((e) => isFloeError(e, 'NOT_FOUND'));
  });
});
