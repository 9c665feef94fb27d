/**
 * The Avro writer schemas of v2 manifests and manifest lists, field for field as Java Iceberg
 * 1.8/1.9 writes them (`V2Metadata`): same record names (`manifest_entry`, `r2`, `r102`,
 * `k117_v118`, …, `manifest_file`, `r508`), field order, docs, `field-id` / `element-id`
 * attributes, and maps with int keys written as arrays of key/value records with
 * `logicalType: map` (spec §Avro: "Maps with non-string keys"). Readers resolve by field id,
 * so only the ids and types matter to them; the names follow Java so that name-based readers
 * see what they already read from Spark tables, except manifest-list fields 504–506, which carry
 * the spec's names (see {@link MANIFEST_FILE_SCHEMA_V2}).
 *
 * @module
 */
import type { StructType } from '../../spec/index.js';
import { partitionRecordSchema, type AvroSchema } from './iceberg-types.js';

function optional(name: string, id: number, type: AvroSchema, doc?: string): Record<string, unknown> {
  return { name, type: ['null', type], ...(doc === undefined ? {} : { doc }), default: null, 'field-id': id };
}

function intMap(recordName: string, keyId: number, valueId: number, value: 'long' | 'bytes'): AvroSchema {
  return {
    type: 'array',
    items: {
      type: 'record',
      name: recordName,
      fields: [
        { name: 'key', type: 'int', 'field-id': keyId },
        { name: 'value', type: value, 'field-id': valueId },
      ],
    },
    logicalType: 'map',
  };
}

/**
 * The v2 `manifest_entry` schema for a partition type (spec §Manifests).
 * @param partitionType the partition type of the manifest's spec
 * @throws InvalidArgumentError when a partition field has a nested type
 */
export function manifestEntrySchemaV2(partitionType: StructType): Record<string, unknown> {
  return manifestEntrySchema(partitionType, []);
}

/**
 * The v3 `manifest_entry` schema for a partition type: v2's, with the data file fields 142–145
 * after `sort_order_id`, as Java's `V3Metadata` writes them (spec §Manifests, v3 column).
 * @param partitionType the partition type of the manifest's spec
 * @throws InvalidArgumentError when a partition field has a nested type
 */
export function manifestEntrySchemaV3(partitionType: StructType): Record<string, unknown> {
  return manifestEntrySchema(partitionType, [
    optional('first_row_id', 142, 'long', 'The first row ID assigned to the first row in the data file'),
    optional('referenced_data_file', 143, 'string', 'Fully qualified location (URI with FS scheme) of a data file that all deletes reference'),
    optional('content_offset', 144, 'long', 'The offset in the file where the content starts'),
    optional('content_size_in_bytes', 145, 'long', 'The length of referenced content stored in the file'),
  ]);
}

