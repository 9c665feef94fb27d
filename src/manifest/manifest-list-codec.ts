/**
 * Manifest lists (spec §Manifest Lists): one per snapshot attempt, naming its manifests with
 * their sequence numbers, file and row counts and partition summaries. Pure codecs.
 *
 * Writing follows Java's `ManifestListWriter` for v2: a manifest written by this snapshot may
 * carry {@link UNASSIGNED_SEQUENCE_NUMBER} as its sequence number and min sequence number
 * (what {@link writeManifest} returns), and is stamped with the list's sequence number here,
 * which is how a manifest written once is reused across commit retries (spec §Sequence Number
 * Inheritance: "To change a sequence number for a retry, only the manifest list must be
 * rewritten").
 *
 * @module
 */
import { CorruptFileError, InvalidArgumentError } from '../errors.js';
import type { FieldSummary, ManifestContent, ManifestFile } from '../spec/index.js';
import { readContainer, writeContainer } from './avro/container.js';
import { big, corrupt, num, optBytes, str, type Where } from './avro/decode-helpers.js';
import { MANIFEST_FILE_SCHEMA_V2, MANIFEST_FILE_SCHEMA_V3 } from './avro/schemas.js';
import { fieldById, WriterSchema, type AvroField } from './avro/writer-schema.js';

/**
 * The sequence number of a manifest that is not committed yet (Java's `UNASSIGNED_SEQ`).
 * {@link encodeManifestList} replaces it with the list's sequence number.
 */
export const UNASSIGNED_SEQUENCE_NUMBER = -1n;

/**
 * A file or row count a v1 manifest list left null ("when null this is assumed to be non-zero",
 * spec §Manifest Lists). The model's counts are numbers, so an unknown count decodes as this.
 */
export const UNKNOWN_COUNT = -1;

/** Options of {@link encodeManifestList}. */
export interface EncodeManifestListOptions {
  /** The snapshot the list belongs to (`snapshot-id` header). */
  readonly snapshotId: bigint;
  /** Its parent, if any (`parent-snapshot-id` header; `null` when absent, as Java writes). */
  readonly parentSnapshotId?: bigint;
  /** The snapshot's sequence number (`sequence-number` header, and inherited by new manifests). */
  readonly sequenceNumber: bigint;
  /** The manifests, in order (data and delete manifests alike). */
  readonly manifests: readonly ManifestFile[];
  /** The table's format version: 2 (default) or 3, whose lists carry `first_row_id` (520). */
  readonly formatVersion?: 2 | 3;
  /** v3: the snapshot's `first-row-id` (`first-row-id` header). */
  readonly firstRowId?: bigint;
}

/** Options of {@link decodeManifestList}. */
export interface DecodeManifestListOptions {
  /** The list's location, for error messages. */
  readonly path: string;
}

