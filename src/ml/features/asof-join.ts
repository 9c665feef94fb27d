/**
 * Point-in-time ("as of") joins: for each label row, the feature values of the latest feature
 * row with the same key and `rightTime <= leftTime` (and, with a `ttl`, not older than that),
 * nulls when there is none. Never a value from the future: the training set holds only what was
 * knowable at each label's time (as recorded in the feature table's snapshot).
 *
 * Ties (two feature rows with the same key and time) go to the row read later in the scan of
 * the snapshot, which is deterministic for a given snapshot.
 *
 * Memory: the right side streams batch by batch; what is kept is the labels, one candidate per
 * label, and the batch in hand, so memory is bounded by the labels, never by the feature table.
 * The scan is pruned by the labels' keys and time range (partition and column metrics), so a
 * feature table partitioned by time is read only for the labels' period.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors.js';
import { type Expression, and, gtEq, isIn, ltEq } from '../../expr/index.js';
import { literalAt, nullData, takeRows } from '../../io/index.js';
import type { PrimitiveType, Schema } from '../../spec/index.js';
import { Table } from '../../table.js';
import { CountSchema, NameSchema, PositiveSchema, SnapshotIdSchema, parseOptions } from '../options.js';
import { joinKeyAt, timeAt } from './keys.js';

/** Options of {@link asOfJoin}. */
export interface AsOfJoinOptions {
  /** The label rows (kept whole, in order, in the result). */
  readonly left: arrow.Table;
  /** The feature table. */
  readonly right: Table;
  /** The key column(s), named the same on both sides. */
  readonly on: string | readonly string[];
  /** The label time column of `left`. */
  readonly leftTime: string;
  /** The event time column of `right`. */
  readonly rightTime: string;
  /** The feature columns to bring (default: every right column but the keys and `rightTime`). */
  readonly columns?: readonly string[];
  /**
   * The oldest usable feature: `leftTime - rightTime <= ttl`, in the time columns' units as
   * Arrow returns them (milliseconds for dates and timestamps).
   */
  readonly ttl?: number;
  /**
   * The feature table's snapshot to read (default its current one): pin it for reproducible sets.
   * Column names (`on`, `rightTime`, `columns`) and the default columns are then those of that
   * snapshot's schema, so later schema changes of the table do not change the join.
   */
  readonly snapshotId?: bigint | number | string;
  /**
   * Candidate feature rows kept before superseded ones are dropped (default twice the labels,
   * plus 16): memory versus re-gathering work.
   */
  readonly maxKeptRows?: number;
  /** Keys per `IN` pruning predicate; more distinct label keys scan without key pruning (default 10 000). */
  readonly maxPruningKeys?: number;
  /** Feature rows to consider at all (a row filter on the feature table, e.g. a feature view's source filter). */
  readonly filter?: Expression;
}

/** {@link AsOfJoinOptions} as checked at the call: unknown options are refused, not ignored. */
const AsOfJoinOptionsSchema = z.strictObject({
  left: z.custom<arrow.Table>((v) => v instanceof arrow.Table, { error: 'must be an apache-arrow Table' }),
  right: z.custom<Table>((v) => v instanceof Table, { error: 'must be a Floe Table' }),
  on: z.union([NameSchema, z.array(NameSchema).min(1, 'must name at least one key column')], { error: 'must be a column name or a list of column names' }),
  leftTime: NameSchema,
  rightTime: NameSchema,
  columns: z
    .array(NameSchema)
    .refine((c) => new Set(c).size === c.length, 'must not name a column twice')
    .optional(),
  ttl: z.number().min(0).optional(),
  snapshotId: SnapshotIdSchema.optional(),
  maxKeptRows: PositiveSchema.optional(),
  maxPruningKeys: CountSchema.optional(),
  filter: z.custom<Expression>((v) => typeof v === 'object' && v !== null, { error: 'must be an expression' }).optional(),
});

/** Label rows of one key, sorted by label time. */
interface KeyGroup {
  readonly rows: number[];
}

