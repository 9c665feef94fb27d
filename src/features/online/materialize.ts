/**
 * Materialization: each entity's latest feature values, written to an online store
 * (spec/feature-store.md, "Online store").
 *
 * "Latest" for a view at `upTo`: among the source rows (view filter applied) whose event time
 * is ≤ `upTo`, the one with the greatest event time; a tie goes to the row of the EARLIER
 * commit (lower data sequence number), then to the later row in the file — the offline rule of
 * `getHistoricalFeatures` (training-set.ts), so the two paths agree on ties. A key whose latest
 * row is older than `upTo - ttl` (ttl > 0) is not kept online. `upTo` defaults to the clock's
 * now.
 *
 * Incremental: from the view's watermark (the snapshot and `upTo` last materialized), only the
 * data files added since are read — the snapshot diff, by data sequence number — plus, when
 * `upTo` moved forward, the older rows whose event time falls in (old upTo, new upTo]. The new
 * latest rows are merged with the stored records (a stored record with a later or equal event
 * time stays: it comes from an earlier commit). Any of these makes it a full recompute instead (every live row read again, keys that
 * no longer have a row removed): no watermark; a different view version; `upTo` moved back; the
 * watermark snapshot is not an ancestor of the current one (rollback, expired history); a
 * snapshot since it that is not an `append` (overwrite, delete, replace: rows may have gone).
 *
 * Order per view: values first, then the watermark, so a crash in between re-does the work on
 * the next run (writes are idempotent) and the watermark never claims what is not stored.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { z } from 'zod';
import { type Clock, systemClock } from '../../util/index.js';
import type { FileScanTask, Snapshot, Table, Warehouse } from '../../index.js';
import { ConstraintViolationError, InvalidArgumentError } from '../../errors.js';
import { checkViewExpectations } from '../expectations.js';
import type { FeatureView, FeatureViewDefinition } from '../view.js';
import { encodeEntityKey } from './codec.js';
import type { EntityKey, OnlineRecord, OnlineStore, OnlineValue, OnlineWrite } from './online-store.js';
import { entityKeyOf, featureValueOf, parseArgs, toMs } from './values.js';

/** A view as materialization and serving take it: a definition, or a registered view with its version. */
export type OnlineView = FeatureViewDefinition & { readonly version?: number };

/** Options of {@link materialize}. */
export interface MaterializeOptions {
  /** The warehouse holding the views' source tables. */
  readonly warehouse: Warehouse;
  /** The online store to write. */
  readonly store: OnlineStore;
  /** The views to materialize. */
  readonly views: readonly OnlineView[];
  /** Rows with a later event time are left out (ms since the epoch, or a Date); default now. */
  readonly upTo?: number | Date;
  /** The clock for the default `upTo` and the watermark time (default the system clock). */
  readonly clock?: Clock;
  /**
   * A circuit breaker: called with each view's rows to be written before anything is written;
   * throwing stops that view's materialization with nothing written.
   */
  readonly check?: (view: OnlineView, rows: readonly OnlineWrite[]) => void | Promise<void>;
  /**
   * Run `checkViewExpectations` on each registered view's snapshot before writing (default
   * false: it reads the snapshot's rows once more); a violation throws
   * ConstraintViolationError and nothing of that view is written.
   */
  readonly checkExpectations?: boolean;
}

/** What materializing one view did. */
export interface MaterializeReport {
  /** The view. */
  readonly view: string;
  /** `full` (every row read), `incremental` (the snapshot diff), or `unchanged` (nothing new). */
  readonly mode: 'full' | 'incremental' | 'unchanged';
  /** Why a full recompute, when it was one. */
  readonly reason?: string;
  /** The source snapshot materialized (undefined for an empty table). */
  readonly snapshotId?: bigint;
  /** The `upTo` used (ms since the epoch). */
  readonly upToMs: number;
  /** Data files read. */
  readonly filesRead: number;
  /** Source rows read. */
  readonly rowsRead: number;
  /** Keys whose record was written. */
  readonly keysWritten: number;
  /** Keys removed (no row any more, or expired at `upTo`). */
  readonly keysRemoved: number;
}