function count(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

function buf(b: Uint8Array | undefined): Buffer | null {
  return b === undefined ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function manifestToAvro(m: ManifestFile, index: number, o: EncodeManifestListOptions): Record<string, unknown> {
  const at = `manifest list entry ${index} (${m.manifestPath})`;
  let sequenceNumber = m.sequenceNumber;
  let minSequenceNumber = m.minSequenceNumber;
  if (sequenceNumber === UNASSIGNED_SEQUENCE_NUMBER) {
    // Only a manifest this snapshot wrote can inherit this snapshot's sequence number.
    if (m.addedSnapshotId !== o.snapshotId) {
      throw new InvalidArgumentError(
        `${at}: unassigned sequence number on a manifest added by snapshot ${m.addedSnapshotId}, not ${o.snapshotId}`,
      );
    }
    sequenceNumber = o.sequenceNumber;
  }
  if (minSequenceNumber === UNASSIGNED_SEQUENCE_NUMBER) minSequenceNumber = o.sequenceNumber;
  if (sequenceNumber < 0n || minSequenceNumber < 0n) throw new InvalidArgumentError(`${at}: negative sequence number`);
  if (m.firstRowId !== undefined) {
    // spec §First Row ID Assignment: delete manifests have none; a v2 list has no field for it.
    if ((o.formatVersion ?? 2) < 3) throw new InvalidArgumentError(`${at}: first_row_id is a format v3 field; a v2 manifest list cannot hold it`);
    if (m.content !== 0) throw new InvalidArgumentError(`${at}: a delete manifest has no first_row_id`);
    if (m.firstRowId < 0n) throw new InvalidArgumentError(`${at}: first_row_id must not be negative, got ${m.firstRowId}`);
  }
  return {
    manifest_path: m.manifestPath,
    manifest_length: BigInt(count(m.manifestLength, `${at} manifest_length`)),
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: sequenceNumber,
    min_sequence_number: minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: count(m.addedFilesCount, `${at} added_files_count`),
    existing_files_count: count(m.existingFilesCount, `${at} existing_files_count`),
    deleted_files_count: count(m.deletedFilesCount, `${at} deleted_files_count`),
    added_rows_count: BigInt(count(m.addedRowsCount, `${at} added_rows_count`)),
    existing_rows_count: BigInt(count(m.existingRowsCount, `${at} existing_rows_count`)),
    deleted_rows_count: BigInt(count(m.deletedRowsCount, `${at} deleted_rows_count`)),
    partitions:
      m.partitions === undefined
        ? null
        : m.partitions.map((s) => ({
            contains_null: s.containsNull,
            contains_nan: s.containsNan ?? null,
            lower_bound: buf(s.lowerBound),
            upper_bound: buf(s.upperBound),
          })),
    key_metadata: buf(m.keyMetadata),
    ...((o.formatVersion ?? 2) >= 3 ? { first_row_id: m.firstRowId ?? null } : {}),
  };
}

/**
 * Encodes a v2 or v3 manifest list (Java's `manifest_file` schema, field ids 500–519, and in v3
 * `first_row_id` 520; header keys `snapshot-id`, `parent-snapshot-id`, `sequence-number`,
 * `format-version`, and in v3 `first-row-id` as Java's `ManifestListWriter.V3Writer` writes it;
 * deflate).
 * @param options the snapshot, its parent and sequence number, and the manifests
 * @returns the file's bytes
 * @throws InvalidArgumentError when a count is not a non-negative integer, a manifest of
 *   another snapshot has an unassigned sequence number, or a `first_row_id` breaks a spec rule
 */
export function encodeManifestList(options: EncodeManifestListOptions): Uint8Array {
  const v3 = (options.formatVersion ?? 2) >= 3;
  return writeContainer({
    schema: v3 ? MANIFEST_FILE_SCHEMA_V3 : MANIFEST_FILE_SCHEMA_V2,
    metadata: {
      'snapshot-id': String(options.snapshotId),
      'parent-snapshot-id': options.parentSnapshotId === undefined ? 'null' : String(options.parentSnapshotId),
      'sequence-number': String(options.sequenceNumber),
      'format-version': v3 ? '3' : '2',
      ...(v3 && options.firstRowId !== undefined ? { 'first-row-id': String(options.firstRowId) } : {}),
    },
    codec: 'deflate',
    records: options.manifests.map((m, i) => manifestToAvro(m, i, options)),
  });
}

function summaries(v: unknown, itemFields: readonly AvroField[] | undefined, where: Where): FieldSummary[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v) || itemFields === undefined) return corrupt(where, 'partitions', 'is not a list of field summaries');
  const fNull = fieldById(itemFields, 509, 'contains_null');
  const fNan = fieldById(itemFields, 518, 'contains_nan');
  const fLower = fieldById(itemFields, 510, 'lower_bound');
  const fUpper = fieldById(itemFields, 511, 'upper_bound');
  return (v as unknown[]).map((raw) => {
    const s = raw as Record<string, unknown>;
    const containsNull = fNull === undefined ? undefined : s[fNull.name];
    if (typeof containsNull !== 'boolean') return corrupt(where, 'partitions.contains_null', 'is not a boolean');
    const nan = fNan === undefined ? null : s[fNan.name];
    const lower = fLower === undefined ? undefined : optBytes(s[fLower.name], where, 'partitions.lower_bound');
    const upper = fUpper === undefined ? undefined : optBytes(s[fUpper.name], where, 'partitions.upper_bound');
    return {
      containsNull,
      ...(typeof nan === 'boolean' && { containsNan: nan }),
      ...(lower && { lowerBound: lower }),
      ...(upper && { upperBound: upper }),
    };
  });
}

/**
 * Decodes a manifest list of any format version and writer. v1 lists have no sequence numbers
 * or content: they read as sequence number 0 and content data (spec §Manifest Lists).
 * @param bytes the file
 * @param options the path, for errors
 * @throws CorruptFileError naming the path when the bytes are not a valid manifest list
 * @throws UnsupportedError for an Avro codec Floe cannot read
 */
