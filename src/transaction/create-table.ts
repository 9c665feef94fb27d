/**
 * The first metadata version of a new table (spec §Table Metadata), committed with the same
 * conditional create as every other version: of concurrent creators exactly one wins.
 *
 * @module
 */
import { commitMetadataVersion, writeVersionHint } from '../commit/index.js';
import { TableAlreadyExistsError, isFloeError } from '../errors.js';
import type { PartitionSpec, SortOrder } from '../spec/index.js';
import { encodeTableMetadata } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import type { Clock } from '../util/index.js';
import { newUuid } from '../util/index.js';
import type { TableState } from '../commit/index.js';

/** Properties every new Floe table gets (users may override them). */
export const DEFAULT_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd',
  'write.metadata.previous-versions-max': '100',
};

/** Options of {@link createTableMetadata}. */
export interface NewTableOptions {
  /** The table's location as it will be recorded. */
  readonly location: string;
  /** The schema, with field ids assigned. */
  readonly schema: Schema;
  /** The highest field id in it. */
  readonly lastColumnId: number;
  /** The partition spec (spec id 0). */
  readonly spec: PartitionSpec;
  /** Table properties (merged over the defaults). */
  readonly properties?: Readonly<Record<string, string>>;
  /** The write order (default: unsorted); a non-empty one gets order id 1. */
  readonly sortOrder?: SortOrder;
  /** The table uuid (default: a fresh one). */
  readonly tableUuid?: string;
  /** The creation time. */
  readonly timestampMs: number;
}

/** Builds version 1 of a new table's metadata. */
export function createTableMetadata(o: NewTableOptions): TableMetadata {
  const lastPartitionId = Math.max(999, ...o.spec.fields.map((f) => f.fieldId));
  return {
    formatVersion: 2,
    tableUuid: o.tableUuid ?? newUuid(),
    location: o.location,
    lastSequenceNumber: 0n,
    lastUpdatedMs: o.timestampMs,
    lastColumnId: o.lastColumnId,
    schemas: [{ ...o.schema, schemaId: 0 }],
    currentSchemaId: 0,
    partitionSpecs: [{ ...o.spec, specId: 0 }],
    defaultSpecId: 0,
    lastPartitionId,
    properties: { ...DEFAULT_TABLE_PROPERTIES, ...o.properties },
    currentSnapshotId: null,
    snapshots: [],
    snapshotLog: [],
    metadataLog: [],
    sortOrders: o.sortOrder && o.sortOrder.fields.length > 0 ? [{ orderId: 0, fields: [] }, { ...o.sortOrder, orderId: 1 }] : [{ orderId: 0, fields: [] }],
    defaultSortOrderId: o.sortOrder && o.sortOrder.fields.length > 0 ? 1 : 0,
    refs: {},
  };
}

/**
 * Commits version 1 of a new table.
 * @throws TableAlreadyExistsError when a table already exists there (another creator won)
 */
export async function commitNewTable(store: ObjectStore, name: string, options: Omit<NewTableOptions, 'timestampMs'> & { readonly clock: Clock }): Promise<TableState> {
  return commitFirstVersion(store, name, createTableMetadata({ ...options, timestampMs: options.clock.nowMs() }));
}

/**
 * Commits given metadata as version 1 of a new table (a create transaction's result).
 * @throws TableAlreadyExistsError when a table already exists there (another creator won)
 */
export async function commitFirstVersion(store: ObjectStore, name: string, metadata: TableMetadata): Promise<TableState> {
  try {
    const path = await commitMetadataVersion(store, { version: 1, bytes: new TextEncoder().encode(encodeTableMetadata(metadata)), table: name });
    await writeVersionHint(store, 1);
    return { version: 1, path, metadata };
  } catch (e) {
    if (isFloeError(e, 'COMMIT_CONFLICT')) throw new TableAlreadyExistsError(name, { cause: e });
    throw e;
  }
}

