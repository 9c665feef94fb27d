/**
 * Floe-written manifests and manifest lists read by plain avsc, independently of Floe's own
 * decoder: avsc's stream decoder with its default codecs reads the container, the writer schema
 * in the file carries every field id of the spec, the header has the spec's keys, and schemas
 * transcribed by hand from the spec (below, not imported) read the files through avsc's schema
 * resolution.
 */
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { encodeManifest, encodeManifestList } from '../../src/manifest/index.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus } from '../../src/spec/manifest.js';
import { SCHEMA, SPEC } from './arbitraries.js';

// ---------------------------------------------------------------- plain avsc, test-local

const BIG_LONG = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(n);
    return b;
  },
  fromJSON: (x: unknown) => BigInt(x as string),
  toJSON: (n: bigint) => n.toString(),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});
// A fresh object per call: avsc stores its registry of named types in the options it is given.
const typeOptions = () => ({
  wrapUnions: 'never' as const,
  typeHook: (s: unknown) =>
    s === 'long' || (typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'long') ? BIG_LONG : undefined,
});

interface Decoded {
  header: Map<string, string>;
  writerSchema: unknown;
  records: Record<string, unknown>[];
}

function decodeWithAvsc(bytes: Uint8Array, readerSchema?: unknown): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const dec = new avro.streams.BlockDecoder({
      parseHook: (s: unknown) => avro.Type.forSchema(s as avro.Schema, typeOptions()),
      ...(readerSchema !== undefined && { readerSchema: avro.Type.forSchema(readerSchema as avro.Schema, typeOptions()) }),
    } as Partial<avro.DecoderOptions>);
    const out: Decoded = { header: new Map(), writerSchema: undefined, records: [] };
    dec.on('metadata', (_type: unknown, _codec: string, header: { meta: Record<string, Buffer> }) => {
      for (const [k, v] of Object.entries(header.meta)) out.header.set(k, v.toString('utf8'));
      out.writerSchema = JSON.parse(out.header.get('avro.schema')!);
    });
    dec.on('data', (r: Record<string, unknown>) => out.records.push(r));
    dec.on('end', () => resolve(out));
    dec.on('error', reject);
    dec.end(Buffer.from(bytes));
  });
}

/** Every `field-id` / `element-id` in a schema, keyed by dotted field path. */
function ids(schema: unknown, prefix = '', out = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(schema)) {
    for (const s of schema) ids(s, prefix, out);
  } else if (typeof schema === 'object' && schema !== null) {
    const s = schema as Record<string, unknown>;
    if (typeof s['element-id'] === 'number') out.set(`${prefix}[]`, s['element-id']);
    if (s['type'] === 'record') {
      for (const f of s['fields'] as Record<string, unknown>[]) {
        const path = prefix ? `${prefix}.${String(f['name'])}` : String(f['name']);
        if (typeof f['field-id'] === 'number') out.set(path, f['field-id']);
        ids(f['type'], path, out);
      }
    } else if (s['type'] === 'array') ids(s['items'], `${prefix}[]`, out);
    else if (typeof s['type'] === 'object') ids(s['type'], prefix, out);
  }
  return out;
}

// ---------------------------------------------------------------- transcribed from the spec
// format/spec.md §Manifests (v2 column) and §Manifest Lists. Record names are not in the spec;
// Java's names (`r2`, `r102`, `k117_v118`, `r508`) and field names (`added_data_files_count`)
// are given as Avro aliases, which is how any reader holding the spec's names reads Java files.
// SPEC_LIST_IDS pins the field *names* Floe writes as well as the ids: the spec's
// `added_files_count` / `existing_files_count` / `deleted_files_count` for 504–506.

const opt = (name: string, type: unknown) => ({ name, type: ['null', type], default: null });
const kv = (name: string, value: string) => ({
  type: 'array',
  items: { type: 'record', name, fields: [{ name: 'key', type: 'int' }, { name: 'value', type: value }] },
});

function specManifestEntry(partitionFields: unknown[]): unknown {
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int' }, // 0
      opt('snapshot_id', 'long'), // 1
      opt('sequence_number', 'long'), // 3
      opt('file_sequence_number', 'long'), // 4
      {
        name: 'data_file', // 2
        type: {
          type: 'record',
          name: 'data_file',
          aliases: ['r2'],
          fields: [
            { name: 'content', type: 'int' }, // 134
            { name: 'file_path', type: 'string' }, // 100
            { name: 'file_format', type: 'string' }, // 101
            { name: 'partition', type: { type: 'record', name: 'partition', aliases: ['r102'], fields: partitionFields } }, // 102
            { name: 'record_count', type: 'long' }, // 103
            { name: 'file_size_in_bytes', type: 'long' }, // 104
            opt('column_sizes', kv('k117_v118', 'long')), // 108
            opt('value_counts', kv('k119_v120', 'long')), // 109
            opt('null_value_counts', kv('k121_v122', 'long')), // 110
            opt('nan_value_counts', kv('k138_v139', 'long')), // 137
            opt('lower_bounds', kv('k126_v127', 'bytes')), // 125
            opt('upper_bounds', kv('k129_v130', 'bytes')), // 128
            opt('key_metadata', 'bytes'), // 131
            opt('split_offsets', { type: 'array', items: 'long' }), // 132
            opt('equality_ids', { type: 'array', items: 'int' }), // 135
            opt('sort_order_id', 'int'), // 140
          ],
        },
      },
    ],
  };
}