/** A time column's type admits a `Date` bound (expression literals for date and timestamps). */
function isDateLike(type: arrow.DataType): boolean {
  return arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type);
}

function vectorOf(t: arrow.Table | arrow.RecordBatch, name: string, side: string): arrow.Vector {
  const v = t.getChild(name);
  if (!v) throw new InvalidArgumentError(`as-of join: column ${name} is not in the ${side} side`, { context: { column: name, side } });
  return v;
}

/**
 * Joins each label row with the latest feature values known at its time (see the module doc).
 * @returns the left rows in order, followed by the feature columns (nullable)
 * @throws InvalidArgumentError naming the option for a bad option (wrong type, out of range, unknown), the column for a
 * missing column, or a feature column whose name the left side already uses
 */
export async function asOfJoin(input: AsOfJoinOptions): Promise<arrow.Table> {
  const options = parseOptions(AsOfJoinOptionsSchema, input, 'as-of join');
  const { left, right, leftTime, rightTime } = options;
  const on = typeof options.on === 'string' ? [options.on] : [...options.on];
  // Names, defaults and types come from the schema of the snapshot read (spec §Snapshots
  // `schema-id`), not the table's current one: a pinned join must not change when the feature
  // table's schema evolves later. Creating the scan only resolves the snapshot (no IO).
  const pinned = right.scan(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {});
  const rightFields = pinned.arrowSchema().fields;
  const rightNames = new Set(rightFields.map((f) => f.name));
  for (const c of [...on, rightTime]) {
    if (!rightNames.has(c)) throw new InvalidArgumentError(`as-of join: column ${c} is not in feature table ${right.name}`, { context: { table: right.name, column: c } });
  }
  const columns = options.columns ? [...options.columns] : rightFields.map((f) => f.name).filter((n) => !on.includes(n) && n !== rightTime);
  const leftNames = new Set(left.schema.fields.map((f) => f.name));
  for (const c of columns) {
    if (!rightNames.has(c)) throw new InvalidArgumentError(`as-of join: column ${c} is not in feature table ${right.name}`, { context: { table: right.name, column: c } });
    if (leftNames.has(c)) {
      throw new InvalidArgumentError(`as-of join: feature column ${c} clashes with a label column of the same name`, { context: { column: c }, help: 'rename the label column or choose other feature columns' });
    }
  }
  const ttl = options.ttl;

  // Labels: their keys, times and groups by key (sorted by time for the merge below).
  const n = left.numRows;
  const leftKeys = on.map((c) => vectorOf(left, c, 'left'));
  const leftTimes = vectorOf(left, leftTime, 'left');
  const labelTime = new Float64Array(n);
  const groups = new Map<string, KeyGroup>();
  const firstRows: number[] = [];
  let minTime = Infinity;
  let maxTime = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = joinKeyAt(leftKeys, i);
    const t = timeAt(leftTimes, i);
    if (k === undefined || t === undefined) continue;
    labelTime[i] = t;
    if (t < minTime) minTime = t;
    if (t > maxTime) maxTime = t;
    let g = groups.get(k);
    if (!g) {
      g = { rows: [] };
      groups.set(k, g);
      firstRows.push(i);
    }
    g.rows.push(i);
  }
  for (const g of groups.values()) g.rows.sort((a, b) => labelTime[a]! - labelTime[b]! || a - b);

  const projected = [...new Set([...on, rightTime, ...columns])];
  // The kept rows' schema: the projected feature fields, nullable (a label may find nothing).
  const keptSchema = new arrow.Schema(projected.map((name) => rightFields.find((f) => f.name === name)!.clone({ nullable: true })));
  const winners = new WinnerStore(keptSchema, options.maxKeptRows ?? 2 * n + 16);
  const bestTime = new Float64Array(n).fill(-Infinity);
  const bestRef = new Int32Array(n).fill(-1);
  if (groups.size > 0) {
    const pruning = pruningFilter({ on, leftKeys, firstRows, schema: pinned.schema, rightTime, timeType: rightFields.find((f) => f.name === rightTime)!.type, minTime, maxTime, ttl, maxKeys: options.maxPruningKeys ?? 10_000 });
    const filter = options.filter === undefined ? pruning : pruning === undefined ? options.filter : and(options.filter, pruning);
    const scan = right.scan({ columns: projected, ...(filter ? { filter } : {}), ...(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {}) });
    for await (const batch of scan.batches()) {
      const pending = matchBatch(batch, { on, rightTime, groups, labelTime, bestTime, ttl });
      if (pending.size === 0) continue;
      // Keep only this batch's winning rows; labels point into the kept rows.
      const rows = [...new Set(pending.values())].sort((a, b) => a - b);
      const base = winners.add(takeRows(batch, Int32Array.from(rows)));
      const slot = new Map(rows.map((r, j) => [r, base + j]));
      for (const [label, r] of pending) bestRef[label] = slot.get(r)!;
      winners.compactIfLarge(bestRef);
    }
  }
  return assemble(left, winners, bestRef, columns);
}

