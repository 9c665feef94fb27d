/**
 * Choosing the snapshot and schema a scan reads (spec §Snapshot References, §Table Metadata
 * `snapshot-log`): by id, by tag or branch, or "as of" a time.
 *
 * Which schema: reading a branch head (or the current table) uses the table's current schema,
 * as Iceberg engines do; reading a snapshot by id, by tag or by time uses the schema that was
 * current when that snapshot was written (`schema-id`), so an old snapshot keeps its old shape.
 *
 * @module
 */
import { InvalidArgumentError, RefNotFoundError, SnapshotNotFoundError } from '../errors.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';

/** Which version of the table to read. At most one of the three may be given. */
export interface SnapshotSelector {
  /** An exact snapshot id. */
  readonly snapshotId?: bigint | number | string;
  /** The snapshot current at this time (a Date, ms since the epoch, or an ISO-8601 string). */
  readonly asOf?: Date | number | string;
  /** A branch or tag name. */
  readonly ref?: string;
}

/** The snapshot (or none, for an empty table) and the schema to read it with. */
export interface SelectedSnapshot {
  /** The snapshot, or null when the table (or branch) has none. */
  readonly snapshot: Snapshot | null;
  /** The schema to read with. */
  readonly schema: Schema;
}

/**
 * Converts a user's snapshot id (bigint, safe integer, or decimal string) to a bigint.
 * @throws InvalidArgumentError for anything else (a number above 2^53 has already lost digits)
 */
export function toSnapshotId(id: bigint | number | string): bigint {
  if (typeof id === 'bigint') return id;
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) {
      throw new InvalidArgumentError(`snapshot id ${id} is not a safe integer; pass it as a bigint or a string`, { context: { snapshotId: String(id) } });
    }
    return BigInt(id);
  }
  if (!/^-?\d+$/.test(id.trim())) throw new InvalidArgumentError(`not a snapshot id: ${JSON.stringify(id)}`);
  return BigInt(id.trim());
}

/**
 * Converts an `asOf` to ms since the epoch.
 * @throws InvalidArgumentError for an unparseable time
 */
export function toTimestampMs(asOf: Date | number | string): number {
  const ms = asOf instanceof Date ? asOf.getTime() : typeof asOf === 'number' ? asOf : Date.parse(asOf);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`not a time: ${String(asOf)}`, { help: "use an ISO-8601 string such as '2026-01-05T10:00:00Z', a Date, or ms since the epoch" });
  return ms;
}

function schemaById(metadata: TableMetadata, schemaId: number | undefined): Schema {
  const current = metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId);
  const found = schemaId === undefined ? undefined : metadata.schemas.find((s) => s.schemaId === schemaId);
  const schema = found ?? current;
  if (!schema) throw new SnapshotNotFoundError(`table has no schema with id ${metadata.currentSchemaId}`);
  return schema;
}

/**
 * Finds a snapshot by id.
 * @throws SnapshotNotFoundError naming the id and the table
 */
export function snapshotById(metadata: TableMetadata, id: bigint, table: string): Snapshot {
  const snap = metadata.snapshots.find((s) => s.snapshotId === id);
  if (!snap) {
    throw new SnapshotNotFoundError(`table ${table} has no snapshot ${id}`, {
      context: { table, snapshotId: id.toString() },
      help: 'list snapshots with table.snapshots() or `floe history`; expired snapshots cannot be read',
    });
  }
  return snap;
}

/**
 * The snapshot that was current on `main` at `timestampMs`: the last snapshot-log entry at or
 * before it (spec §Table Metadata `snapshot-log`).
 * @throws SnapshotNotFoundError when the table had no snapshot yet at that time
 */
export function snapshotAsOf(metadata: TableMetadata, timestampMs: number, table: string): Snapshot {
  let chosen: bigint | undefined;
  for (const entry of metadata.snapshotLog) if (entry.timestampMs <= timestampMs) chosen = entry.snapshotId;
  if (chosen === undefined) {
    // Tables without a snapshot log (some writers omit it): the newest snapshot by timestamp.
    const candidates = metadata.snapshots.filter((s) => s.timestampMs <= timestampMs);
    candidates.sort((a, b) => a.timestampMs - b.timestampMs);
    chosen = metadata.snapshotLog.length === 0 ? candidates.at(-1)?.snapshotId : undefined;
  }
  if (chosen === undefined) {
    throw new SnapshotNotFoundError(`table ${table} had no snapshot at ${new Date(timestampMs).toISOString()}`, {
      context: { table, asOfMs: timestampMs },
    });
  }
  return snapshotById(metadata, chosen, table);
}

/**
 * Resolves a selector to a snapshot and schema.
 * @throws InvalidArgumentError when more than one selector is given
 * @throws SnapshotNotFoundError / RefNotFoundError when the snapshot or ref does not exist
 */
export function selectSnapshot(metadata: TableMetadata, selector: SnapshotSelector, table: string): SelectedSnapshot {
  const given = [selector.snapshotId, selector.asOf, selector.ref].filter((x) => x !== undefined).length;
  if (given > 1) throw new InvalidArgumentError('give at most one of snapshotId, asOf and ref');
  if (selector.snapshotId !== undefined) {
    const snapshot = snapshotById(metadata, toSnapshotId(selector.snapshotId), table);
    return { snapshot, schema: schemaById(metadata, snapshot.schemaId) };
  }
  if (selector.asOf !== undefined) {
    const snapshot = snapshotAsOf(metadata, toTimestampMs(selector.asOf), table);
    return { snapshot, schema: schemaById(metadata, snapshot.schemaId) };
  }
  if (selector.ref !== undefined && selector.ref !== MAIN_BRANCH) {
    const ref = metadata.refs[selector.ref];
    if (!ref) throw new RefNotFoundError(selector.ref, { context: { table }, help: 'list refs with table.refs() or `floe history`' });
    const snapshot = snapshotById(metadata, ref.snapshotId, table);
    return { snapshot, schema: ref.type === 'tag' ? schemaById(metadata, snapshot.schemaId) : schemaById(metadata, undefined) };
  }
  const head = metadata.refs[MAIN_BRANCH]?.snapshotId ?? metadata.currentSnapshotId;
  const snapshot = head === null || head === undefined ? null : snapshotById(metadata, head, table);
  return { snapshot, schema: schemaById(metadata, undefined) };
}