export function decodeManifestList(bytes: Uint8Array, options: DecodeManifestListOptions): ManifestFile[] {
  const { path } = options;
  const file = readContainer(bytes, path);
  const ws = new WriterSchema(file.schema);
  const top = ws.fields(file.schema);
  if (top === undefined) throw new CorruptFileError(path, 'manifest list schema is not a record');
  const need = (id: number, name: string): AvroField => {
    const f = fieldById(top, id, name);
    if (f === undefined) throw new CorruptFileError(path, `manifest list schema has no field ${id} ${name}`, { context: { fieldId: id } });
    return f;
  };
  const f = {
    path: need(500, 'manifest_path'),
    length: need(501, 'manifest_length'),
    specId: need(502, 'partition_spec_id'),
    addedSnapshotId: need(503, 'added_snapshot_id'),
    content: fieldById(top, 517, 'content'),
    seq: fieldById(top, 515, 'sequence_number'),
    minSeq: fieldById(top, 516, 'min_sequence_number'),
    // Without field ids: the spec's names or Java's v1 names (`added_data_files_count`, …).
    addedFiles: fieldById(top, 504, ['added_files_count', 'added_data_files_count']),
    existingFiles: fieldById(top, 505, ['existing_files_count', 'existing_data_files_count']),
    deletedFiles: fieldById(top, 506, ['deleted_files_count', 'deleted_data_files_count']),
    addedRows: fieldById(top, 512, 'added_rows_count'),
    existingRows: fieldById(top, 513, 'existing_rows_count'),
    deletedRows: fieldById(top, 514, 'deleted_rows_count'),
    partitions: fieldById(top, 507, 'partitions'),
    keyMetadata: fieldById(top, 519, 'key_metadata'),
    firstRowId: fieldById(top, 520, 'first_row_id'),
  };
  const partitionItems = f.partitions === undefined ? undefined : ws.items(f.partitions.type);
  const itemFields = partitionItems === undefined ? undefined : ws.fields(partitionItems);

  return file.records.map((raw, record): ManifestFile => {
    const where: Where = { path, record };
    const r = raw as Record<string, unknown>;
    const get = (field: AvroField | undefined): unknown => (field === undefined ? undefined : r[field.name]);
    const optCount = (field: AvroField | undefined, name: string): number => {
      const v = get(field);
      return v === null || v === undefined ? UNKNOWN_COUNT : num(v, where, name);
    };
    const seqOrZero = (field: AvroField | undefined, name: string): bigint => {
      const v = get(field);
      return v === null || v === undefined ? 0n : big(v, where, name);
    };
    const content = get(f.content) === undefined || get(f.content) === null ? 0 : num(get(f.content), where, 'content');
    if (content !== 0 && content !== 1) corrupt(where, 'content', `has unknown value ${content}`);
    const partitions = summaries(get(f.partitions), itemFields, where);
    const keyMetadata = optBytes(get(f.keyMetadata), where, 'key_metadata');
    const rawFirstRowId = get(f.firstRowId);
    const firstRowId = rawFirstRowId === null || rawFirstRowId === undefined ? undefined : big(rawFirstRowId, where, 'first_row_id');
    return {
      manifestPath: str(get(f.path), where, 'manifest_path'),
      manifestLength: num(get(f.length), where, 'manifest_length'),
      partitionSpecId: num(get(f.specId), where, 'partition_spec_id'),
      content: content as ManifestContent,
      sequenceNumber: seqOrZero(f.seq, 'sequence_number'),
      minSequenceNumber: seqOrZero(f.minSeq, 'min_sequence_number'),
      addedSnapshotId: big(get(f.addedSnapshotId), where, 'added_snapshot_id'),
      addedFilesCount: optCount(f.addedFiles, 'added_files_count'),
      existingFilesCount: optCount(f.existingFiles, 'existing_files_count'),
      deletedFilesCount: optCount(f.deletedFiles, 'deleted_files_count'),
      addedRowsCount: optCount(f.addedRows, 'added_rows_count'),
      existingRowsCount: optCount(f.existingRows, 'existing_rows_count'),
      deletedRowsCount: optCount(f.deletedRows, 'deleted_rows_count'),
      ...(partitions && { partitions }),
      ...(keyMetadata && { keyMetadata }),
      ...(firstRowId !== undefined && { firstRowId }),
    };
  });
}

