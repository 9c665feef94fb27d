/**
 * Manifests (spec §Manifests): the Avro files listing data or delete files with their partition
 * tuples and column metrics. Pure codecs: bytes in, model out, and back.
 *
 * Writing follows Java's `ManifestWriter` for v2: ADDED and DELETED entries carry the writing
 * snapshot's id; ADDED entries leave their file sequence number null (assigned by inheritance
 * when the snapshot commits, spec §Sequence Number Inheritance) and may leave the data sequence
 * number null too; EXISTING and DELETED entries must carry both explicitly.
 *
 * Reading accepts v1 and v2 files from any writer, resolving fields by field id against the
 * file's own schema.
 *
 * @module
 */
import { CorruptFileError, InvalidArgumentError } from '../errors.js';
import {
  DataFileContent,
  decodeSchema,
  encodePartitionFields,
  encodeSchema,
  ManifestContent,
  ManifestEntryStatus,
  partitionType as specPartitionType,
  type DataFile,
  type Literal,
  type ManifestEntry,
  type NestedField,
  type PartitionSpec,
  type Schema,
  type StructType,
} from '../spec/index.js';
import { parseJson, stringifyJson } from '../util/index.js';
import { readContainer, writeContainer } from './avro/container.js';
import {
  corrupt,
  intKeyMap,
  num,
  optBig,
  optBytes,
  optNum,
  optNumList,
  str,
  type Where,
} from './avro/decode-helpers.js';
import { makeCompatibleName } from './avro/iceberg-types.js';
import { manifestEntrySchemaV2, manifestEntrySchemaV3 } from './avro/schemas.js';
import { fieldById, WriterSchema, type AvroField } from './avro/writer-schema.js';
import { partitionValueFromAvro, partitionValueToAvro } from './partition-values.js';

/** Options of {@link encodeManifest}. */
export interface EncodeManifestOptions {
  /** The table schema the manifest is written with (stored in the `schema` header). */
  readonly schema: Schema;
  /** The partition spec of every file in the manifest. */
  readonly spec: PartitionSpec;
  /**
   * The table's format version: 2, or 3 (the data file fields `first_row_id`,
   * `referenced_data_file`, `content_offset`, `content_size_in_bytes`; spec §Manifests).
   */
  readonly formatVersion: 2 | 3;
  /** Whether the manifest lists data files or delete files. */
  readonly content: ManifestContent;
  /** The snapshot writing the manifest: recorded on its ADDED and DELETED entries. */
  readonly snapshotId: bigint;
  /** The entries, in order. */
  readonly entries: readonly ManifestEntry[];
}

/** Options of {@link decodeManifest}. */
export interface DecodeManifestOptions {
  /** The manifest's location, for error messages. */
  readonly path: string;
  /**
   * The partition type of the manifest's spec in the table (from `partitionType(spec, schema)`),
   * used to read partition values as the table's types (e.g. uuid, promoted longs); matched by
   * partition field id.
   */
  readonly partitionType?: StructType;
}

/** A decoded manifest. */
export interface DecodedManifest {
  /** The entries as written: sequence numbers and snapshot ids not yet inherited. */
  readonly entries: ManifestEntry[];
  /** The `format-version` header (1 when absent). */
  readonly formatVersion: number;
  /** The `content` header: data or deletes (data when absent, as in v1). */
  readonly content: ManifestContent;
  /** The `partition-spec-id` header, when present. */
  readonly specId?: number;
  /** The `schema` header, when present and decodable. */
  readonly schema?: Schema;
  /** The partition tuple's field ids, in tuple order (from the file's `r102` record). */
  readonly partitionFieldIds: readonly number[];
  /** Every header key, as written (for diagnostics). */
  readonly metadata: ReadonlyMap<string, string>;
}

// ---------------------------------------------------------------- encode

