/**
 * Manifests and manifest lists through an {@link ObjectStore}: the codecs plus one get or one
 * put. Writes use put mode `create`: manifests and lists have fresh uuid names and are never
 * overwritten, so an existing object means a naming bug, never something to replace.
 *
 * @module
 */
import { ManifestEntryStatus, partitionType, type ManifestFile, type StructType } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import { decodeManifest, encodeManifest, type DecodedManifest, type EncodeManifestOptions } from './manifest-codec.js';
import {
  decodeManifestList,
  encodeManifestList,
  UNASSIGNED_SEQUENCE_NUMBER,
  type EncodeManifestListOptions,
} from './manifest-list-codec.js';
import { summarizePartitions } from './summary.js';

const AVRO = 'application/avro';

/**
 * Writes a v2 manifest (see {@link encodeManifest}) and returns its manifest-list entry.
 *
 * The entry's `sequenceNumber` is {@link UNASSIGNED_SEQUENCE_NUMBER}: the manifest's ADDED
 * entries inherit the sequence number of the snapshot that commits it, which is only known per
 * commit attempt; {@link encodeManifestList} stamps it. `minSequenceNumber` is the lowest
 * explicit data sequence number of a live (ADDED or EXISTING) entry, else also unassigned
 * (Java's `ManifestWriter.toManifestFile`). `manifestPath` is `path` as given: callers that
 * record another location (a full URI) replace it.
 *
 * @param store where to write
 * @param path the manifest's key in the store (a fresh name)
 * @param options what to write
 * @throws InvalidArgumentError when an entry breaks a spec rule (see {@link encodeManifest})
 * @throws AlreadyExistsError when an object is already at `path`
 */
export async function writeManifest(store: ObjectStore, path: string, options: EncodeManifestOptions): Promise<ManifestFile> {
  const { bytes, file } = encodeManifestFile(path, options);
  await store.put(path, bytes, { mode: { kind: 'create' }, contentType: AVRO });
  return file;
}

/**
 * Encodes a v2 manifest and describes it as {@link writeManifest} does, without writing it: a
 * commit puts the bytes concurrently with its data files and manifest list (the entry needs only
 * the encoded length, not the stored object).
 * @param path the manifest's key in the store (a fresh name), recorded as `manifestPath`
 * @param options what to encode
 * @throws InvalidArgumentError when an entry breaks a spec rule (see {@link encodeManifest})
 */
export function encodeManifestFile(path: string, options: EncodeManifestOptions): { readonly bytes: Uint8Array; readonly file: ManifestFile } {
  const bytes = encodeManifest(options);
  const pt = partitionType(options.spec, options.schema);
  let added = 0;
  let existing = 0;
  let deleted = 0;
  let addedRows = 0;
  let existingRows = 0;
  let deletedRows = 0;
  let minSeq: bigint | undefined;
  for (const e of options.entries) {
    const rows = e.dataFile.recordCount;
    if (e.status === ManifestEntryStatus.ADDED) {
      added += 1;
      addedRows += rows;
    } else if (e.status === ManifestEntryStatus.EXISTING) {
      existing += 1;
      existingRows += rows;
    } else {
      deleted += 1;
      deletedRows += rows;
    }
    if (e.status !== ManifestEntryStatus.DELETED && e.sequenceNumber !== null) {
      if (minSeq === undefined || e.sequenceNumber < minSeq) minSeq = e.sequenceNumber;
    }
  }
  const file: ManifestFile = {
    manifestPath: path,
    manifestLength: bytes.length,
    partitionSpecId: options.spec.specId,
    content: options.content,
    sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
    minSequenceNumber: minSeq ?? UNASSIGNED_SEQUENCE_NUMBER,
    addedSnapshotId: options.snapshotId,
    addedFilesCount: added,
    existingFilesCount: existing,
    deletedFilesCount: deleted,
    addedRowsCount: addedRows,
    existingRowsCount: existingRows,
    deletedRowsCount: deletedRows,
    partitions: summarizePartitions(
      pt,
      options.entries.map((e) => e.dataFile.partition),
    ),
  };
  return { bytes, file };
}

/** Options of {@link readManifest}. */
export interface ReadManifestOptions {
  /** The table's partition type for the manifest's spec (see `DecodeManifestOptions`). */
  readonly partitionType?: StructType;
}

/**
 * Reads and decodes a manifest (any format version and writer).
 * @param store where to read
 * @param path the manifest's key
 * @param options the table's partition type, if known
 * @throws NotFoundError when the manifest is missing
 * @throws CorruptFileError when it cannot be decoded
 */
export async function readManifest(store: ObjectStore, path: string, options: ReadManifestOptions = {}): Promise<DecodedManifest> {
  const { bytes } = await store.get(path);
  return decodeManifest(bytes, { path, ...(options.partitionType && { partitionType: options.partitionType }) });
}

/**
 * Writes a v2 manifest list (see {@link encodeManifestList}).
 * @param store where to write
 * @param path the list's key (a fresh `snap-<id>-<attempt>-<uuid>.avro` name)
 * @param options the snapshot and its manifests
 * @returns the list's length in bytes
 * @throws InvalidArgumentError when a manifest entry is invalid
 * @throws AlreadyExistsError when an object is already at `path`
 */
export async function writeManifestList(store: ObjectStore, path: string, options: EncodeManifestListOptions): Promise<number> {
  const bytes = encodeManifestList(options);
  await store.put(path, bytes, { mode: { kind: 'create' }, contentType: AVRO });
  return bytes.length;
}

/**
 * Reads and decodes a manifest list (v1 or v2).
 * @param store where to read
 * @param path the list's key
 * @throws NotFoundError when the list is missing
 * @throws CorruptFileError when it cannot be decoded
 */
export async function readManifestList(store: ObjectStore, path: string): Promise<ManifestFile[]> {
  const { bytes } = await store.get(path);
  return decodeManifestList(bytes, { path });
}
