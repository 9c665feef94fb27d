/**
 * Files Floe does not write but must read: v1 manifests and manifest lists (Java's V1Metadata
 * schemas), writers without field ids, PyIceberg's long-typed equality ids, snappy blocks.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isFloeError, type FloeError } from '../../src/errors.js';
import { readContainer, writeContainer } from '../../src/manifest/avro/container.js';
import { decodeManifest, decodeManifestList, inheritSequenceNumbers, UNKNOWN_COUNT } from '../../src/manifest/index.js';
import { ManifestContent, ManifestEntryStatus } from '../../src/spec/manifest.js';
import type { StructType } from '../../src/spec/types.js';

const id = (name: string, type: unknown, fieldId: number, extra: object = {}) => ({ name, type, 'field-id': fieldId, ...extra });
const opt = (name: string, type: unknown, fieldId: number) => id(name, ['null', type], fieldId, { default: null });

// Java `V1Metadata.entrySchema` / `V1Metadata.MANIFEST_LIST_SCHEMA`, abridged to what differs.
const V1_ENTRY = {
  type: 'record',
  name: 'manifest_entry',
  fields: [
    id('status', 'int', 0),
    id('snapshot_id', 'long', 1),
    id(
      'data_file',
      {
        type: 'record',
        name: 'r2',
        fields: [
          id('file_path', 'string', 100),
          id('file_format', 'string', 101),
          id(
            'partition',
            {
              type: 'record',
              name: 'r102',
              fields: [opt('id_bucket', 'int', 1000), opt('u', { type: 'string', logicalType: 'uuid' }, 1001)],
            },
            102,
          ),
          id('record_count', 'long', 103),
          id('file_size_in_bytes', 'long', 104),
          id('block_size_in_bytes', 'long', 105),
          opt('split_offsets', { type: 'array', items: 'long', 'element-id': 133 }, 132),
        ],
      },
      2,
    ),
  ],
};

const V1_LIST = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    id('manifest_path', 'string', 500),
    id('manifest_length', 'long', 501),
    id('partition_spec_id', 'int', 502),
    id('added_snapshot_id', 'long', 503),
    opt('added_data_files_count', 'int', 504),
    opt('existing_data_files_count', 'int', 505),
    opt('deleted_data_files_count', 'int', 506),
    opt('partitions', { type: 'array', items: { type: 'record', name: 'r508', fields: [id('contains_null', 'boolean', 509), opt('lower_bound', 'bytes', 510), opt('upper_bound', 'bytes', 511)] }, 'element-id': 508 }, 507),
    opt('added_rows_count', 'long', 512),
    opt('existing_rows_count', 'long', 513),
    opt('deleted_rows_count', 'long', 514),
  ],
};

describe('v1 files', () => {
  const manifest = writeContainer({
    schema: V1_ENTRY,
    metadata: { schema: '{"type":"struct","schema-id":0,"fields":[]}', 'partition-spec': '[]', 'partition-spec-id': '0', 'format-version': '1' },
    codec: 'null',
    records: [
      {
        status: 1,
        snapshot_id: 9_000_000_000_000_000_001n,
        data_file: {
          file_path: 's3://b/t/data/a.parquet',
          file_format: 'PARQUET',
          partition: { id_bucket: 3, u: 'F79C3E09-677C-4BBD-A479-3F349CB785E7' },
          record_count: 10n,
          file_size_in_bytes: 100n,
          block_size_in_bytes: 67108864n,
          split_offsets: [4n],
        },
      },
    ],
  });

  it('a v1 manifest decodes: content data, no sequence numbers, partition promoted by the table type', () => {
    const pt: StructType = {
      type: 'struct',
      fields: [
        { id: 1000, name: 'id_bucket', required: false, type: { type: 'long' } },
        { id: 1001, name: 'u', required: false, type: { type: 'uuid' } },
      ],
    };
    const d = decodeManifest(manifest, { path: 'v1-m0.avro', partitionType: pt });
    expect(d.formatVersion).toBe(1);
    expect(d.content).toBe(ManifestContent.DATA);
    expect(d.partitionFieldIds).toEqual([1000, 1001]);
    const [e] = d.entries;
    expect(e).toEqual({
      status: ManifestEntryStatus.ADDED,
      snapshotId: 9_000_000_000_000_000_001n,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile: {
        content: 0,
        filePath: 's3://b/t/data/a.parquet',
        fileFormat: 'PARQUET',
        partition: [3n, 'f79c3e09-677c-4bbd-a479-3f349cb785e7'],
        recordCount: 10,
        fileSizeInBytes: 100,
        splitOffsets: [4],
      },
    });
    // Without the table's type, the file's own types stand.
    expect(decodeManifest(manifest, { path: 'v1-m0.avro' }).entries[0]!.dataFile.partition).toEqual([3, 'f79c3e09-677c-4bbd-a479-3f349cb785e7']);
  });

  it('a v1 manifest list decodes with sequence numbers 0, content data, and unknown counts flagged', () => {
    const bytes = writeContainer({
      schema: V1_LIST,
      metadata: { 'snapshot-id': '1', 'format-version': '1' },
      codec: 'deflate',
      records: [
        {
          manifest_path: 's3://b/t/metadata/a-m0.avro',
          manifest_length: 5000n,
          partition_spec_id: 0,
          added_snapshot_id: 1n,
          added_data_files_count: 1,
          existing_data_files_count: null,
          deleted_data_files_count: 0,
          partitions: [{ contains_null: false, lower_bound: Buffer.of(3, 0, 0, 0), upper_bound: null }],
          added_rows_count: 10n,
          existing_rows_count: null,
          deleted_rows_count: 0n,
        },
      ],
    });
    const [m] = decodeManifestList(bytes, { path: 'snap-1.avro' });
    expect(m).toEqual({
      manifestPath: 's3://b/t/metadata/a-m0.avro',
      manifestLength: 5000,
      partitionSpecId: 0,
      content: ManifestContent.DATA,
      sequenceNumber: 0n,
      minSequenceNumber: 0n,
      addedSnapshotId: 1n,
      addedFilesCount: 1,
      existingFilesCount: UNKNOWN_COUNT,
      deletedFilesCount: 0,
      addedRowsCount: 10,
      existingRowsCount: UNKNOWN_COUNT,
      deletedRowsCount: 0,
      partitions: [{ containsNull: false, lowerBound: Uint8Array.of(3, 0, 0, 0) }],
    });
    const e = inheritSequenceNumbers(decodeManifest(manifest, { path: 'm' }).entries[0]!, m!, 1);
    expect([e.sequenceNumber, e.fileSequenceNumber]).toEqual([0n, 0n]);
  });
});

describe('writer quirks', () => {
  it('fields without field ids resolve by name; long equality ids (PyIceberg) read as numbers', () => {
    const schema = {
      type: 'record',
      name: 'manifest_entry',
      fields: [
        { name: 'status', type: 'int' },
        { name: 'snapshot_id', type: ['null', 'long'] },
        { name: 'sequence_number', type: ['null', 'long'] },
        { name: 'file_sequence_number', type: ['null', 'long'] },
        {
          name: 'data_file',
          type: {
            type: 'record',
            name: 'r2',
            fields: [
              { name: 'content', type: 'int' },
              { name: 'file_path', type: 'string' },
              { name: 'file_format', type: 'string' },
              { name: 'partition', type: { type: 'record', name: 'r102', fields: [{ name: 'd', type: ['null', { type: 'int', logicalType: 'date' }] }] } },
              { name: 'record_count', type: 'long' },
              { name: 'file_size_in_bytes', type: 'long' },
              { name: 'equality_ids', type: ['null', { type: 'array', items: 'long' }] },
              { name: 'value_counts', type: ['null', { type: 'map', values: 'long' }] },
            ],
          },
        },
      ],
    };
    const bytes = writeContainer({
      schema,
      metadata: { 'format-version': '2', content: 'deletes', 'partition-spec-id': '4' },
      records: [
        {
          status: 2,
          snapshot_id: 1n,
          sequence_number: 2n,
          file_sequence_number: 2n,
          data_file: {
            content: 2,
            file_path: 'p',
            file_format: 'PARQUET',
            partition: { d: 19000 },
            record_count: 1n,
            file_size_in_bytes: 1n,
            equality_ids: [1n, 2n],
            value_counts: { '1': 5n },
          },
        },
      ],
    });
    const pt: StructType = { type: 'struct', fields: [{ id: 1005, name: 'd', required: false, type: { type: 'date' } }] };
    const d = decodeManifest(bytes, { path: 'q.avro', partitionType: pt });
    expect(d.content).toBe(ManifestContent.DELETES);
    expect(d.specId).toBe(4);
    expect(d.partitionFieldIds).toEqual([1005]);
    expect(d.entries[0]!.dataFile).toMatchObject({ content: 2, partition: [19000], equalityIds: [1, 2], valueCounts: new Map([[1, 5]]) });
  });

  it('manifest-list counts 504–506 without field ids resolve by either name: the spec\'s and Java\'s', () => {
    const list = (names: readonly [string, string, string]) =>
      writeContainer({
        schema: {
          type: 'record',
          name: 'manifest_file',
          fields: (
            [['manifest_path', 'string'], ['manifest_length', 'long'], ['partition_spec_id', 'int'], ['added_snapshot_id', 'long'], ...names.map((n) => [n, 'int'])] as const
          ).map(([name, type]) => ({ name, type })),
        },
        metadata: {},
        records: [{ manifest_path: 'm.avro', manifest_length: 1n, partition_spec_id: 0, added_snapshot_id: 1n, [names[0]]: 3, [names[1]]: 4, [names[2]]: 5 }],
      });
    for (const names of [
      ['added_files_count', 'existing_files_count', 'deleted_files_count'],
      ['added_data_files_count', 'existing_data_files_count', 'deleted_data_files_count'],
    ] as const) {
      const [m] = decodeManifestList(list(names), { path: 'snap.avro' });
      expect([m!.addedFilesCount, m!.existingFilesCount, m!.deletedFilesCount], names[0]).toEqual([3, 4, 5]);
    }
  });

  it('snappy blocks (Avro snappy codec: raw snappy + CRC-32) decode', () => {
    // Re-frame a null-codec file with the codec name and its block snappy-compressed as literals.
    const schema = { type: 'record', name: 'r', fields: [{ name: 'x', type: 'long' }] };
    const plain = writeContainer({ schema, metadata: {}, codec: 'null', records: [{ x: 1n }, { x: -2n }] });
    // One snappy literal (valid for < 60 bytes): length varint, tag (len-1)<<2, bytes; then a CRC
    // placeholder (Floe does not verify it).
    const snappyFile = reframe(plain, 'snappy', (data) => Buffer.concat([Buffer.of(data.length), Buffer.of((data.length - 1) << 2), data, Buffer.alloc(4)]));
    const deflateFile = reframe(plain, 'deflate', (data) => deflateRawSync(data));
    expect(readContainer(snappyFile, 's').records).toEqual([{ x: 1n }, { x: -2n }]);
    expect(readContainer(deflateFile, 'd').records).toEqual([{ x: 1n }, { x: -2n }]);
  });

  it('an unknown codec is UnsupportedError naming the file', () => {
    const schema = { type: 'record', name: 'r', fields: [{ name: 'x', type: 'long' }] };
    const plain = writeContainer({ schema, metadata: {}, codec: 'null', records: [{ x: 1n }] });
    try {
      readContainer(reframe(plain, 'bzip2', (d) => d), 's3://b/x.avro');
      expect.unreachable();
    } catch (e) {
      expect(isFloeError(e, 'UNSUPPORTED')).toBe(true);
      expect((e as FloeError).context).toMatchObject({ path: 's3://b/x.avro', codec: 'bzip2' });
    }
  });
});

/** Rewrites a one-block null-codec container with another codec name and compressed block. */
function reframe(file: Uint8Array, codec: string, compress: (data: Buffer) => Buffer): Uint8Array {
  const buf = Buffer.from(file);
  let pos = 4;
  const readLong = (): number => {
    let z = 0;
    for (let mul = 1; ; mul *= 128) {
      const b = buf[pos++]!;
      z += (b & 0x7f) * mul;
      if (b < 0x80) break;
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  };
  const longBytes = (n: number): Buffer => {
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    const out: number[] = [];
    while (z >= 0x80) {
      out.push((z % 0x80) | 0x80);
      z = Math.floor(z / 0x80);
    }
    out.push(z);
    return Buffer.from(out);
  };
  const str = (s: string) => Buffer.concat([longBytes(Buffer.byteLength(s)), Buffer.from(s)]);
  const meta: [string, string][] = [];
  for (let n = readLong(); n !== 0; n = readLong()) {
    for (let i = 0; i < n; i++) {
      const klen = readLong();
      const key = buf.subarray(pos, pos + klen).toString();
      pos += klen;
      const vlen = readLong();
      const value = buf.subarray(pos, pos + vlen).toString();
      pos += vlen;
      meta.push([key, key === 'avro.codec' ? codec : value]);
    }
  }
  const sync = buf.subarray(pos, pos + 16);
  pos += 16;
  const count = readLong();
  const size = readLong();
  const data = compress(buf.subarray(pos, pos + size));
  return Buffer.concat([
    buf.subarray(0, 4),
    longBytes(meta.length),
    ...meta.flatMap(([k, v]) => [str(k), str(v)]),
    longBytes(0),
    sync,
    longBytes(count),
    longBytes(data.length),
    data,
    sync,
  ]);
}