const ViewSchema = z.custom<OnlineView>((v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' && Array.isArray((v as { entities?: unknown }).entities), { error: 'must be a feature view' });

const MaterializeSchema = z.strictObject({
  warehouse: z.custom<Warehouse>((v) => typeof v === 'object' && v !== null && typeof (v as { loadTable?: unknown }).loadTable === 'function', { error: 'must be a Warehouse' }),
  store: z.custom<OnlineStore>((v) => typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function', { error: 'must be an OnlineStore' }),
  views: z.array(ViewSchema).min(1, 'must name at least one view'),
  upTo: z.union([z.number().int().min(0), z.date()]).optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as { nowMs?: unknown }).nowMs === 'function', { error: 'must be a Clock' }).optional(),
  check: z.function().optional(),
  checkExpectations: z.boolean().optional(),
});

const WRITE_CHUNK = 1000;

/** A candidate latest row of one key. */
interface Candidate {
  readonly key: EntityKey;
  readonly eventTimeMs: number;
  readonly seq: bigint;
  readonly snapshotId: bigint;
  readonly values: Record<string, OnlineValue>;
}

/**
 * Writes each view's latest feature values to the online store (see the module doc for what
 * "latest", ttl and incremental mean), then its watermark.
 * @returns one report per view, in order
 * @throws InvalidArgumentError for a bad option
 * @throws TableNotFoundError when a view's source table is missing
 * @throws UnsupportedError for a feature or key type the online store cannot hold
 * @throws whatever `check` throws (nothing of that view written)
 * @throws ConstraintViolationError when `checkExpectations` finds bad rows (nothing of that view written)
 */
export async function materialize(options: MaterializeOptions): Promise<MaterializeReport[]> {
  const o = parseArgs(MaterializeSchema, options, 'materialize');
  const clock = o.clock ?? systemClock;
  const upToMs = o.upTo === undefined ? clock.nowMs() : o.upTo instanceof Date ? o.upTo.getTime() : o.upTo;
  const reports: MaterializeReport[] = [];
  for (const view of o.views) {
    if (o.checkExpectations) await breaker(o.warehouse, view);
    reports.push(await materializeView(o.warehouse, o.store, view, upToMs, clock, o.check as MaterializeOptions['check']));
  }
  return reports;
}

/** The circuit breaker: a registered view's expectations on its current snapshot, or a typed refusal. */
async function breaker(warehouse: Warehouse, view: OnlineView): Promise<void> {
  if (view.version === undefined || !('registeredAtMs' in view)) {
    throw new InvalidArgumentError(`materialize: checkExpectations needs registered views (with their version); view ${view.name} is a bare definition`, { context: { view: view.name } });
  }
  const report = await checkViewExpectations({ warehouse, view: view as FeatureView });
  if (!report.ok) {
    throw new ConstraintViolationError(view.source.table, report.violations, { context: { view: view.name, snapshotId: report.snapshotId }, help: `fix the rows of ${view.source.table}; nothing of view ${view.name} was materialized` });
  }
}

async function materializeView(warehouse: Warehouse, store: OnlineStore, view: OnlineView, upToMs: number, clock: Clock, check: MaterializeOptions['check']): Promise<MaterializeReport> {
  const table = await warehouse.loadTable(view.source.table);
  const target = table.currentSnapshot();
  const base = { view: view.name, upToMs };
  const mark = await store.getWatermark(view.name);
  if (!target) {
    await store.dropView(view.name);
    return { ...base, mode: 'full', reason: 'the source table has no snapshot', filesRead: 0, rowsRead: 0, keysWritten: 0, keysRemoved: 0 };
  }
  const fullReason = mark === undefined ? 'never materialized' : whyFull(table, view, mark, target, upToMs);
  if (fullReason === undefined && mark!.snapshotId === target.snapshotId && mark!.upToMs === upToMs) {
    return { ...base, mode: 'unchanged', snapshotId: target.snapshotId, filesRead: 0, rowsRead: 0, keysWritten: 0, keysRemoved: 0 };
  }
  const columns = [...new Set([...view.entities.map((e) => e.name), view.eventTime, ...view.features.map((f) => f.name)])];
  const plan = await table.scan({ snapshotId: target.snapshotId, columns, ...(view.source.filter ? { filter: view.source.filter } : {}) }).planFiles();
  const reader = table.fileReader({ columns, ...(view.source.filter ? { filter: view.source.filter } : {}), snapshotId: target.snapshotId });
  const latest = new Map<string, Candidate>();
  let filesRead = 0;
  let rowsRead = 0;
  // Files in data sequence order; a tie across files keeps the earlier commit's row.
  const tasks = [...plan.tasks].sort((a, b) => (a.dataSequenceNumber < b.dataSequenceNumber ? -1 : a.dataSequenceNumber > b.dataSequenceNumber ? 1 : 0));
  const markSeq = fullReason === undefined ? table.snapshot(mark!.snapshotId).sequenceNumber : undefined;
  for (const task of tasks) {
    const isNew = markSeq === undefined || task.dataSequenceNumber > markSeq;
    // An old file matters only for rows in (old upTo, new upTo]: rows at or before the old upTo were read when it was new.
    const fromMs = isNew ? -Infinity : mark!.upToMs!;
    if (!isNew && !(upToMs > fromMs)) continue;
    filesRead++;
    for (const batch of await reader.read(task)) rowsRead += collect(view, batch, task, fromMs, upToMs, latest);
  }
  const writes: OnlineWrite[] = [];
  const expired = (c: { eventTimeMs: number }): boolean => view.ttlMs > 0 && upToMs - c.eventTimeMs > view.ttlMs;
  let keysRemoved = 0;
  if (fullReason === undefined) {
    // Incremental: a stored record with a later or equal event time stays (an equal one is from an earlier commit).
    const cands = [...latest.values()];
    for (let i = 0; i < cands.length; i += WRITE_CHUNK) {
      const chunk = cands.slice(i, i + WRITE_CHUNK);
      const stored = await store.read({ view: view.name, entityKeys: chunk.map((c) => c.key), features: [] });
      chunk.forEach((c, j) => {
        const s = stored[j];
        if (s && s.eventTimeMs >= c.eventTimeMs) return;
        writes.push(toWrite(view, c, expired(c)));
      });
    }
  } else {
    for (const c of latest.values()) writes.push(toWrite(view, c, expired(c)));
    for await (const key of store.keys(view.name)) {
      if (!latest.has(keyId(key))) writes.push({ view: view.name, entityKey: key, record: null });
    }
  }
  if (check) await check(view, writes);
  for (let i = 0; i < writes.length; i += WRITE_CHUNK) await store.write(writes.slice(i, i + WRITE_CHUNK));
  for (const w of writes) if (w.record === null) keysRemoved++;
  await store.setWatermark(view.name, { snapshotId: target.snapshotId, upToMs, materializedAtMs: clock.nowMs(), ...(view.version !== undefined ? { viewVersion: view.version } : {}) });
  return { ...base, mode: fullReason === undefined ? 'incremental' : 'full', ...(fullReason !== undefined ? { reason: fullReason } : {}), snapshotId: target.snapshotId, filesRead, rowsRead, keysWritten: writes.length - keysRemoved, keysRemoved };
}

/** @returns why the view needs a full recompute, or undefined when the snapshot diff suffices */
function whyFull(table: Table, view: OnlineView, mark: { snapshotId: bigint; upToMs?: number; viewVersion?: number }, target: Snapshot, upToMs: number): string | undefined {
  if (mark.viewVersion !== view.version) return `the view version changed (${mark.viewVersion ?? 'none'} → ${view.version ?? 'none'})`;
  if (mark.upToMs === undefined || upToMs < mark.upToMs) return `upTo moved back (${mark.upToMs} → ${upToMs})`;
  const byId = new Map(table.snapshots().map((s) => [s.snapshotId, s]));
  for (let s: Snapshot | undefined = target; ; s = s.parentSnapshotId === undefined || s.parentSnapshotId === null ? undefined : byId.get(s.parentSnapshotId)) {
    if (s === undefined) return `snapshot ${mark.snapshotId} is no longer an ancestor of the current snapshot ${target.snapshotId}`;
    if (s.snapshotId === mark.snapshotId) return undefined;
    const op = s.summary?.['operation'];
    if (op !== 'append') return `snapshot ${s.snapshotId} since the last materialization is a ${op ?? 'commit with no operation'}, not an append`;
  }
}

function collect(view: OnlineView, batch: arrow.RecordBatch, task: FileScanTask, fromMs: number, upToMs: number, latest: Map<string, Candidate>): number {
  const where = `materialize ${view.name}`;
  const time = batch.getChild(view.eventTime)!;
  const keyCols = view.entities.map((e) => batch.getChild(e.name)!);
  const featCols = view.features.map((f) => batch.getChild(f.name)!);
  let n = 0;
  for (let i = 0; i < batch.numRows; i++) {
    const t = toMs(time.get(i));
    if (t === undefined || t > upToMs || t <= fromMs) continue;
    n++;
    const row: Record<string, unknown> = {};
    view.entities.forEach((e, j) => (row[e.name] = keyCols[j]!.get(i)));
    const key = entityKeyOf(view, row, where);
    const id = keyId(key);
    const prior = latest.get(id);
    if (prior && (prior.eventTimeMs > t || (prior.eventTimeMs === t && prior.seq < task.dataSequenceNumber))) continue;
    const values: Record<string, OnlineValue> = {};
    view.features.forEach((f, j) => (values[f.name] = featureValueOf(view, f.name, featCols[j]!.get(i))));
    latest.set(id, { key, eventTimeMs: t, seq: task.dataSequenceNumber, snapshotId: task.snapshotId, values });
  }
  return n;
}

function toWrite(view: OnlineView, c: Candidate, isExpired: boolean): OnlineWrite {
  if (isExpired) return { view: view.name, entityKey: c.key, record: null };
  const record: OnlineRecord = { values: c.values, eventTimeMs: c.eventTimeMs, snapshotId: c.snapshotId };
  return { view: view.name, entityKey: c.key, record, ...(view.ttlMs > 0 ? { expiresAtMs: c.eventTimeMs + view.ttlMs } : {}) };
}

/** A map key for an entity key (its MessagePack bytes, as latin1 text). */
export function keyId(key: EntityKey): string {
  return Buffer.from(encodeEntityKey(key)).toString('latin1');
}