const SPEC_MANIFEST_FILE = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string' }, // 500
    { name: 'manifest_length', type: 'long' }, // 501
    { name: 'partition_spec_id', type: 'int' }, // 502
    { name: 'content', type: 'int' }, // 517
    { name: 'sequence_number', type: 'long' }, // 515
    { name: 'min_sequence_number', type: 'long' }, // 516
    { name: 'added_snapshot_id', type: 'long' }, // 503
    { name: 'added_files_count', type: 'int', aliases: ['added_data_files_count'] }, // 504
    { name: 'existing_files_count', type: 'int', aliases: ['existing_data_files_count'] }, // 505
    { name: 'deleted_files_count', type: 'int', aliases: ['deleted_data_files_count'] }, // 506
    { name: 'added_rows_count', type: 'long' }, // 512
    { name: 'existing_rows_count', type: 'long' }, // 513
    { name: 'deleted_rows_count', type: 'long' }, // 514
    opt('partitions', {
      type: 'array',
      items: {
        type: 'record',
        name: 'field_summary',
        aliases: ['r508'],
        fields: [
          { name: 'contains_null', type: 'boolean' }, // 509
          opt('contains_nan', 'boolean'), // 518
          opt('lower_bound', 'bytes'), // 510
          opt('upper_bound', 'bytes'), // 511
        ],
      },
    }), // 507
    opt('key_metadata', 'bytes'), // 519
  ],
};

const SPEC_ENTRY_IDS: Record<string, number> = {
  status: 0,
  snapshot_id: 1,
  sequence_number: 3,
  file_sequence_number: 4,
  data_file: 2,
  'data_file.content': 134,
  'data_file.file_path': 100,
  'data_file.file_format': 101,
  'data_file.partition': 102,
  'data_file.record_count': 103,
  'data_file.file_size_in_bytes': 104,
  'data_file.column_sizes': 108,
  'data_file.column_sizes[].key': 117,
  'data_file.column_sizes[].value': 118,
  'data_file.value_counts': 109,
  'data_file.value_counts[].key': 119,
  'data_file.value_counts[].value': 120,
  'data_file.null_value_counts': 110,
  'data_file.null_value_counts[].key': 121,
  'data_file.null_value_counts[].value': 122,
  'data_file.nan_value_counts': 137,
  'data_file.nan_value_counts[].key': 138,
  'data_file.nan_value_counts[].value': 139,
  'data_file.lower_bounds': 125,
  'data_file.lower_bounds[].key': 126,
  'data_file.lower_bounds[].value': 127,
  'data_file.upper_bounds': 128,
  'data_file.upper_bounds[].key': 129,
  'data_file.upper_bounds[].value': 130,
  'data_file.key_metadata': 131,
  'data_file.split_offsets': 132,
  'data_file.split_offsets[]': 133,
  'data_file.equality_ids': 135,
  'data_file.equality_ids[]': 136,
  'data_file.sort_order_id': 140,
};

const SPEC_LIST_IDS: Record<string, number> = {
  manifest_path: 500,
  manifest_length: 501,
  partition_spec_id: 502,
  content: 517,
  sequence_number: 515,
  min_sequence_number: 516,
  added_snapshot_id: 503,
  added_files_count: 504,
  existing_files_count: 505,
  deleted_files_count: 506,
  added_rows_count: 512,
  existing_rows_count: 513,
  deleted_rows_count: 514,
  partitions: 507,
  'partitions[]': 508,
  'partitions[].contains_null': 509,
  'partitions[].contains_nan': 518,
  'partitions[].lower_bound': 510,
  'partitions[].upper_bound': 511,
  key_metadata: 519,
};

// ---------------------------------------------------------------- the files under test

const BIG_SNAPSHOT = 8_904_642_012_249_016_277n; // > 2^53, as Spark's are
const PARTITION = [
  true, 7, 1n << 60n, 1.5, -2.25, 12345n, -1n, 10n ** 37n, 123n, 19000, 3_600_000_000n, 1n, -1n, 'ünï', 'f79c3e09-677c-4bbd-a479-3f349cb785e7',
  Uint8Array.of(1, 2, 3, 4), Uint8Array.of(9, 9, 9, 9), Uint8Array.of(0xff), 5, 19001, 'ünï'.slice(0, 3), null,
] as const;

