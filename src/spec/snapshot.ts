/**
 * Snapshots and refs (Iceberg spec §Snapshots, §Snapshot References).
 *
 * @module
 */

/** The branch every table has: its current state. */
export const MAIN_BRANCH = 'main';

/** Snapshot summary `operation` values (spec §Snapshots). */
export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

/** A snapshot summary: `operation` plus string metrics such as `added-records`. */
export interface SnapshotSummary {
  /** What kind of change produced the snapshot. */
  readonly operation: SnapshotOperation;
  /** Every other summary entry, as recorded (all values are strings on the wire). */
  readonly [key: string]: string;
}

/** The state of a table at some time (spec §Snapshots). */
export interface Snapshot {
  /** Unique id; a random int64, so always a bigint. */
  readonly snapshotId: bigint;
  /** The snapshot this one was built on, if any. */
  readonly parentSnapshotId?: bigint;
  /** The table's sequence number at this snapshot (0 in v1 tables). */
  readonly sequenceNumber: bigint;
  /** When the snapshot was created, ms since the epoch (from metadata, never object mtimes). */
  readonly timestampMs: number;
  /** Location of the manifest list. */
  readonly manifestList: string;
  /** The summary. */
  readonly summary: SnapshotSummary;
  /** The schema id current when the snapshot was written. */
  readonly schemaId?: number;
  /** v1 only: manifest locations when there is no manifest list. */
  readonly manifests?: readonly string[];
}

/** A named pointer to a snapshot (spec §Snapshot References). */
export interface SnapshotRef {
  /** The snapshot it points at. */
  readonly snapshotId: bigint;
  /** A branch moves with commits; a tag does not. */
  readonly type: 'branch' | 'tag';
  /** Branches: minimum snapshots to keep. */
  readonly minSnapshotsToKeep?: number;
  /** Branches: maximum snapshot age to keep, ms. */
  readonly maxSnapshotAgeMs?: number;
  /** Maximum age of the ref itself, ms. */
  readonly maxRefAgeMs?: number;
}

/** An entry of the snapshot log: which snapshot became current when. */
export interface SnapshotLogEntry {
  /** When it became current. */
  readonly timestampMs: number;
  /** The snapshot. */
  readonly snapshotId: bigint;
}

/** An entry of the metadata log: an earlier metadata file. */
export interface MetadataLogEntry {
  /** When it was written. */
  readonly timestampMs: number;
  /** Its location. */
  readonly metadataFile: string;
}