function toLong(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${n}`);
  return BigInt(n);
}

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function mapToAvro<V>(m: ReadonlyMap<number, V> | undefined, value: (v: V) => unknown): unknown {
  if (m === undefined) return null;
  return [...m].map(([key, v]) => ({ key, value: value(v) }));
}

function dataFileToAvro(f: DataFile, pt: StructType, avroNames: readonly string[], at: string, formatVersion: 2 | 3): Record<string, unknown> {
  if (f.partition.length !== pt.fields.length) {
    throw new InvalidArgumentError(
      `${at}: partition tuple has ${f.partition.length} values but the spec has ${pt.fields.length} fields`,
      { context: { file: f.filePath } },
    );
  }
  const partition: Record<string, unknown> = {};
  pt.fields.forEach((field, i) => {
    partition[avroNames[i]!] = partitionValueToAvro(f.partition[i] ?? null, field.type, field.name);
  });
  const count = (what: string) => (v: number) => toLong(v, `${at} ${what}`);
  return {
    content: f.content,
    file_path: f.filePath,
    file_format: f.fileFormat,
    partition,
    record_count: toLong(f.recordCount, `${at} record_count`),
    file_size_in_bytes: toLong(f.fileSizeInBytes, `${at} file_size_in_bytes`),
    column_sizes: mapToAvro(f.columnSizes, count('column_sizes')),
    value_counts: mapToAvro(f.valueCounts, count('value_counts')),
    null_value_counts: mapToAvro(f.nullValueCounts, count('null_value_counts')),
    nan_value_counts: mapToAvro(f.nanValueCounts, count('nan_value_counts')),
    lower_bounds: mapToAvro(f.lowerBounds, buf),
    upper_bounds: mapToAvro(f.upperBounds, buf),
    key_metadata: f.keyMetadata === undefined ? null : buf(f.keyMetadata),
    split_offsets: f.splitOffsets === undefined ? null : f.splitOffsets.map(count('split_offsets')),
    equality_ids: f.equalityIds === undefined ? null : [...f.equalityIds],
    sort_order_id: f.sortOrderId ?? null,
    ...(formatVersion >= 3
      ? {
          first_row_id: f.firstRowId ?? null,
          referenced_data_file: f.referencedDataFile ?? null,
          content_offset: f.contentOffset === undefined ? null : toLong(f.contentOffset, `${at} content_offset`),
          content_size_in_bytes: f.contentSizeInBytes === undefined ? null : toLong(f.contentSizeInBytes, `${at} content_size_in_bytes`),
        }
      : {}),
  };
}

/**
 * The v3 fields of an entry's file hold to the spec's rules (spec §First Row ID Inheritance): a
 * new (ADDED) data file and every delete file leave `first_row_id` null; and a v2 manifest
 * cannot carry `first_row_id` or a deletion vector's blob (it has no field for them: writing one
 * would drop them silently).
 */
function checkV3Fields(e: ManifestEntry, formatVersion: 2 | 3, at: string): void {
  const f = e.dataFile;
  if (formatVersion < 3) {
    if (f.firstRowId !== undefined || f.contentOffset !== undefined || f.contentSizeInBytes !== undefined) {
      throw new InvalidArgumentError(`${at}: ${f.firstRowId !== undefined ? 'first_row_id' : 'content_offset'} is a format v3 field; a v2 manifest cannot hold it`, {
        context: { file: f.filePath },
      });
    }
    return;
  }
  if (f.firstRowId === undefined) return;
  if (f.content !== DataFileContent.DATA) throw new InvalidArgumentError(`${at}: a delete file has no first_row_id`, { context: { file: f.filePath } });
  if (e.status === ManifestEntryStatus.ADDED) {
    throw new InvalidArgumentError(`${at}: an ADDED data file's first_row_id is assigned by inheritance at commit and must be null`, { context: { file: f.filePath } });
  }
  if (f.firstRowId < 0n) throw new InvalidArgumentError(`${at}: first_row_id must not be negative, got ${f.firstRowId}`, { context: { file: f.filePath } });
}

