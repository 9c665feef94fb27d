/**
 * Table metadata (Iceberg spec §Table Metadata), the in-memory model. v1 and v2 files are read;
 * v2 is written.
 *
 * @module
 */
import type { PartitionSpec } from './partition.js';
import type { MetadataLogEntry, Snapshot, SnapshotLogEntry, SnapshotRef } from './snapshot.js';
import type { SortOrder } from './sort-order.js';
import type { Schema } from './types.js';

/** The whole state of a table at one metadata version. */
export interface TableMetadata {
  /** 1 or 2 as read; Floe writes 2. */
  readonly formatVersion: 1 | 2;
  /** The table's uuid, fixed at creation. */
  readonly tableUuid: string;
  /** The table's base location as recorded (may be `s3a://…` or relative for foreign tables). */
  readonly location: string;
  /** The highest sequence number assigned so far. */
  readonly lastSequenceNumber: bigint;
  /** When this metadata was written, ms since the epoch. */
  readonly lastUpdatedMs: number;
  /** The highest field id assigned so far; ids only grow. */
  readonly lastColumnId: number;
  /** Every schema the table has had. */
  readonly schemas: readonly Schema[];
  /** The current schema's id. */
  readonly currentSchemaId: number;
  /** Every partition spec the table has had. */
  readonly partitionSpecs: readonly PartitionSpec[];
  /** The spec new data is written with. */
  readonly defaultSpecId: number;
  /** The highest partition field id assigned so far. */
  readonly lastPartitionId: number;
  /** Table properties. */
  readonly properties: Readonly<Record<string, string>>;
  /** The current snapshot of `main`, or null for a table with no snapshot. */
  readonly currentSnapshotId: bigint | null;
  /** Every snapshot still tracked. */
  readonly snapshots: readonly Snapshot[];
  /** When each snapshot became current. */
  readonly snapshotLog: readonly SnapshotLogEntry[];
  /** Earlier metadata files. */
  readonly metadataLog: readonly MetadataLogEntry[];
  /** Every sort order. */
  readonly sortOrders: readonly SortOrder[];
  /** The default sort order's id. */
  readonly defaultSortOrderId: number;
  /** Named branches and tags; `main` is present whenever there is a current snapshot. */
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  /** Statistics and partition-statistics entries, kept as read so that rewrites preserve them. */
  readonly statistics?: readonly unknown[];
  /** See `statistics`. */
  readonly partitionStatistics?: readonly unknown[];
}
