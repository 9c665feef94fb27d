/**
 * Changelog reads: the rows each snapshot in a range inserted and deleted, tagged with the
 * change, the snapshot that made it and its ordinal in the range; the shape of Spark's
 * `changes` view over Iceberg Java's `BaseIncrementalChangelogScan`
 * (core/src/main/java/org/apache/iceberg/BaseIncrementalChangelogScan.java), with its "net
 * changes" carry-over removal (spark `ChangelogIterator.removeCarryovers`) built in.
 *
 * Per snapshot S with parent P (spec/changelog.md states it normatively):
 * - `replace` snapshots are skipped, as Java skips them: they rewrite files without changing
 *   rows (spec §Snapshots "replace"), and they take no ordinal;
 * - otherwise both snapshots are planned; a data file live in P only is read with P's deletes
 *   (its live rows are deleted), one live in S only with S's deletes (its rows are inserted),
 *   one live in both whose delete files changed (merge-on-read position or equality deletes)
 *   is read twice, its rows at P as deleted and at S as inserted;
 * - deleted and inserted rows equal in every column cancel in pairs (a copy-on-write rewrite
 *   carries a file's untouched rows over into its replacement: they are not changes).
 * What remains is a multiset difference: applying a snapshot's deletes and inserts to the rows
 * at P gives exactly the rows at S.
 *
 * Memory: a snapshot that only adds files streams them; one that also removes or re-deletes
 * rows holds those rows (the files it touched) until they are matched.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import pLimit from 'p-limit';
import { InvalidArgumentError, SnapshotNotFoundError, isFloeError } from '../errors.js';
import { type BoundExpression, bindExpression, toExpression } from '../expr/index.js';
import { arrowSchemaFromIceberg, filterRows } from '../io/index.js';
import type { Snapshot } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import { type ChangelogRange, type ChangesOptions, changelogRange, parseChangesOptions } from './changes-range.js';
import { DeleteLoader, rowKey } from './deletes.js';
import { type FileScanTask, type ScanPlan, planFiles } from './plan.js';
import { readTask } from './read-task.js';
import { type ScanContext, pickColumn, sameColumns, selectColumns } from './scan.js';

/** What a changed row is: `insert` (added by the snapshot) or `delete` (removed by it). */
export type ChangeType = 'insert' | 'delete';

/** The column holding a row's {@link ChangeType}. */
export const CHANGE_TYPE_COLUMN = '_change_type';
/** The column holding the snapshot's position among the range's changelog snapshots (0 first). */
export const CHANGE_ORDINAL_COLUMN = '_change_ordinal';
/** The column holding the id of the snapshot that made the change. */
export const COMMIT_SNAPSHOT_ID_COLUMN = '_commit_snapshot_id';
/** The column holding the sequence number of the snapshot that made the change. */
export const COMMIT_SEQUENCE_NUMBER_COLUMN = '_commit_sequence_number';

const CHANGE_FIELDS = [
  new arrow.Field(CHANGE_TYPE_COLUMN, new arrow.Utf8(), false),
  new arrow.Field(CHANGE_ORDINAL_COLUMN, new arrow.Int32(), false),
  new arrow.Field(COMMIT_SNAPSHOT_ID_COLUMN, new arrow.Int64(), false),
  new arrow.Field(COMMIT_SEQUENCE_NUMBER_COLUMN, new arrow.Int64(), false),
];

/** One snapshot whose changes are read, with its ordinal. */
export interface ChangelogSnapshot {
  /** The snapshot. */
  readonly snapshot: Snapshot;
  /** Its position among the range's changelog snapshots (`replace` snapshots take none). */
  readonly ordinal: number;
}

/** A changelog read of one table: planned on demand, streamed or collected. */
export class Changes {
  /** The snapshots whose changes are read, oldest first (`replace` snapshots left out). */
  readonly snapshots: readonly ChangelogSnapshot[];
  /** The schema of the data columns returned (before the change columns). */
  readonly schema: Schema;
  private readonly range: ChangelogRange;
  private readonly readSchema: Schema;
  private readonly filter: BoundExpression | undefined;
  private readonly concurrency: number;

