import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import {
  decodeManifest,
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
  UNASSIGNED_SEQUENCE_NUMBER,
} from '../../src/manifest/index.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type ManifestEntry } from '../../src/spec/manifest.js';
import { manifestArb, manifestFileArb, PARTITION_TYPE, SCHEMA, SPEC } from './arbitraries.js';

const SEED = 20250401;

function expectedEntries(entries: readonly ManifestEntry[], snapshotId: bigint): ManifestEntry[] {
  // ADDED and DELETED entries are stamped with the writing snapshot (Java's wrapAppend/wrapDelete).
  return entries.map((e) => (e.status === ManifestEntryStatus.EXISTING ? e : { ...e, snapshotId }));
}

function expectError(f: () => unknown, code: Parameters<typeof isFloeError>[1], text?: string): void {
  try {
    f();
  } catch (e) {
    expect(isFloeError(e, code), String(e)).toBe(true);
    if (text) expect((e as Error).message).toContain(text);
    return;
  }
  expect.unreachable('expected an error');
}

describe('manifest encode → decode', () => {
  it('round-trips entries with every partition type, nulls, metrics maps, equality ids and 64-bit ids', () => {
    fc.assert(
      fc.property(manifestArb, ({ content, snapshotId, entries }) => {
        const bytes = encodeManifest({ schema: SCHEMA, spec: SPEC, formatVersion: 2, content, snapshotId, entries });
        const want = expectedEntries(entries, snapshotId);
        // With the table's partition type and from the file alone (logical types) alike.
        for (const options of [{ path: 'm.avro', partitionType: PARTITION_TYPE }, { path: 'm.avro' }]) {
          const d = decodeManifest(bytes, options);
          expect(d.entries).toEqual(want);
          expect(d.formatVersion).toBe(2);
          expect(d.content).toBe(content);
          expect(d.specId).toBe(SPEC.specId);
          expect(d.partitionFieldIds).toEqual(SPEC.fields.map((f) => f.fieldId));
          expect(d.schema?.schemaId).toBe(SCHEMA.schemaId);
          expect(d.schema?.fields.map((f) => [f.id, f.name, f.type])).toEqual(SCHEMA.fields.map((f) => [f.id, f.name, f.type]));
          expect(d.metadata.get('schema-id')).toBe('3');
          expect(d.metadata.get('content')).toBe(content === ManifestContent.DATA ? 'data' : 'deletes');
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('round-trips an unpartitioned manifest with no entries', () => {
    const bytes = encodeManifest({
      schema: SCHEMA,
      spec: { specId: 0, fields: [] },
      formatVersion: 2,
      content: ManifestContent.DATA,
      snapshotId: 1n,
      entries: [],
    });
    const d = decodeManifest(bytes, { path: 'empty.avro' });
    expect(d.entries).toEqual([]);
    expect(d.partitionFieldIds).toEqual([]);
    expect(d.metadata.get('partition-spec')).toBe('[]');
  });

  const file = {
    content: DataFileContent.DATA,
    filePath: 's3://b/t/data/a.parquet',
    fileFormat: 'PARQUET',
    partition: SPEC.fields.map(() => null),
    recordCount: 1,
    fileSizeInBytes: 10,
  } as const;
  const base = { schema: SCHEMA, spec: SPEC, formatVersion: 2, content: ManifestContent.DATA, snapshotId: 5n } as const;
  const added: ManifestEntry = { status: ManifestEntryStatus.ADDED, snapshotId: null, sequenceNumber: null, fileSequenceNumber: null, dataFile: file };

  it('rejects entries that break spec rules with InvalidArgumentError', () => {
    expectError(() => encodeManifest({ ...base, entries: [{ ...added, dataFile: { ...file, partition: [] } }] }), 'INVALID_ARGUMENT', 'partition tuple');
    expectError(
      () => encodeManifest({ ...base, entries: [{ ...added, dataFile: { ...file, partition: ['x', ...file.partition.slice(1)] } }] }),
      'INVALID_ARGUMENT',
      'Breed Name',
    );
    expectError(() => encodeManifest({ ...base, entries: [{ ...added, fileSequenceNumber: 3n }] }), 'INVALID_ARGUMENT', 'file sequence number');
    expectError(() => encodeManifest({ ...base, entries: [{ ...added, status: ManifestEntryStatus.EXISTING }] }), 'INVALID_ARGUMENT', 'EXISTING');
    expectError(() => encodeManifest({ ...base, entries: [{ ...added, status: ManifestEntryStatus.DELETED }] }), 'INVALID_ARGUMENT', 'DELETED');
    expectError(() => encodeManifest({ ...base, content: ManifestContent.DELETES, entries: [added] }), 'INVALID_ARGUMENT', 'delete manifest');
    expectError(() => encodeManifest({ ...base, entries: [{ ...added, dataFile: { ...file, recordCount: -1 } }] }), 'INVALID_ARGUMENT', 'record_count');
    expectError(() => encodeManifest({ ...base, entries: [{ ...added, dataFile: { ...file, recordCount: 1.5 } }] }), 'INVALID_ARGUMENT');
  });

  it('rejects garbage and truncated manifests with CorruptFileError naming the path', () => {
    const bytes = encodeManifest({ ...base, entries: [added, added] });
    expectError(() => decodeManifest(bytes.subarray(0, bytes.length - 20), { path: 's3://b/m.avro' }), 'CORRUPT_FILE', 's3://b/m.avro');
    expectError(() => decodeManifest(new TextEncoder().encode('{"not":"avro"}'), { path: 's3://b/m.avro' }), 'CORRUPT_FILE', 's3://b/m.avro');
    // A valid Avro file that is not a manifest.
    const list = encodeManifestList({ snapshotId: 1n, sequenceNumber: 1n, manifests: [] });
    expectError(() => decodeManifest(list, { path: 's3://b/list.avro' }), 'CORRUPT_FILE', 'status');
  });
});

describe('manifest list encode → decode', () => {
  it('round-trips manifest files with 64-bit ids, summaries and key metadata', () => {
    fc.assert(
      fc.property(fc.array(manifestFileArb, { maxLength: 6 }), fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), (manifests, snapshotId) => {
        const bytes = encodeManifestList({ snapshotId, parentSnapshotId: -snapshotId, sequenceNumber: 9n, manifests });
        expect(decodeManifestList(bytes, { path: 'snap.avro' })).toEqual(manifests);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('stamps unassigned sequence numbers of this snapshot\'s manifests with the list\'s', () => {
    const m = {
      manifestPath: 'm.avro',
      manifestLength: 1,
      partitionSpecId: 0,
      content: ManifestContent.DATA,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      addedSnapshotId: 77n,
      addedFilesCount: 1,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: 1,
      existingRowsCount: 0,
      deletedRowsCount: 0,
    };
    const [got] = decodeManifestList(encodeManifestList({ snapshotId: 77n, sequenceNumber: 12n, manifests: [m] }), { path: 'l' });
    expect(got).toEqual({ ...m, sequenceNumber: 12n, minSequenceNumber: 12n });
    const [kept] = decodeManifestList(
      encodeManifestList({ snapshotId: 77n, sequenceNumber: 12n, manifests: [{ ...m, minSequenceNumber: 4n }] }),
      { path: 'l' },
    );
    expect(kept?.minSequenceNumber).toBe(4n);
    expectError(() => encodeManifestList({ snapshotId: 78n, sequenceNumber: 12n, manifests: [m] }), 'INVALID_ARGUMENT', 'unassigned');
    expectError(() => encodeManifestList({ snapshotId: 77n, sequenceNumber: 12n, manifests: [{ ...m, addedFilesCount: -2 }] }), 'INVALID_ARGUMENT');
  });
});
