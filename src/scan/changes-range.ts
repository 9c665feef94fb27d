/**
 * What a changelog read covers: its options, checked with zod, and the snapshots between
 * `fromSnapshot` (exclusive) and `toSnapshot` (inclusive), found by walking `toSnapshot`'s
 * parents (spec §Snapshots `parent-snapshot-id`), as Iceberg Java's
 * `SnapshotUtil.ancestorsBetween` does for `BaseIncrementalChangelogScan`.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, SnapshotNotFoundError } from '../errors.js';
import type { Expression } from '../expr/index.js';
import { parseArgument } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import { ColumnsSchema, SnapshotIdSchema } from './scan-options.js';
import { snapshotById, toSnapshotId } from './select-snapshot.js';

/** What a changelog read returns: the rows inserted and deleted by the snapshots in a range. */
export interface ChangesOptions {
  /** The snapshot the changes start after (exclusive): an ancestor of `toSnapshot`. */
  readonly fromSnapshot: bigint | number | string;
  /** The last snapshot whose changes are read (inclusive); default the current snapshot of `main`. */
  readonly toSnapshot?: bigint | number | string;
  /** Top-level column names to return (before the change columns), in this order; default all. */
  readonly columns?: readonly string[];
  /** Only changed rows matching this filter (an expression or a string such as `x > 5`). */
  readonly filter?: Expression | string;
  /** Files read at once (default 4). */
  readonly concurrency?: number;
  /** Match column names case-sensitively in `columns` and `filter` (default true). */
  readonly caseSensitive?: boolean;
}

const ChangesOptionsSchema = z.strictObject({
  fromSnapshot: SnapshotIdSchema,
  toSnapshot: SnapshotIdSchema.optional(),
  columns: ColumnsSchema.optional(),
  filter: z.unknown().optional(),
  concurrency: z.number({ error: 'expected a positive integer' }).int('expected a positive integer').min(1, 'expected a positive integer').optional(),
  caseSensitive: z.boolean().optional(),
});

/**
 * Checks a changelog read's options.
 * @param options what the caller passed
 * @param table the table's name, for messages
 * @throws InvalidArgumentError naming the offending option (a missing `fromSnapshot` too)
 */
export function parseChangesOptions(options: unknown, table: string): ChangesOptions {
  return parseArgument(ChangesOptionsSchema, options, `options of changes on table ${table}`) as ChangesOptions;
}

/** The snapshots a changelog read covers, oldest first, and the one it starts after. */
export interface ChangelogRange {
  /** The snapshot the range starts after. */
  readonly from: Snapshot;
  /** The last snapshot of the range. */
  readonly to: Snapshot;
  /** Every snapshot after `from` up to and including `to`, oldest first. */
  readonly snapshots: readonly Snapshot[];
}

/**
 * The snapshots after `from` up to `to`, following `to`'s parents.
 * @throws SnapshotNotFoundError naming the id when `from` or `to` is unknown (or expired), or
 *   when a snapshot between them has expired so the ancestry cannot be followed
 * @throws InvalidArgumentError when `from` is not an ancestor of `to` (nor `to` itself)
 */
export function changelogRange(metadata: TableMetadata, options: Pick<ChangesOptions, 'fromSnapshot' | 'toSnapshot'>, table: string): ChangelogRange {
  const from = snapshotById(metadata, toSnapshotId(options.fromSnapshot), table);
  let to: Snapshot;
  if (options.toSnapshot !== undefined) to = snapshotById(metadata, toSnapshotId(options.toSnapshot), table);
  else {
    const head = metadata.refs[MAIN_BRANCH]?.snapshotId ?? metadata.currentSnapshotId;
    if (head === null || head === undefined) throw new SnapshotNotFoundError(`table ${table} has no current snapshot to read changes up to`, { context: { table } });
    to = snapshotById(metadata, head, table);
  }
  const newestFirst: Snapshot[] = [];
  let cur = to;
  while (cur.snapshotId !== from.snapshotId) {
    newestFirst.push(cur);
    const parentId = cur.parentSnapshotId;
    if (parentId === undefined) {
      throw new InvalidArgumentError(`snapshot ${from.snapshotId} is not an ancestor of snapshot ${to.snapshotId} in table ${table}: changes are read along one line of history`, {
        context: { table, fromSnapshot: from.snapshotId.toString(), toSnapshot: to.snapshotId.toString() },
        help: 'pick fromSnapshot among the ancestors of toSnapshot (`floe history` lists them)',
      });
    }
    const parent = metadata.snapshots.find((s) => s.snapshotId === parentId);
    if (!parent) {
      throw new SnapshotNotFoundError(`snapshot ${parentId}, the parent of snapshot ${cur.snapshotId} of table ${table}, has expired: the changes between snapshots ${from.snapshotId} and ${to.snapshotId} cannot be read`, {
        context: { table, snapshotId: parentId.toString() },
        help: 'read changes from a snapshot after the expired ones',
      });
    }
    cur = parent;
  }
  return { from, to, snapshots: newestFirst.reverse() };
}
