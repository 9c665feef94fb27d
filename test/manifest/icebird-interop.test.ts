/**
 * A second, unrelated JS Avro reader (icebird's, used by the fixture derivation) reads Floe's
 * manifests and manifest lists. icebird supports no Avro `fixed`, so this table has no decimal,
 * uuid or fixed partition (the plain-avsc test covers those). Its inflater (hyparquet-compressors
 * `gunzip`) overflows the stack on deflate blocks of a few bytes, so the files here have
 * realistic (long) paths.
 */
import { avroMetadata, avroRead } from 'icebird';
import { describe, expect, it } from 'vitest';
import { encodeManifest, encodeManifestList } from '../../src/manifest/index.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus } from '../../src/spec/manifest.js';
import type { PartitionSpec } from '../../src/spec/partition.js';
import type { Schema } from '../../src/spec/types.js';

function read(bytes: Uint8Array): { metadata: Record<string, unknown>; records: Record<string, any>[] } {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const { metadata, syncMarker } = avroMetadata(reader);
  return { metadata, records: avroRead({ reader, metadata, syncMarker }) };
}

const schema: Schema = {
  schemaId: 1,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 2, name: 'cat', required: false, type: { type: 'string' } },
    { id: 3, name: 'ts', required: false, type: { type: 'timestamptz' } },
  ],
};
const spec: PartitionSpec = {
  specId: 1,
  fields: [
    { sourceId: 2, fieldId: 1000, name: 'cat', transform: { kind: 'identity' } },
    { sourceId: 3, fieldId: 1001, name: 'ts_day', transform: { kind: 'day' } },
    { sourceId: 1, fieldId: 1002, name: 'id_bucket', transform: { kind: 'bucket', numBuckets: 8 } },
  ],
};

describe('icebird reads Floe files', () => {
  it('manifest', () => {
    const bytes = encodeManifest({
      schema,
      spec,
      formatVersion: 2,
      content: ManifestContent.DATA,
      snapshotId: 7_000_000_000_000_000_007n,
      entries: [
        {
          status: ManifestEntryStatus.ADDED,
          snapshotId: null,
          sequenceNumber: null,
          fileSequenceNumber: null,
          dataFile: {
            content: DataFileContent.DATA,
            filePath: 's3://b/t/data/cat=a/f.parquet',
            fileFormat: 'PARQUET',
            partition: ['a', 19000, 3],
            recordCount: 12,
            fileSizeInBytes: 3456,
            nullValueCounts: new Map([[2, 1]]),
            lowerBounds: new Map([[1, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)]]),
          },
        },
      ],
    });
    const { metadata, records } = read(bytes);
    expect(metadata['format-version']).toBe('2');
    expect(metadata['partition-spec-id']).toBe('1');
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r['status']).toBe(1);
    expect(BigInt(r['snapshot_id'])).toBe(7_000_000_000_000_000_007n);
    expect(r['sequence_number']).toBeUndefined();
    expect(r['data_file']['file_path']).toBe('s3://b/t/data/cat=a/f.parquet');
    expect(Number(r['data_file']['record_count'])).toBe(12);
    expect(r['data_file']['partition']).toMatchObject({ cat: 'a', id_bucket: 3 });
  });

  it('manifest list', () => {
    const bytes = encodeManifestList({
      snapshotId: 7_000_000_000_000_000_007n,
      sequenceNumber: 3n,
      manifests: [
        {
          manifestPath: 's3://bucket/warehouse/db/events/metadata/8f7c6cdd-f7e6-4743-857e-021adfe0b999-m0.avro',
          manifestLength: 999,
          partitionSpecId: 1,
          content: ManifestContent.DATA,
          sequenceNumber: 3n,
          minSequenceNumber: 1n,
          addedSnapshotId: 7_000_000_000_000_000_007n,
          addedFilesCount: 1,
          existingFilesCount: 4,
          deletedFilesCount: 0,
          addedRowsCount: 12,
          existingRowsCount: 40,
          deletedRowsCount: 0,
          partitions: [{ containsNull: false, containsNan: false, lowerBound: Uint8Array.of(0x61), upperBound: Uint8Array.of(0x62) }],
        },
      ],
    });
    const { metadata, records } = read(bytes);
    expect(metadata['sequence-number']).toBe('3');
    const [m] = records;
    expect(m!['manifest_path']).toBe('s3://bucket/warehouse/db/events/metadata/8f7c6cdd-f7e6-4743-857e-021adfe0b999-m0.avro');
    expect(BigInt(m!['added_snapshot_id'])).toBe(7_000_000_000_000_000_007n);
    expect(Number(m!['sequence_number'])).toBe(3);
    expect(m!['added_files_count']).toBe(1);
    expect(m!['partitions'][0]['contains_null']).toBe(false);
  });
});