function manifestEntrySchema(partitionType: StructType, v3Fields: readonly Record<string, unknown>[]): Record<string, unknown> {
  const dataFile = {
    type: 'record',
    name: 'r2',
    fields: [
      { name: 'content', type: 'int', doc: 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes', 'field-id': 134 },
      { name: 'file_path', type: 'string', doc: 'Location URI with FS scheme', 'field-id': 100 },
      { name: 'file_format', type: 'string', doc: 'File format name: avro, orc, or parquet', 'field-id': 101 },
      {
        name: 'partition',
        type: partitionRecordSchema(partitionType, new Set()),
        doc: 'Partition data tuple, schema based on the partition spec',
        'field-id': 102,
      },
      { name: 'record_count', type: 'long', doc: 'Number of records in the file', 'field-id': 103 },
      { name: 'file_size_in_bytes', type: 'long', doc: 'Total file size in bytes', 'field-id': 104 },
      optional('column_sizes', 108, intMap('k117_v118', 117, 118, 'long'), 'Map of column id to total size on disk'),
      optional('value_counts', 109, intMap('k119_v120', 119, 120, 'long'), 'Map of column id to total count, including null and NaN'),
      optional('null_value_counts', 110, intMap('k121_v122', 121, 122, 'long'), 'Map of column id to null value count'),
      optional('nan_value_counts', 137, intMap('k138_v139', 138, 139, 'long'), 'Map of column id to number of NaN values in the column'),
      optional('lower_bounds', 125, intMap('k126_v127', 126, 127, 'bytes'), 'Map of column id to lower bound'),
      optional('upper_bounds', 128, intMap('k129_v130', 129, 130, 'bytes'), 'Map of column id to upper bound'),
      optional('key_metadata', 131, 'bytes', 'Encryption key metadata blob'),
      optional('split_offsets', 132, { type: 'array', items: 'long', 'element-id': 133 }, 'Splittable offsets'),
      optional('equality_ids', 135, { type: 'array', items: 'int', 'element-id': 136 }, 'Equality comparison field IDs'),
      optional('sort_order_id', 140, 'int', 'Sort order ID'),
      ...v3Fields,
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      optional('snapshot_id', 1, 'long'),
      optional('sequence_number', 3, 'long'),
      optional('file_sequence_number', 4, 'long'),
      { name: 'data_file', type: dataFile, 'field-id': 2 },
    ],
  };
}

/**
 * The v2 `manifest_file` schema of manifest lists (spec §Manifest Lists). Fields 504–506 carry
 * the spec's names `added_files_count`, `existing_files_count`, `deleted_files_count`, as the
 * Iceberg Java 1.8.1 API (test/fixtures/iceberg/java_bunnies), PyIceberg (`pyiceberg/manifest.py`)
 * and DuckDB (duckdb-iceberg `src/core/metadata/manifest/iceberg_manifest_list.cpp`) write them;
 * Spark and Athena tables (the other fixtures there) carry the older `added_data_files_count`
 * etc. Readers resolve these fields by id (Floe reads both names when a writer left the ids
 * out). `key_metadata` (519) is written as the spec lists it.
 */
export const MANIFEST_FILE_SCHEMA_V2: Readonly<Record<string, unknown>> = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', doc: 'Location URI with FS scheme', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', doc: 'Total file size in bytes', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', doc: 'Spec ID used to write', 'field-id': 502 },
    { name: 'content', type: 'int', doc: 'Contents of the manifest: 0=data, 1=deletes', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', doc: 'Sequence number when the manifest was added', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', doc: 'Lowest sequence number in the manifest', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', doc: 'Snapshot ID that added the manifest', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', doc: 'Added entry count', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', doc: 'Existing entry count', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', doc: 'Deleted entry count', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', doc: 'Added rows count', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', doc: 'Existing rows count', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', doc: 'Deleted rows count', 'field-id': 514 },
    optional(
      'partitions',
      507,
      {
        type: 'array',
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', doc: 'True if any file has a null partition value', 'field-id': 509 },
            optional('contains_nan', 518, 'boolean', 'True if any file has a nan partition value'),
            optional('lower_bound', 510, 'bytes', 'Partition lower bound for all files'),
            optional('upper_bound', 511, 'bytes', 'Partition upper bound for all files'),
          ],
        },
        'element-id': 508,
      },
      'Summary for each partition',
    ),
    optional('key_metadata', 519, 'bytes', 'Encryption key metadata blob'),
  ],
};

/**
 * The v3 `manifest_file` schema of manifest lists: v2's with `first_row_id` (520) last, as Java's
 * `V3Metadata.MANIFEST_LIST_SCHEMA` (spec §Manifest Lists, v3 column).
 */
export const MANIFEST_FILE_SCHEMA_V3: Readonly<Record<string, unknown>> = {
  ...MANIFEST_FILE_SCHEMA_V2,
  fields: [
    ...(MANIFEST_FILE_SCHEMA_V2['fields'] as readonly unknown[]),
    optional('first_row_id', 520, 'long', 'Starting row ID to assign to new rows in ADDED data files'),
  ],
};
