/**
 * Manifest and manifest-list entries (Iceberg spec §Manifests, §Manifest Lists), the in-memory
 * model. The Avro codecs live in `src/manifest/`.
 *
 * @module
 */
import type { Literal } from './values.js';

/** What a data file holds (spec §Manifests `content`). */
export const DataFileContent = { DATA: 0, POSITION_DELETES: 1, EQUALITY_DELETES: 2 } as const;
/** See {@link DataFileContent}. */
export type DataFileContent = (typeof DataFileContent)[keyof typeof DataFileContent];

/** Manifest entry status (spec §Manifest Entry Fields). */
export const ManifestEntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
/** See {@link ManifestEntryStatus}. */
export type ManifestEntryStatus = (typeof ManifestEntryStatus)[keyof typeof ManifestEntryStatus];

/** What a manifest tracks (spec §Manifest Lists `content`). */
export const ManifestContent = { DATA: 0, DELETES: 1 } as const;
/** See {@link ManifestContent}. */
export type ManifestContent = (typeof ManifestContent)[keyof typeof ManifestContent];

/** A data or delete file (spec §Data File Fields `data_file`). */
export interface DataFile {
  /** Data, position deletes or equality deletes. */
  readonly content: DataFileContent;
  /** Full location as recorded. */
  readonly filePath: string;
  /** `PARQUET`, `AVRO` or `ORC` (upper case, as written by Java). */
  readonly fileFormat: string;
  /** The partition tuple, one value per field of the file's spec, in the spec's order. */
  readonly partition: readonly (Literal | null)[];
  /** Rows in the file. */
  readonly recordCount: number;
  /** Size as recorded (may be stale in foreign tables: never used to find the footer). */
  readonly fileSizeInBytes: number;
  /** Field id → bytes on disk. */
  readonly columnSizes?: ReadonlyMap<number, number>;
  /** Field id → values, nulls included. */
  readonly valueCounts?: ReadonlyMap<number, number>;
  /** Field id → null values. */
  readonly nullValueCounts?: ReadonlyMap<number, number>;
  /** Field id → NaN values. */
  readonly nanValueCounts?: ReadonlyMap<number, number>;
  /** Field id → lower bound, single-value binary serialized (spec Appendix D). */
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>;
  /** Field id → upper bound, single-value binary serialized (spec Appendix D). */
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>;
  /** Encryption key metadata. */
  readonly keyMetadata?: Uint8Array;
  /** Row group start offsets. */
  readonly splitOffsets?: readonly number[];
  /** Equality-delete files: the field ids compared. */
  readonly equalityIds?: readonly number[];
  /** The sort order the file is written in. */
  readonly sortOrderId?: number;
  /** v3: the `_row_id` of the file's first row (spec §First Row ID Inheritance). */
  readonly firstRowId?: bigint;
  /** v2+: the one data file all of a delete file's deletes reference; set for every deletion vector. */
  readonly referencedDataFile?: string;
  /** v3: where a deletion vector's blob starts in its Puffin file. */
  readonly contentOffset?: number;
  /** v3: the deletion vector blob's length; present whenever `contentOffset` is. */
  readonly contentSizeInBytes?: number;
}

/** One entry of a manifest (spec §Manifest Entry Fields). */
export interface ManifestEntry {
  /** Existing, added or deleted. */
  readonly status: ManifestEntryStatus;
  /** The snapshot that added or deleted the file; inherited from the manifest list when null. */
  readonly snapshotId: bigint | null;
  /** Data sequence number; inherited when null (ADDED entries of a new manifest). */
  readonly sequenceNumber: bigint | null;
  /** File sequence number; inherited when null. */
  readonly fileSequenceNumber: bigint | null;
  /** The file. */
  readonly dataFile: DataFile;
}

/** Summary of one partition field over a manifest's files (spec §Manifest Lists `field_summary`). */
export interface FieldSummary {
  /** Whether some file has a null value for the field. */
  readonly containsNull: boolean;
  /** Whether some file has a NaN value for the field (absent when unknown). */
  readonly containsNan?: boolean;
  /** Lower bound over all files, single-value binary serialized. */
  readonly lowerBound?: Uint8Array;
  /** Upper bound over all files, single-value binary serialized. */
  readonly upperBound?: Uint8Array;
}

/** One entry of a manifest list: a manifest and its summary (spec §Manifest Lists `manifest_file`). */
export interface ManifestFile {
  /** Location of the manifest. */
  readonly manifestPath: string;
  /** Its length in bytes. */
  readonly manifestLength: number;
  /** The partition spec its files were written with. */
  readonly partitionSpecId: number;
  /** Data or deletes. */
  readonly content: ManifestContent;
  /** Sequence number when the manifest was added. */
  readonly sequenceNumber: bigint;
  /** The lowest data sequence number of its live files. */
  readonly minSequenceNumber: bigint;
  /** The snapshot that added the manifest. */
  readonly addedSnapshotId: bigint;
  /** Entries with status ADDED. */
  readonly addedFilesCount: number;
  /** Entries with status EXISTING. */
  readonly existingFilesCount: number;
  /** Entries with status DELETED. */
  readonly deletedFilesCount: number;
  /** Rows in ADDED files. */
  readonly addedRowsCount: number;
  /** Rows in EXISTING files. */
  readonly existingRowsCount: number;
  /** Rows in DELETED files. */
  readonly deletedRowsCount: number;
  /** One summary per partition field of its spec. */
  readonly partitions?: readonly FieldSummary[];
  /** Encryption key metadata. */
  readonly keyMetadata?: Uint8Array;
  /**
   * v3 data manifests: the `_row_id` its data files without a `first_row_id` start from (spec
   * §First Row ID Assignment); never set on delete manifests.
   */
  readonly firstRowId?: bigint;
}