  /**
   * @param ctx the table's metadata and locator (a masked read through the catalog is not supported)
   * @param options the range and what to read
   * @throws InvalidArgumentError for a malformed option, unknown columns, a bad filter, or a
   *   `fromSnapshot` that is not an ancestor of `toSnapshot`
   * @throws SnapshotNotFoundError naming the snapshot when one is unknown or has expired
   */
  constructor(private readonly ctx: Omit<ScanContext, 'remote'>, options: ChangesOptions) {
    options = parseChangesOptions(options, ctx.table);
    this.range = changelogRange(ctx.metadata, options, ctx.table);
    let ordinal = 0;
    this.snapshots = this.range.snapshots.filter((s) => s.summary.operation !== 'replace').map((snapshot) => ({ snapshot, ordinal: ordinal++ }));
    // Rows are read with the current schema (as Spark's changelog view does), and compared on
    // every column of it, whichever columns are returned.
    const m = ctx.metadata;
    const full = m.schemas.find((s) => s.schemaId === m.currentSchemaId) ?? m.schemas[0]!;
    const caseSensitive = options.caseSensitive ?? true;
    const fields = options.columns ? options.columns.map((c) => pickColumn(full, c, caseSensitive, ctx.table)) : [...full.fields];
    for (const f of fields) {
      if (CHANGE_FIELDS.some((c) => c.name === f.name)) {
        throw new InvalidArgumentError(`table ${ctx.table} has a column named ${f.name}, which a changelog read uses for its change columns`, {
          context: { table: ctx.table, column: f.name },
          help: 'pass columns without it',
        });
      }
    }
    this.schema = { schemaId: full.schemaId, fields };
    this.readSchema = full;
    if (options.filter !== undefined) {
      this.filter = bindExpression(toExpression(options.filter, { what: `filter of changes on table ${ctx.table}` }), full, { caseSensitive });
    }
    this.concurrency = options.concurrency ?? 4;
  }

  /** The Arrow schema of the batches yielded: the data columns, then the change columns. */
  arrowSchema(): arrow.Schema {
    const data = arrowSchemaFromIceberg(this.schema, this.ctx.vectorDimensions ? { vectorDimensions: this.ctx.vectorDimensions } : undefined);
    return new arrow.Schema([...data.fields, ...CHANGE_FIELDS]);
  }

  /**
   * Streams the changes as Arrow record batches: snapshot by snapshot, oldest first; within a
   * snapshot, its deletes before its inserts.
   * @throws SnapshotNotFoundError naming the snapshot when a file it needs is gone
   */
  async *batches(): AsyncGenerator<arrow.RecordBatch> {
    if (this.snapshots.length === 0) return;
    const deletes = new DeleteLoader(this.ctx);
    const plans = new Map<bigint, Promise<ScanPlan>>();
    const planOf = (s: Snapshot): Promise<ScanPlan> => {
      let p = plans.get(s.snapshotId);
      if (!p) {
        p = this.guard(s, () => planFiles(this.ctx, { snapshot: s, schema: this.readSchema, ...(this.filter ? { filter: this.filter } : {}) }));
        plans.set(s.snapshotId, p);
      }
      return p;
    };
    const byId = new Map(this.range.snapshots.map((s) => [s.snapshotId, s]));
    for (const { snapshot, ordinal } of this.snapshots) {
      const parent = byId.get(snapshot.parentSnapshotId!) ?? this.range.from;
      const [before, after] = await Promise.all([planOf(parent), planOf(snapshot)]);
      // Plans older than the parent are not needed again.
      for (const id of plans.keys()) if (id !== snapshot.snapshotId) plans.delete(id);
      const { removed, added } = fileChanges(before, after);
      const tag = { ordinal, snapshot };
      const read = (task: FileScanTask, at: Snapshot): Promise<arrow.RecordBatch[]> => this.guard(at, () => this.readFile(task, deletes));
      if (removed.length === 0) {
        // Only added rows: nothing to cancel against, so stream them file by file.
        for await (const batches of windowed(added, this.concurrency, (t) => read(t, snapshot))) {
          for (const b of batches) yield this.tagged(b, 'insert', tag);
        }
        continue;
      }
      const limit = pLimit(this.concurrency);
      const [gone, come] = await Promise.all([
        Promise.all(removed.map((t) => limit(() => read(t, parent)))),
        Promise.all(added.map((t) => limit(() => read(t, snapshot)))),
      ]);
      const { deleted, inserted } = withoutCarryOver(gone.flat(), come.flat());
      for (const b of deleted) yield this.tagged(b, 'delete', tag);
      for (const b of inserted) yield this.tagged(b, 'insert', tag);
    }
  }

  /** Reads all changes into one Arrow table. */
  async toArrow(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this.batches()) batches.push(b);
    if (batches.length === 0) return new arrow.Table(this.arrowSchema());
    return new arrow.Table(batches);
  }

  private readFile(task: FileScanTask, deletes: DeleteLoader): Promise<arrow.RecordBatch[]> {
    return readTask(task, {
      table: this.ctx.table,
      metadata: this.ctx.metadata,
      locator: this.ctx.locator,
      readSchema: this.readSchema,
      deletes,
      ...(this.filter ? { filter: this.filter } : {}),
      ...(this.ctx.vectorDimensions ? { vectorDimensions: this.ctx.vectorDimensions } : {}),
    });
  }

  /** Runs `work`, reporting a file it needs that is gone as a snapshot that cannot be read. */
  private async guard<T>(snapshot: Snapshot, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (!isFloeError(e, 'DATA_FILE_NOT_FOUND')) throw e;
      throw new SnapshotNotFoundError(`a file of snapshot ${snapshot.snapshotId} of table ${this.ctx.table} is gone, so its changes cannot be read: ${(e as Error).message}`, {
        context: { table: this.ctx.table, snapshotId: snapshot.snapshotId.toString() },
        cause: e,
        help: 'snapshots whose files were expired or deleted cannot be read; read changes from a later snapshot',
      });
    }
  }

  private tagged(batch: arrow.RecordBatch, type: ChangeType, tag: { readonly ordinal: number; readonly snapshot: Snapshot }): arrow.RecordBatch {
    const names = this.schema.fields.map((f) => f.name);
    const data = sameColumns(batch, names) ? batch : selectColumns(batch, names);
    const n = data.numRows;
    const changeColumns = [
      arrow.vectorFromArray(new Array<string>(n).fill(type), new arrow.Utf8()).data[0]!,
      arrow.makeData({ type: new arrow.Int32(), length: n, data: new Int32Array(n).fill(tag.ordinal) }),
      arrow.makeData({ type: new arrow.Int64(), length: n, data: new BigInt64Array(n).fill(tag.snapshot.snapshotId) }),
      arrow.makeData({ type: new arrow.Int64(), length: n, data: new BigInt64Array(n).fill(tag.snapshot.sequenceNumber) }),
    ];
    const fields = [...data.schema.fields, ...CHANGE_FIELDS];
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: [...data.data.children, ...changeColumns] });
    return new arrow.RecordBatch(new arrow.Schema(fields), struct);
  }
}