function entryToAvro(
  e: ManifestEntry,
  index: number,
  options: EncodeManifestOptions,
  pt: StructType,
  avroNames: readonly string[],
): Record<string, unknown> {
  const at = `manifest entry ${index} (${e.dataFile.filePath})`;
  const isDeleteFile = e.dataFile.content !== DataFileContent.DATA;
  if (isDeleteFile !== (options.content === ManifestContent.DELETES)) {
    throw new InvalidArgumentError(
      `${at}: a ${options.content === ManifestContent.DELETES ? 'delete' : 'data'} manifest cannot hold a file with content ${e.dataFile.content}`,
    );
  }
  let snapshotId: bigint;
  if (e.status === ManifestEntryStatus.EXISTING) {
    // spec §Manifest Entry Fields: existing entries keep the snapshot and sequence numbers
    // they were committed with.
    if (e.snapshotId === null || e.sequenceNumber === null || e.fileSequenceNumber === null) {
      throw new InvalidArgumentError(`${at}: an EXISTING entry needs its snapshot id and both sequence numbers`);
    }
    snapshotId = e.snapshotId;
  } else {
    // ADDED and DELETED entries record the snapshot that added or deleted the file (Java's
    // `wrapAppend` / `wrapDelete` do the same).
    snapshotId = options.snapshotId;
    if (e.status === ManifestEntryStatus.DELETED && (e.sequenceNumber === null || e.fileSequenceNumber === null)) {
      throw new InvalidArgumentError(`${at}: a DELETED entry needs both sequence numbers of the file it deletes`);
    }
    if (e.status === ManifestEntryStatus.ADDED && e.fileSequenceNumber !== null) {
      // spec §Sequence Number Inheritance: "the file sequence number must be always assigned
      // when the snapshot is successfully committed", i.e. inherited.
      throw new InvalidArgumentError(`${at}: an ADDED entry's file sequence number is assigned at commit and must be null`);
    }
  }
  checkV3Fields(e, options.formatVersion, at);
  return {
    status: e.status,
    snapshot_id: snapshotId,
    sequence_number: e.sequenceNumber,
    file_sequence_number: e.fileSequenceNumber,
    data_file: dataFileToAvro(e.dataFile, pt, avroNames, at, options.formatVersion),
  };
}

/**
 * Encodes a v2 or v3 manifest: Java's `manifest_entry` Avro schema for the spec's partition type
 * (v3: with the data file fields 142–145),
 * the header keys `schema`, `schema-id`, `partition-spec`, `partition-spec-id`,
 * `format-version` and `content`, deflate blocks.
 * @param options schema, spec, content, snapshot id and entries
 * @returns the file's bytes
 * @throws InvalidArgumentError when an entry breaks a spec rule (partition arity or types,
 *   content, required sequence numbers, `first_row_id` of an added or delete file, a v3 field in
 *   a v2 manifest) or a count is not a non-negative integer
 */
export function encodeManifest(options: EncodeManifestOptions): Uint8Array {
  const pt = specPartitionType(options.spec, options.schema);
  const avroNames = pt.fields.map((f) => makeCompatibleName(f.name));
  const records = options.entries.map((e, i) => entryToAvro(e, i, options, pt, avroNames));
  return writeContainer({
    schema: options.formatVersion >= 3 ? manifestEntrySchemaV3(pt) : manifestEntrySchemaV2(pt),
    metadata: {
      schema: stringifyJson(encodeSchema(options.schema)),
      'schema-id': String(options.schema.schemaId),
      'partition-spec': stringifyJson(encodePartitionFields(options.spec)),
      'partition-spec-id': String(options.spec.specId),
      'format-version': String(options.formatVersion),
      content: options.content === ManifestContent.DELETES ? 'deletes' : 'data',
    },
    codec: 'deflate',
    records,
  });
}

// ---------------------------------------------------------------- decode

interface PartitionReader {
  readonly field: AvroField;
  readonly type: NestedField['type'] | undefined;
}

function partitionReaders(fields: readonly AvroField[], pt: StructType | undefined): PartitionReader[] {
  return fields.map((field, i) => {
    // Match the table's partition field by id; without ids (old v1 writers), by position.
    const match = field.id !== undefined ? pt?.fields.find((f) => f.id === field.id) : pt?.fields[i];
    return { field, type: match?.type };
  });
}

function headerInt(meta: ReadonlyMap<string, string>, key: string, path: string): number | undefined {
  const v = meta.get(key);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new CorruptFileError(path, `header ${key} is not an integer: ${v}`, { context: { key } });
  return Number(v.trim());
}

function required(fields: readonly AvroField[], id: number, name: string, path: string): AvroField {
  const f = fieldById(fields, id, name);
  if (f === undefined) throw new CorruptFileError(path, `manifest schema has no field ${id} ${name}`, { context: { fieldId: id } });
  return f;
}