function manifestBytes(): Uint8Array {
  return encodeManifest({
    schema: SCHEMA,
    spec: SPEC,
    formatVersion: 2,
    content: ManifestContent.DELETES,
    snapshotId: BIG_SNAPSHOT,
    entries: [
      {
        status: ManifestEntryStatus.ADDED,
        snapshotId: null,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile: {
          content: DataFileContent.EQUALITY_DELETES,
          filePath: 's3://b/t/data/eq.parquet',
          fileFormat: 'PARQUET',
          partition: [...PARTITION],
          recordCount: 3,
          fileSizeInBytes: 1234,
          columnSizes: new Map([[1, 100]]),
          valueCounts: new Map([[1, 3]]),
          nullValueCounts: new Map([[1, 0]]),
          nanValueCounts: new Map(),
          lowerBounds: new Map([[2, Uint8Array.of(1, 0, 0, 0)]]),
          upperBounds: new Map([[2, Uint8Array.of(9, 0, 0, 0)]]),
          splitOffsets: [4],
          equalityIds: [2, 3],
          sortOrderId: 0,
        },
      },
      {
        status: ManifestEntryStatus.EXISTING,
        snapshotId: BIG_SNAPSHOT - 1n,
        sequenceNumber: 2n ** 62n,
        fileSequenceNumber: 2n ** 62n + 1n,
        dataFile: {
          content: DataFileContent.POSITION_DELETES,
          filePath: 's3://b/t/data/pos.parquet',
          fileFormat: 'PARQUET',
          partition: PARTITION.map(() => null),
          recordCount: 1,
          fileSizeInBytes: 99,
        },
      },
    ],
  });
}

