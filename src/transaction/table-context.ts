/**
 * What actions need from the table they change: its name, its stores and locations, a clock.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import type { FileLocator } from '../store/index.js';
import type { Clock } from '../util/index.js';
import type { ManifestListMemo } from './head-manifests.js';
import type { TableRequirement, TableUpdate } from './updates.js';

/** One commit, as a catalog takes it: the change (requirements + updates) and what it builds. */
export interface CatalogCommit {
  /** The state the change was built on. */
  readonly base: TableState;
  /** The metadata it builds on `base` (with the commit id in its properties). */
  readonly metadata: TableMetadata;
  /** Assertions about the base, for the catalog to re-check at its commit point. */
  readonly requirements: readonly TableRequirement[];
  /** The changes, for the catalog to apply. */
  readonly updates: readonly TableUpdate[];
  /** The commit's id (`floe.commit-id`), stable across its attempts. */
  readonly commitId: string;
}

/**
 * Where a table's metadata is loaded from and committed to, when that is a catalog rather than
 * the table's own `metadata/` folder (Iceberg Java's `TableOperations`): the REST catalog client.
 */
export interface TableOperations {
  /** Loads the table's latest committed state. */
  load(): Promise<TableState>;
  /**
   * Commits a change: the new state, or a retryable `CommitConflictError` when the catalog found a
   * requirement broken by a concurrent commit, or `OutcomeUnknownError`.
   */
  commit(commit: CatalogCommit): Promise<TableState>;
  /** After an unknown outcome: the state carrying `commitId` committed after `base`, if any, up to `latest`. */
  findCommit(base: TableState, latest: TableState, commitId: string): Promise<TableState | undefined>;
}

/** The table an action works on. */
export interface TableContext {
  /** The table's name, for errors and messages. */
  readonly name: string;
  /** The store rooted at the table (metadata files live here). */
  readonly store: ObjectStore;
  /** Resolves recorded locations (of data files, manifests) to stores and keys. */
  readonly locator: FileLocator;
  /** Commit timestamps come from here. */
  readonly clock: Clock;
  /** The catalog commits go through; absent: the conditional create in `store` (spec/commit-protocol.md §C4). */
  readonly operations?: TableOperations;
  /** The manifest lists this table object wrote lately, so its next commit need not read them back. */
  readonly manifestLists?: ManifestListMemo;
}

/**
 * The recorded location of a new file: the table's recorded location plus a relative path, so
 * that the paths Floe writes into a foreign table look like that table's own.
 */
export function newFileLocation(tableLocation: string, relative: string): string {
  return `${tableLocation.endsWith('/') ? tableLocation.slice(0, -1) : tableLocation}/${relative}`;
}
