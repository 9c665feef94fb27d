/**
 * One loaded version of a table: the unit every commit starts from.
 *
 * @module
 */
import type { TableMetadata } from '../spec/index.js';

/** A metadata version with where it came from. */
export interface TableState {
  /** The metadata version number. */
  readonly version: number;
  /** The metadata file's path relative to the table root. */
  readonly path: string;
  /** The decoded metadata. */
  readonly metadata: TableMetadata;
}

/**
 * The table property under which each commit records its commit id. Version `k` was written by
 * the commit whose id it carries; after an "outcome unknown" a writer scans the versions after
 * its base for its own id before re-applying anything (spec/commit-protocol.md §C5).
 */
export const COMMIT_ID_PROPERTY = 'floe.commit-id';
/** The snapshot-summary key carrying the commit id (the same value, for people and lineage). */
export const COMMIT_ID_SUMMARY_KEY = 'floe.commit-id';
