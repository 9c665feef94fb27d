/**
 * Expectations as a circuit breaker: before a view's rows at a snapshot are materialized (or
 * used), check them against the declared data contract — the source table's constraints
 * (`Table.setConstraints`: not null, min, max, allowed, regex, unique, max null fraction, row
 * counts) on the view's columns, plus any given here — and stop when one is broken. Writes
 * already refuse rows that break a table's constraints, but rows written before a constraint
 * was declared, or by another engine, are not checked at write time: this check is.
 *
 * The rows checked are the view's rows at the snapshot (its filter applied), held in memory
 * while checked.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { type ConstraintViolationDetail, InvalidArgumentError } from '../errors.js';
import type { Constraint } from '../index.js';
import { checkConstraints } from '../transaction/index.js';
import type { Warehouse } from '../warehouse.js';
import { FeatureRegistry } from './registry.js';
import { type FeatureView, FeatureViewSchema } from './view.js';
import { viewBatches, viewColumns } from './view-rows.js';

/** What {@link checkViewExpectations} found. */
export interface ExpectationReport {
  /** The view and version checked. */
  readonly view: string;
  /** Its version. */
  readonly version: number;
  /** The source snapshot checked (decimal string). */
  readonly snapshotId: string;
  /** Rows checked. */
  readonly rowCount: number;
  /** The constraints checked, as `kind(column)`. */
  readonly checked: readonly string[];
  /** Whether every expectation holds (materialize only then). */
  readonly ok: boolean;
  /** Broken expectations, with counts and sample rows. */
  readonly violations: readonly ConstraintViolationDetail[];
}

/** Options of {@link checkViewExpectations}. */
export interface ViewExpectationsOptions {
  /** The warehouse. */
  readonly warehouse: Warehouse;
  /** The view: a name (`name@version` too) or a registered view. */
  readonly view: string | FeatureView;
  /** The source snapshot to check (default the source table's current one). */
  readonly snapshotId?: bigint | string;
  /** Expectations besides the table's constraints. */
  readonly expectations?: readonly Constraint[];
}

function columnsOf(c: Constraint): string[] {
  return 'columns' in c ? [...c.columns] : 'column' in c ? [c.column] : [];
}

/**
 * Checks a view's rows at a snapshot against its expectations (see the module doc).
 * @returns a report; `ok: false` means: do not materialize this snapshot
 * @throws InvalidArgumentError for an unknown view; SnapshotNotFoundError for an unknown snapshot
 */
export async function checkViewExpectations(options: ViewExpectationsOptions): Promise<ExpectationReport> {
  const registry = FeatureRegistry.open(options.warehouse);
  let view: FeatureView;
  if (typeof options.view === 'string') view = await registry.describe(options.view);
  else {
    const r = FeatureViewSchema.safeParse(options.view);
    if (!r.success) throw new InvalidArgumentError(`view expectations: option view is not a feature view: ${z.core.toDotPath(r.error.issues[0]!.path)} ${r.error.issues[0]!.message}`, { context: { option: 'view' } });
    view = r.data;
  }
  const table = await registry.loadSource(view);
  if (options.snapshotId !== undefined && !/^-?\d+$/.test(String(options.snapshotId))) {
    throw new InvalidArgumentError(`view expectations: option snapshotId is not a snapshot id: ${String(options.snapshotId)}`, { context: { option: 'snapshotId' } });
  }
  const snapshotId = options.snapshotId !== undefined ? BigInt(options.snapshotId) : table.currentSnapshot()?.snapshotId;
  const base = { view: view.name, version: view.version, snapshotId: snapshotId?.toString() ?? '' };
  const own = new Set(viewColumns(view));
  const schemaNames = new Set(table.schema().fields.map((f) => f.name));
  // The table's constraints that bear on the view (row counts, or only the view's columns), then the given ones.
  const constraints = [...table.constraints().filter((c) => columnsOf(c).every((n) => own.has(n))), ...(options.expectations ?? [])];
  const extra = constraints.flatMap(columnsOf).filter((n) => !own.has(n) && schemaNames.has(n));
  const checked = constraints.map((c) => (columnsOf(c).length > 0 ? `${c.kind}(${columnsOf(c).join(',')})` : c.kind));
  const batches: arrow.RecordBatch[] = [];
  if (snapshotId !== undefined) for await (const b of viewBatches(view, table, snapshotId, extra)) batches.push(b);
  const rows = batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(table.scan().arrowSchema()).select(viewColumns(view, extra));
  const report = await checkConstraints(rows, constraints);
  return { ...base, rowCount: rows.numRows, checked, ok: report.violations.length === 0, violations: report.violations };
}
