/**
 * The manifest-list entry of a manifest that a v1 snapshot lists inline.
 *
 * A v1 snapshot may carry `manifests`, "a list of manifest file locations", instead of a
 * `manifest-list` (Iceberg spec §Snapshots). Such a manifest has no list entry to say its
 * spec, counts or partition summaries, so they are taken from the manifest itself, as Java does:
 * `BaseSnapshot.cacheManifests` makes each location a manifest added by the listing snapshot,
 * `ManifestReader` takes the spec from the file's `partition-spec-id` header (spec id 0 when
 * absent), and `SnapshotProducer.addMetadata` counts the entries and summarizes their partitions
 * when such a manifest goes into a new manifest list. Sequence numbers are 0, as for every v1
 * manifest (spec §Manifest Lists: "use 0 when reading v1 manifest lists").
 *
 * @module
 */
import { CorruptFileError } from '../errors.js';
import { type FieldSummary, ManifestEntryStatus, type ManifestFile, type StructType } from '../spec/index.js';
import { decodeManifest } from './manifest-codec.js';
import { summarizePartitions } from './summary.js';

/** Options of {@link manifestFileFromManifest}. */
export interface InlineManifestOptions {
  /** The manifest's location as the snapshot lists it. */
  readonly path: string;
  /** The snapshot that lists it. */
  readonly addedSnapshotId: bigint;
  /** The table's partition type of a spec (from `partitionType(spec, schema)`). */
  readonly partitionTypeOf: (specId: number) => StructType;
}

/**
 * Builds the manifest-list entry of an inline (v1) manifest from its bytes (see the module comment).
 * @param bytes the manifest file
 * @param options its location, the listing snapshot, and the table's partition types
 * @throws CorruptFileError naming the path when the bytes are not a valid manifest
 * @throws whatever `partitionTypeOf` throws for a spec the table lacks
 */
export function manifestFileFromManifest(bytes: Uint8Array, options: InlineManifestOptions): ManifestFile {
  const { path } = options;
  // The header names the spec, whose partition type is needed to read the values exactly.
  const specId = decodeManifest(bytes, { path }).specId ?? 0;
  const partitionType = options.partitionTypeOf(specId);
  const manifest = decodeManifest(bytes, { path, partitionType });
  // [files, rows] per entry status
  const counts: Record<ManifestEntryStatus, [number, number]> = {
    [ManifestEntryStatus.ADDED]: [0, 0],
    [ManifestEntryStatus.EXISTING]: [0, 0],
    [ManifestEntryStatus.DELETED]: [0, 0],
  };
  for (const e of manifest.entries) {
    counts[e.status][0] += 1;
    counts[e.status][1] += e.dataFile.recordCount;
  }
  return {
    manifestPath: path,
    manifestLength: bytes.length,
    partitionSpecId: specId,
    content: manifest.content,
    sequenceNumber: 0n,
    minSequenceNumber: 0n,
    addedSnapshotId: options.addedSnapshotId,
    addedFilesCount: counts[ManifestEntryStatus.ADDED][0],
    existingFilesCount: counts[ManifestEntryStatus.EXISTING][0],
    deletedFilesCount: counts[ManifestEntryStatus.DELETED][0],
    addedRowsCount: counts[ManifestEntryStatus.ADDED][1],
    existingRowsCount: counts[ManifestEntryStatus.EXISTING][1],
    deletedRowsCount: counts[ManifestEntryStatus.DELETED][1],
    partitions: summarize(partitionType, manifest.entries.map((e) => e.dataFile.partition), path, specId),
  };
}

function summarize(partitionType: StructType, tuples: Parameters<typeof summarizePartitions>[1], path: string, specId: number): FieldSummary[] {
  try {
    return summarizePartitions(partitionType, tuples);
  } catch (e) {
    throw new CorruptFileError(path, `partition tuples do not match partition spec ${specId}`, { cause: e, context: { specId } });
  }
}