describe('independent decode with plain avsc', () => {
  it('a Floe manifest: header keys, field ids in the writer schema, values', async () => {
    const d = await decodeWithAvsc(manifestBytes());
    expect(d.header.get('avro.codec')).toBe('deflate');
    expect(JSON.parse(d.header.get('schema')!)).toMatchObject({ type: 'struct', 'schema-id': 3 });
    expect(d.header.get('schema-id')).toBe('3');
    expect(JSON.parse(d.header.get('partition-spec')!)[0]).toEqual({ name: 'Breed Name', transform: 'identity', 'source-id': 1, 'field-id': 1000 });
    expect(d.header.get('partition-spec-id')).toBe('7');
    expect(d.header.get('format-version')).toBe('2');
    expect(d.header.get('content')).toBe('deletes');

    const found = ids(d.writerSchema);
    for (const [path, id] of Object.entries(SPEC_ENTRY_IDS)) expect([path, found.get(path)]).toEqual([path, id]);
    const partitionIds = [...found].filter(([p]) => p.startsWith('data_file.partition.')).map(([, id]) => id);
    expect(partitionIds).toEqual(SPEC.fields.map((f) => f.fieldId));
    // Java's Avro names: a sanitised partition name keeps its real name in `iceberg-field-name`.
    const r102 = (d.writerSchema as { fields: { name: string; type: { fields: { name: string; type: { fields: unknown[] } }[] } }[] }).fields[4]!.type
      .fields[3]!.type.fields[0];
    expect(r102).toMatchObject({ name: 'Breed_x20Name', 'iceberg-field-name': 'Breed Name', 'field-id': 1000 });

    expect(d.records).toHaveLength(2);
    const [a, b] = d.records as Record<string, any>[];
    expect(a!['snapshot_id']).toBe(BIG_SNAPSHOT);
    expect(a!['sequence_number']).toBeNull();
    expect(a!['data_file']['equality_ids']).toEqual([2, 3]);
    expect(a!['data_file']['column_sizes']).toEqual([{ key: 1, value: 100n }]);
    const p = a!['data_file']['partition'];
    expect(p['Breed_x20Name']).toBe(true);
    expect(p['c8_decimal']).toEqual(Buffer.from((10n ** 37n).toString(16).padStart(32, '0'), 'hex')); // decimal(38,10) in fixed(16)
    expect(p['c7_decimal']).toEqual(Buffer.from('ffffffff', 'hex')); // -1 sign-extended in decimal(9,2)'s fixed(4)
    expect(p['c9_decimal']).toEqual(Buffer.from([0x00, 0x7b])); // decimal(3,2) 1.23 as Java writes it
    expect(p['c15_uuid']).toEqual(Buffer.from('f79c3e09677c4bbda4793f349cb785e7', 'hex'));
    expect(b!['snapshot_id']).toBe(BIG_SNAPSHOT - 1n);
    expect(b!['file_sequence_number']).toBe(2n ** 62n + 1n);
  });

  it('a Floe manifest reads through a manifest_entry schema transcribed from the spec', async () => {
    const partitionFields = [
      opt('Breed_x20Name', 'boolean'),
      opt('c2_int', 'int'),
      opt('c3_long', 'long'),
      opt('c4_float', 'float'),
      opt('c5_double', 'double'),
      opt('c6_decimal', { type: 'fixed', name: 'decimal_9_2', size: 4 }),
      opt('c7_decimal', 'decimal_9_2'),
      opt('c8_decimal', { type: 'fixed', name: 'decimal_38_10', size: 16 }),
      opt('c9_decimal', { type: 'fixed', name: 'decimal_3_2', size: 2 }),
      opt('c10_date', 'int'),
      opt('c11_time', 'long'),
      opt('c12_timestamp', 'long'),
      opt('c13_timestamptz', 'long'),
      opt('c14_string', 'string'),
      opt('c15_uuid', { type: 'fixed', name: 'uuid_fixed', size: 16 }),
      opt('c16_fixed', { type: 'fixed', name: 'fixed_4', size: 4 }),
      opt('c17_fixed', 'fixed_4'),
      opt('c18_binary', 'bytes'),
      opt('str_bucket', 'int'),
      opt('ts_day', 'int'),
      opt('str_trunc', 'string'),
      opt('_1st_void', 'int'),
    ];
    const d = await decodeWithAvsc(manifestBytes(), specManifestEntry(partitionFields));
    expect(d.records.map((r: Record<string, any>) => [r['status'], r['snapshot_id'], r['data_file']['file_path'], r['data_file']['content']])).toEqual([
      [1, BIG_SNAPSHOT, 's3://b/t/data/eq.parquet', 2],
      [0, BIG_SNAPSHOT - 1n, 's3://b/t/data/pos.parquet', 1],
    ]);
    const p = (d.records[0] as Record<string, any>)['data_file']['partition'];
    expect([p['c2_int'], p['c3_long'], p['c10_date'], p['c14_string'], p['_1st_void']]).toEqual([7, 1n << 60n, 19000, 'ünï', null]);
  });

  it('a Floe manifest list: header keys, field ids 500–519, values, and the spec schema reads it', async () => {
    const m = {
      manifestPath: 's3://b/t/metadata/x-m0.avro',
      manifestLength: 4242,
      partitionSpecId: 7,
      content: ManifestContent.DELETES,
      sequenceNumber: -1n,
      minSequenceNumber: 3n,
      addedSnapshotId: BIG_SNAPSHOT,
      addedFilesCount: 1,
      existingFilesCount: 2,
      deletedFilesCount: 0,
      addedRowsCount: 10,
      existingRowsCount: 20,
      deletedRowsCount: 0,
      partitions: [{ containsNull: true, containsNan: false, lowerBound: Uint8Array.of(1), upperBound: Uint8Array.of(2) }, { containsNull: true }],
    };
    const bytes = encodeManifestList({ snapshotId: BIG_SNAPSHOT, parentSnapshotId: BIG_SNAPSHOT - 5n, sequenceNumber: 42n, manifests: [m] });
    const d = await decodeWithAvsc(bytes);
    expect(d.header.get('snapshot-id')).toBe(String(BIG_SNAPSHOT));
    expect(d.header.get('parent-snapshot-id')).toBe(String(BIG_SNAPSHOT - 5n));
    expect(d.header.get('sequence-number')).toBe('42');
    expect(d.header.get('format-version')).toBe('2');
    const found = ids(d.writerSchema);
    for (const [path, id] of Object.entries(SPEC_LIST_IDS)) expect([path, found.get(path)]).toEqual([path, id]);

    const viaSpec = await decodeWithAvsc(bytes, SPEC_MANIFEST_FILE);
    expect(viaSpec.records).toEqual([
      {
        manifest_path: m.manifestPath,
        manifest_length: 4242n,
        partition_spec_id: 7,
        content: 1,
        sequence_number: 42n,
        min_sequence_number: 3n,
        added_snapshot_id: BIG_SNAPSHOT,
        added_files_count: 1,
        existing_files_count: 2,
        deleted_files_count: 0,
        added_rows_count: 10n,
        existing_rows_count: 20n,
        deleted_rows_count: 0n,
        partitions: [
          { contains_null: true, contains_nan: false, lower_bound: Buffer.of(1), upper_bound: Buffer.of(2) },
          { contains_null: true, contains_nan: null, lower_bound: null, upper_bound: null },
        ],
        key_metadata: null,
      },
    ]);
    // No parent: Java and PyIceberg write the string "null".
    const root = await decodeWithAvsc(encodeManifestList({ snapshotId: 1n, sequenceNumber: 1n, manifests: [] }));
    expect(root.header.get('parent-snapshot-id')).toBe('null');
  });
});