/**
 * The data files whose rows a snapshot changed, by path: those only live before or whose
 * delete files differ (read as they were) and those only live after or whose delete files
 * differ (read as they are).
 */
function fileChanges(before: ScanPlan, after: ScanPlan): { removed: FileScanTask[]; added: FileScanTask[] } {
  const deleteKey = (t: FileScanTask): string => t.deletes.map((d) => d.file.filePath).sort().join('\n');
  const afterByPath = new Map(after.tasks.map((t) => [t.file.filePath, t]));
  const beforePaths = new Set<string>();
  const removed: FileScanTask[] = [];
  const added: FileScanTask[] = [];
  for (const t of before.tasks) {
    beforePaths.add(t.file.filePath);
    const now = afterByPath.get(t.file.filePath);
    if (!now) removed.push(t);
    else if (deleteKey(now) !== deleteKey(t)) {
      removed.push(t);
      added.push(now);
    }
  }
  for (const t of after.tasks) if (!beforePaths.has(t.file.filePath)) added.push(t);
  return { removed, added };
}

/** Yields `work`'s results for `items` in order, with at most `window` running at once. */
async function* windowed<T, R>(items: readonly T[], window: number, work: (item: T) => Promise<R>): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  let next = 0;
  const fill = (): void => {
    while (inFlight.length < window && next < items.length) {
      const p = work(items[next++]!);
      p.catch(() => undefined); // surfaced when awaited below
      inFlight.push(p);
    }
  };
  fill();
  while (inFlight.length > 0) {
    const r = await inFlight.shift()!;
    fill();
    yield r;
  }
}

function rowKeys(batch: arrow.RecordBatch): string[] {
  const cols = batch.schema.fields.map((_f, i) => batch.getChildAt(i)!);
  const keys: string[] = [];
  for (let r = 0; r < batch.numRows; r++) keys.push(rowKey(cols.map((c) => c.get(r))));
  return keys;
}

/**
 * Removes carry-over rows: each deleted row equal (in every column) to an inserted one cancels
 * with it, pair by pair, so what remains is the multiset difference both ways.
 */
function withoutCarryOver(deleted: readonly arrow.RecordBatch[], inserted: readonly arrow.RecordBatch[]): { deleted: arrow.RecordBatch[]; inserted: arrow.RecordBatch[] } {
  const insertedKeys = inserted.map(rowKeys);
  const available = new Map<string, number>();
  for (const keys of insertedKeys) for (const k of keys) available.set(k, (available.get(k) ?? 0) + 1);
  const cancelled = new Map<string, number>();
  const keep = (batch: arrow.RecordBatch, keys: readonly string[], take: (k: string) => boolean): arrow.RecordBatch | undefined => {
    const mask = new Uint8Array(keys.length);
    let kept = 0;
    keys.forEach((k, i) => {
      if (!take(k)) {
        mask[i] = 1;
        kept += 1;
      }
    });
    if (kept === 0) return undefined;
    return kept === keys.length ? batch : filterRows(batch, mask);
  };
  const takeFrom = (counts: Map<string, number>, k: string): boolean => {
    const c = counts.get(k) ?? 0;
    if (c === 0) return false;
    counts.set(k, c - 1);
    return true;
  };
  const outDeleted = deleted
    .map((b) =>
      keep(b, rowKeys(b), (k) => {
        if (!takeFrom(available, k)) return false;
        cancelled.set(k, (cancelled.get(k) ?? 0) + 1);
        return true;
      }),
    )
    .filter((b): b is arrow.RecordBatch => b !== undefined);
  const outInserted = inserted.map((b, i) => keep(b, insertedKeys[i]!, (k) => takeFrom(cancelled, k))).filter((b): b is arrow.RecordBatch => b !== undefined);
  return { deleted: outDeleted, inserted: outInserted };
}