/**
 * Decodes a manifest of any format version and writer.
 * @param bytes the file
 * @param options the path (for errors) and optionally the table's partition type
 * @throws CorruptFileError naming the path when the bytes are not a valid manifest
 * @throws UnsupportedError for an Avro codec Floe cannot read
 */
export function decodeManifest(bytes: Uint8Array, options: DecodeManifestOptions): DecodedManifest {
  const { path } = options;
  const file = readContainer(bytes, path);
  const ws = new WriterSchema(file.schema);
  const top = ws.fields(file.schema);
  if (top === undefined) throw new CorruptFileError(path, 'manifest schema is not a record');
  const fStatus = required(top, 0, 'status', path);
  const fSnapshot = fieldById(top, 1, 'snapshot_id');
  const fSeq = fieldById(top, 3, 'sequence_number');
  const fFileSeq = fieldById(top, 4, 'file_sequence_number');
  const fDataFile = required(top, 2, 'data_file', path);
  const df = ws.fields(fDataFile.type);
  if (df === undefined) throw new CorruptFileError(path, 'manifest field data_file is not a record');
  const d = {
    content: fieldById(df, 134, 'content'),
    filePath: required(df, 100, 'file_path', path),
    fileFormat: required(df, 101, 'file_format', path),
    partition: required(df, 102, 'partition', path),
    recordCount: required(df, 103, 'record_count', path),
    fileSize: required(df, 104, 'file_size_in_bytes', path),
    columnSizes: fieldById(df, 108, 'column_sizes'),
    valueCounts: fieldById(df, 109, 'value_counts'),
    nullCounts: fieldById(df, 110, 'null_value_counts'),
    nanCounts: fieldById(df, 137, 'nan_value_counts'),
    lower: fieldById(df, 125, 'lower_bounds'),
    upper: fieldById(df, 128, 'upper_bounds'),
    keyMetadata: fieldById(df, 131, 'key_metadata'),
    splitOffsets: fieldById(df, 132, 'split_offsets'),
    equalityIds: fieldById(df, 135, 'equality_ids'),
    sortOrderId: fieldById(df, 140, 'sort_order_id'),
    // v3 (spec §Manifests, data_file fields 142-145)
    firstRowId: fieldById(df, 142, 'first_row_id'),
    referencedDataFile: fieldById(df, 143, 'referenced_data_file'),
    contentOffset: fieldById(df, 144, 'content_offset'),
    contentSize: fieldById(df, 145, 'content_size_in_bytes'),
  };
  const pFields = ws.fields(d.partition.type);
  if (pFields === undefined) throw new CorruptFileError(path, 'manifest field partition is not a record');
  const readers = partitionReaders(pFields, options.partitionType);

  const entries = file.records.map((raw, record): ManifestEntry => {
    const where: Where = { path, record };
    const r = raw as Record<string, unknown>;
    const status = num(r[fStatus.name], where, 'status');
    if (status !== 0 && status !== 1 && status !== 2) corrupt(where, 'status', `has unknown value ${status}`);
    const f = r[fDataFile.name] as Record<string, unknown>;
    const get = (field: AvroField | undefined): unknown => (field === undefined ? undefined : f[field.name]);
    const content = get(d.content) === undefined ? 0 : num(get(d.content), where, 'content');
    if (content !== 0 && content !== 1 && content !== 2) corrupt(where, 'content', `has unknown value ${content}`);
    const p = f[d.partition.name] as Record<string, unknown>;
    const partition = readers.map(({ field, type }): Literal | null => {
      const v = partitionValueFromAvro(p[field.name], field.type, type);
      if (v === undefined) corrupt(where, `partition.${field.name}`, 'has an unsupported avro type');
      return v;
    });
    const longToNum = (name: string) => (x: unknown) => num(x, where, name);
    const toBytes = (name: string) => (x: unknown) => optBytes(x, where, name) ?? corrupt(where, name, 'has a null value');
    const columnSizes = intKeyMap(get(d.columnSizes), where, 'column_sizes', longToNum('column_sizes'));
    const valueCounts = intKeyMap(get(d.valueCounts), where, 'value_counts', longToNum('value_counts'));
    const nullValueCounts = intKeyMap(get(d.nullCounts), where, 'null_value_counts', longToNum('null_value_counts'));
    const nanValueCounts = intKeyMap(get(d.nanCounts), where, 'nan_value_counts', longToNum('nan_value_counts'));
    const lowerBounds = intKeyMap(get(d.lower), where, 'lower_bounds', toBytes('lower_bounds'));
    const upperBounds = intKeyMap(get(d.upper), where, 'upper_bounds', toBytes('upper_bounds'));
    const keyMetadata = optBytes(get(d.keyMetadata), where, 'key_metadata');
    const splitOffsets = optNumList(get(d.splitOffsets), where, 'split_offsets');
    const equalityIds = optNumList(get(d.equalityIds), where, 'equality_ids');
    const sortOrderId = optNum(get(d.sortOrderId), where, 'sort_order_id');
    const firstRowId = optBig(get(d.firstRowId), where, 'first_row_id');
    const rawReferenced = get(d.referencedDataFile);
    const referencedDataFile = rawReferenced === null || rawReferenced === undefined ? undefined : str(rawReferenced, where, 'referenced_data_file');
    const contentOffset = optNum(get(d.contentOffset), where, 'content_offset');
    const contentSizeInBytes = optNum(get(d.contentSize), where, 'content_size_in_bytes');
    if (contentOffset !== undefined && contentSizeInBytes === undefined) corrupt(where, 'content_size_in_bytes', 'is missing while content_offset is set');
    const dataFile: DataFile = {
      content: content as DataFileContent,
      filePath: str(get(d.filePath), where, 'file_path'),
      fileFormat: str(get(d.fileFormat), where, 'file_format'),
      partition,
      recordCount: num(get(d.recordCount), where, 'record_count'),
      fileSizeInBytes: num(get(d.fileSize), where, 'file_size_in_bytes'),
      ...(columnSizes && { columnSizes }),
      ...(valueCounts && { valueCounts }),
      ...(nullValueCounts && { nullValueCounts }),
      ...(nanValueCounts && { nanValueCounts }),
      ...(lowerBounds && { lowerBounds }),
      ...(upperBounds && { upperBounds }),
      ...(keyMetadata && { keyMetadata }),
      ...(splitOffsets && { splitOffsets }),
      ...(equalityIds && { equalityIds }),
      ...(sortOrderId !== undefined && { sortOrderId }),
      ...(firstRowId !== null && { firstRowId }),
      ...(referencedDataFile !== undefined && { referencedDataFile }),
      ...(contentOffset !== undefined && { contentOffset }),
      ...(contentSizeInBytes !== undefined && { contentSizeInBytes }),
    };
    return {
      status: status as ManifestEntryStatus,
      snapshotId: fSnapshot === undefined ? null : optBig(r[fSnapshot.name], where, 'snapshot_id'),
      sequenceNumber: fSeq === undefined ? null : optBig(r[fSeq.name], where, 'sequence_number'),
      fileSequenceNumber: fFileSeq === undefined ? null : optBig(r[fFileSeq.name], where, 'file_sequence_number'),
      dataFile,
    };
  });

  const meta = file.metadata;
  const specId = headerInt(meta, 'partition-spec-id', path);
  const contentHeader = meta.get('content');
  if (contentHeader !== undefined && contentHeader !== 'data' && contentHeader !== 'deletes') {
    throw new CorruptFileError(path, `header content must be data or deletes, got ${contentHeader}`);
  }
  let schema: Schema | undefined;
  const schemaText = meta.get('schema');
  if (schemaText !== undefined) {
    try {
      schema = decodeSchema(parseJson(schemaText), path);
    } catch {
      // The table schema in the header is informational for readers (the table metadata holds
      // the authoritative one); a writer's quirk there must not make the manifest unreadable.
      schema = undefined;
    }
  }
  return {
    entries,
    formatVersion: headerInt(meta, 'format-version', path) ?? 1,
    content: contentHeader === 'deletes' ? ManifestContent.DELETES : ManifestContent.DATA,
    ...(specId !== undefined && { specId }),
    ...(schema !== undefined && { schema }),
    partitionFieldIds: pFields.map((f, i) => f.id ?? options.partitionType?.fields[i]?.id ?? 1000 + i),
    metadata: meta,
  };
}
