/**
 * The first metadata version of a new table (spec §Table Metadata), committed with the same
 * conditional create as every other version: of concurrent creators exactly one wins.
 *
 * @module
 */
import { commitMetadataVersion, writeVersionHint } from '../commit/index.js';
import { InvalidArgumentError, TableAlreadyExistsError, UnsupportedError, isFloeError } from '../errors.js';
import type { PartitionSpec, SortOrder } from '../spec/index.js';
import { CURRENT_FORMAT_VERSION, MAX_WRITE_FORMAT_VERSION, encodeTableMetadata } from '../spec/index.js';
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
  /** The format version, 2 (default) or 3; see {@link formatVersionOfCreate}. */
  readonly formatVersion?: 2 | 3;
}

/**
 * The table property Iceberg reads a new table's format version from (Java
 * `TableProperties.FORMAT_VERSION`, PyIceberg `TableProperties.FORMAT_VERSION`). It is reserved:
 * it chooses the version and is not stored among the table's properties.
 */
export const FORMAT_VERSION_PROPERTY = 'format-version';

/**
 * The format version a `format-version` property value names.
 * @param table the table, named in errors
 * @param value the property's value
 * @throws InvalidArgumentError when it is not a whole number from 1 up
 * @throws UnsupportedError for format version 4 or later
 */
export function formatVersionProperty(table: string, value: string): number {
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(`table ${table}: property ${FORMAT_VERSION_PROPERTY} must be a format version (2 or 3), got ${JSON.stringify(value)}`, {
      context: { table, property: FORMAT_VERSION_PROPERTY },
    });
  }
  const version = Number(value);
  if (version > MAX_WRITE_FORMAT_VERSION) {
    throw new UnsupportedError(`table ${table}: format version ${version} is not supported: Floe writes format v2 and v3`, {
      context: { table, formatVersion: version },
      help: 'see spec/table-format.md §F1',
    });
  }
  return version;
}

/**
 * The format version a create asks for: `formatVersion` when given, else the `format-version`
 * property, else 2; and the properties without the reserved key (Java
 * `TableMetadata.newTableMetadata` reads it and keeps only the unreserved properties). Floe
 * writes no v1 metadata: a v1 request creates v2, as a v1 table Floe commits to becomes v2.
 * @param table the table, named in errors
 * @param properties the properties given at create
 * @param formatVersion the version given as an option, if any
 * @throws InvalidArgumentError when the property is not a format version, or disagrees with the option
 * @throws UnsupportedError for format version 4 or later
 */
export function formatVersionOfCreate(
  table: string,
  properties: Readonly<Record<string, string>>,
  formatVersion?: number,
): { formatVersion: 2 | 3; properties: Record<string, string> } {
  const { [FORMAT_VERSION_PROPERTY]: asked, ...rest } = properties;
  let version = formatVersion ?? CURRENT_FORMAT_VERSION;
  if (asked !== undefined) {
    const fromProperty = formatVersionProperty(table, asked);
    if (formatVersion !== undefined && formatVersion !== fromProperty) {
      throw new InvalidArgumentError(`table ${table}: formatVersion ${formatVersion} and property ${FORMAT_VERSION_PROPERTY}=${asked} disagree`, {
        context: { table, property: FORMAT_VERSION_PROPERTY },
      });
    }
    version = fromProperty;
  }
  return { formatVersion: version >= 3 ? 3 : 2, properties: rest };
}

/**
 * Builds version 1 of a new table's metadata, in the format version {@link formatVersionOfCreate}
 * reads from the options and properties.
 * @throws InvalidArgumentError / UnsupportedError for a bad `format-version` (see {@link formatVersionOfCreate})
 */
export function createTableMetadata(o: NewTableOptions): TableMetadata {
  const lastPartitionId = Math.max(999, ...o.spec.fields.map((f) => f.fieldId));
  const { formatVersion, properties } = formatVersionOfCreate(o.location, o.properties ?? {}, o.formatVersion);
  return {
    formatVersion,
    // spec §Row Lineage: a v3 table assigns row ids from 0
    ...(formatVersion >= 3 ? { nextRowId: 0n } : {}),
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
    properties: { ...DEFAULT_TABLE_PROPERTIES, ...properties },
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