interface PruningInput {
  readonly on: readonly string[];
  readonly leftKeys: readonly arrow.Vector[];
  readonly firstRows: readonly number[];
  readonly schema: Schema;
  readonly rightTime: string;
  readonly timeType: arrow.DataType;
  readonly minTime: number;
  readonly maxTime: number;
  readonly ttl: number | undefined;
  readonly maxKeys: number;
}

/** The scan filter that prunes files no label can use: its keys, and times up to the latest label (and no older than the ttl allows). */
function pruningFilter(p: PruningInput): Expression | undefined {
  const parts: Expression[] = [];
  if (p.firstRows.length <= p.maxKeys) parts.push(...keyPruning(p));
  if (isDateLike(p.timeType)) {
    // Whole milliseconds, widened by one, so the bound never drops a usable row.
    parts.push(ltEq(p.rightTime, new Date(Math.ceil(p.maxTime) + 1)));
    if (p.ttl !== undefined) parts.push(gtEq(p.rightTime, new Date(Math.floor(p.minTime - p.ttl) - 1)));
  }
  return parts.length === 0 ? undefined : and(...parts);
}

/** Key column types whose Literals `IN` takes exactly. */
const PRUNABLE_KEY_TYPES = new Set(['boolean', 'int', 'long', 'string', 'date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/**
 * An `IN` per key column over the labels' keys, read exactly as the feature column's Literals
 * (arrow-js returns timestamps and dates as milliseconds, which `IN` would read as micros or
 * days); a column whose label values cannot be read so is not pruned on.
 */
function keyPruning(p: PruningInput): Expression[] {
  const parts: Expression[] = [];
  p.on.forEach((name, j) => {
    const field = p.schema.fields.find((f) => f.name === name);
    if (!field || !PRUNABLE_KEY_TYPES.has(field.type.type)) return;
    try {
      const values = p.firstRows.map((i) => literalAt(p.leftKeys[j]!, i, field.type as PrimitiveType)).filter((v) => v !== null);
      parts.push(isIn(name, values as (string | number | bigint | boolean)[]));
    } catch {
      // The label column's Arrow type cannot hold the feature column's type: no key pruning on it.
    }
  });
  return parts;
}

interface MatchState {
  readonly on: readonly string[];
  readonly rightTime: string;
  readonly groups: ReadonlyMap<string, KeyGroup>;
  readonly labelTime: Float64Array;
  readonly bestTime: Float64Array;
  readonly ttl: number | undefined;
}

/** Label → row of `batch` that beats its current candidate. */
function matchBatch(batch: arrow.RecordBatch, s: MatchState): Map<number, number> {
  const keys = s.on.map((c) => vectorOf(batch, c, 'right'));
  const times = vectorOf(batch, s.rightTime, 'right');
  const byKey = new Map<string, { row: number; time: number }[]>();
  for (let r = 0; r < batch.numRows; r++) {
    const k = joinKeyAt(keys, r);
    if (k === undefined || !s.groups.has(k)) continue;
    const t = timeAt(times, r);
    if (t === undefined || Number.isNaN(t)) continue;
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push({ row: r, time: t });
  }
  const pending = new Map<number, number>();
  for (const [k, list] of byKey) {
    // Time, then scan order: among equal times the later row wins.
    list.sort((a, b) => a.time - b.time || a.row - b.row);
    let j = -1;
    for (const label of s.groups.get(k)!.rows) {
      const lt = s.labelTime[label]!;
      while (j + 1 < list.length && list[j + 1]!.time <= lt) j++;
      if (j < 0) continue;
      const cand = list[j]!;
      if (s.ttl !== undefined && lt - cand.time > s.ttl) continue;
      // `>=`: a later batch wins a tie, as the later row in scan order.
      if (cand.time >= s.bestTime[label]!) {
        s.bestTime[label] = cand.time;
        pending.set(label, cand.row);
      }
    }
  }
  return pending;
}

/** The kept winning rows, in chunks, compacted when superseded rows pile up. */
class WinnerStore {
  private chunks: arrow.RecordBatch[] = [];
  private rows = 0;

  constructor(
    /** The schema every kept chunk is re-labelled with (scan batches may differ in nullability and field metadata). */
    readonly schema: arrow.Schema,
    private readonly limit: number,
  ) {}

  private relabel(chunk: arrow.RecordBatch): arrow.RecordBatch {
    return new arrow.RecordBatch(this.schema, arrow.makeData({ type: new arrow.Struct(this.schema.fields), length: chunk.numRows, nullCount: 0, children: chunk.data.children }));
  }

  /** Adds a chunk (columns in schema order); returns the index of its first row. */
  add(chunk: arrow.RecordBatch): number {
    const base = this.rows;
    this.chunks.push(this.relabel(chunk));
    this.rows += chunk.numRows;
    return base;
  }

  /** Rebuilds the store from the referenced rows only, when it holds more than its limit. */
  compactIfLarge(refs: Int32Array): void {
    if (this.rows <= this.limit) return;
    const used = [...new Set(refs.filter((r) => r >= 0))].sort((a, b) => a - b);
    const slot = new Map(used.map((r, j) => [r, j]));
    const kept = this.relabel(takeRows(new arrow.Table(this.schema, this.chunks), Int32Array.from(used)));
    this.chunks = [kept];
    this.rows = kept.numRows;
    for (let i = 0; i < refs.length; i++) if (refs[i]! >= 0) refs[i] = slot.get(refs[i]!)!;
  }

  /** The rows as a table with one extra all-null row at the end (index `size`). */
  withNullRow(): { table: arrow.Table; nullRow: number } {
    const schema = this.schema;
    const nullRow = new arrow.RecordBatch(
      schema,
      arrow.makeData({ type: new arrow.Struct(schema.fields), length: 1, nullCount: 0, children: schema.fields.map((f) => nullData(f.type, 1)) }),
    );
    return { table: new arrow.Table(schema, [...this.chunks, nullRow]), nullRow: this.rows };
  }
}

function assemble(left: arrow.Table, winners: WinnerStore, bestRef: Int32Array, columns: readonly string[]): arrow.Table {
  const schema = winners.schema;
  if (left.numRows === 0) {
    return new arrow.Table(new arrow.Schema([...left.schema.fields, ...columns.map((c) => schema.fields.find((f) => f.name === c)!)], left.schema.metadata));
  }
  const { table, nullRow } = winners.withNullRow();
  const indices = Int32Array.from(bestRef, (r) => (r < 0 ? nullRow : r));
  const gathered = takeRows(table, indices);
  const leftRows = left.batches.length === 1 ? left.batches[0]! : takeRows(left, Int32Array.from({ length: left.numRows }, (_, i) => i));
  const fields = [...left.schema.fields, ...columns.map((c) => schema.fields.find((f) => f.name === c)!)];
  const children = [...leftRows.data.children, ...columns.map((c) => gathered.getChild(c)!.data[0]!)];
  const out = new arrow.Schema(fields, left.schema.metadata);
  return new arrow.Table(out, [new arrow.RecordBatch(out, arrow.makeData({ type: new arrow.Struct(fields), length: left.numRows, nullCount: 0, children }))]);
}
