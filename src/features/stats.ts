/**
 * Feature statistics per commit: for each snapshot of a view's source table, per feature, the
 * row count, null count and fraction, min, max, mean (numbers) and the exact distinct count of
 * the view's rows as of that snapshot (its filter applied). Exact, not a sketch: the distinct
 * values of one feature are held while its snapshot is read, so memory grows with a feature's
 * cardinality (documented in spec/feature-store.md "Feature statistics").
 *
 * Recorded as a sidecar document per snapshot, created only if absent and never rewritten:
 *
 *     _floe/features/stats/<view>/v<version>/<snapshot-id>.json
 *
 * Snapshots are immutable, so a snapshot's statistics never change and two writers recording
 * the same snapshot write the same numbers (the second create fails and is ignored). Comparing
 * snapshots is comparing these documents (`floe features stats <view> --since <snapshot>`).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { CorruptFileError, InvalidArgumentError, isFloeError } from '../errors.js';
import type { Snapshot } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import type { Table } from '../table.js';
import { parseJson, stringifyJson } from '../util/index.js';
import type { Warehouse } from '../warehouse.js';
import { FeatureRegistry } from './registry.js';
import type { FeatureView } from './view.js';
import { viewBatches } from './view-rows.js';

/** Where statistics live under the warehouse root. */
export const FEATURE_STATS_PREFIX = '_floe/features/stats';

/** Statistics of one feature at one snapshot. */
export interface FeatureColumnStats {
  /** Null values. */
  readonly nullCount: number;
  /** Nulls / rows (0 when there are no rows). */
  readonly nullFraction: number;
  /** Smallest non-null value (numbers, bigints as decimal strings, strings, timestamps in ms); null when none. */
  readonly min: number | string | boolean | null;
  /** Largest non-null value; null when none. */
  readonly max: number | string | boolean | null;
  /** Mean of the non-null values of a numeric feature; null otherwise. */
  readonly mean: number | null;
  /** Exact number of distinct non-null values. */
  readonly distinct: number;
}

/** Statistics of a view at one snapshot of its source table. */
export interface FeatureStats {
  /** The view. */
  readonly view: string;
  /** The view version the statistics are of. */
  readonly version: number;
  /** The source table. */
  readonly table: string;
  /** The snapshot (decimal string). */
  readonly snapshotId: string;
  /** Its sequence number (decimal string). */
  readonly sequenceNumber: string;
  /** Its commit time. */
  readonly timestampMs: number;
  /** Rows of the view at that snapshot. */
  readonly rowCount: number;
  /** Per feature. */
  readonly features: Readonly<Record<string, FeatureColumnStats>>;
}

type Value = number | string | boolean;

/** A value as the statistics hold it (bigints as decimal strings would sort wrongly: they are compared as bigints first). */
function comparable(v: unknown): bigint | number | string | boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  return undefined; // nested values: counted, not ranged
}

class Accumulator {
  rows = 0;
  nulls = 0;
  min: bigint | number | string | boolean | undefined;
  max: bigint | number | string | boolean | undefined;
  sum = 0;
  numeric = 0;
  readonly distinct = new Set<unknown>();

  add(v: unknown): void {
    this.rows++;
    if (v === null || v === undefined) {
      this.nulls++;
      return;
    }
    const c = comparable(v);
    this.distinct.add(c ?? stringifyJson(v));
    if (c === undefined) return;
    if (this.min === undefined || c < this.min) this.min = c;
    if (this.max === undefined || c > this.max) this.max = c;
    if (typeof c === 'number' || typeof c === 'bigint') {
      this.sum += Number(c);
      this.numeric++;
    }
  }

  done(): FeatureColumnStats {
    const out = (v: bigint | number | string | boolean | undefined): Value | null => (v === undefined ? null : typeof v === 'bigint' ? v.toString() : v);
    return {
      nullCount: this.nulls,
      nullFraction: this.rows === 0 ? 0 : this.nulls / this.rows,
      min: out(this.min),
      max: out(this.max),
      mean: this.numeric === 0 ? null : this.sum / this.numeric,
      distinct: this.distinct.size,
    };
  }
}

/** Computes a view's statistics at one snapshot of its source table (reads the view's rows, streamed). */
export async function computeFeatureStats(view: FeatureView, table: Table, snapshot: Snapshot): Promise<FeatureStats> {
  const acc = new Map(view.features.map((f) => [f.name, new Accumulator()]));
  let rows = 0;
  for await (const batch of viewBatches(view, table, snapshot.snapshotId)) {
    rows += batch.numRows;
    for (const [name, a] of acc) {
      const col = batch.getChild(name) as arrow.Vector | null;
      for (let i = 0; i < batch.numRows; i++) a.add(col?.get(i) ?? null);
    }
  }
  return {
    view: view.name,
    version: view.version,
    table: view.source.table,
    snapshotId: snapshot.snapshotId.toString(),
    sequenceNumber: snapshot.sequenceNumber.toString(),
    timestampMs: snapshot.timestampMs,
    rowCount: rows,
    features: Object.fromEntries([...acc].map(([n, a]) => [n, a.done()])),
  };
}

function statsPath(view: FeatureView, snapshotId: string): string {
  return `${FEATURE_STATS_PREFIX}/${view.name}/v${view.version}/${snapshotId}.json`;
}

async function readStats(store: ObjectStore, path: string): Promise<FeatureStats | undefined> {
  try {
    const { bytes } = await store.get(path);
    const json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    if (typeof json !== 'object' || json === null || typeof (json as FeatureStats).snapshotId !== 'string') throw new CorruptFileError(path, 'feature statistics document is malformed');
    return json as FeatureStats;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    if (isFloeError(e, 'CORRUPT_FILE')) throw e;
    throw new CorruptFileError(path, 'feature statistics document is not JSON', { cause: e });
  }
}

/** Options of {@link featureStats}. */
export interface FeatureStatsOptions {
  /** The warehouse. */
  readonly warehouse: Warehouse;
  /** The view (`name` or `name@version`). */
  readonly view: string;
  /** Only snapshots after this one (exclusive; a snapshot id of the source table). */
  readonly since?: bigint | string;
}

/**
 * The statistics of a view at every snapshot of its source table's current history (oldest
 * first), computing and recording those not recorded yet.
 * @throws InvalidArgumentError for an unknown view or a `since` that is not a snapshot of the table's history
 */
export async function featureStats(options: FeatureStatsOptions): Promise<FeatureStats[]> {
  const registry = FeatureRegistry.open(options.warehouse);
  const view = await registry.describe(options.view);
  const table = await registry.loadSource(view);
  const store = options.warehouse.root.store;
  // The current branch's history: ancestors of the current snapshot, oldest first.
  const byId = new Map(table.snapshots().map((s) => [s.snapshotId, s]));
  const history: Snapshot[] = [];
  for (let s = table.currentSnapshot(); s; s = s.parentSnapshotId !== undefined ? byId.get(s.parentSnapshotId) : undefined) history.unshift(s);
  let from = 0;
  if (options.since !== undefined) {
    let since: bigint;
    try {
      since = BigInt(options.since);
    } catch {
      throw new InvalidArgumentError(`feature stats: since ${String(options.since)} is not a snapshot id`, { context: { option: 'since' } });
    }
    const at = history.findIndex((s) => s.snapshotId === since);
    if (at < 0) throw new InvalidArgumentError(`feature stats: snapshot ${since} is not in the history of table ${table.name}`, { context: { option: 'since', table: table.name } });
    from = at + 1;
  }
  const out: FeatureStats[] = [];
  for (const snap of history.slice(from)) {
    const path = statsPath(view, snap.snapshotId.toString());
    let stats = await readStats(store, path);
    if (!stats) {
      stats = await computeFeatureStats(view, table, snap);
      try {
        await store.put(path, new TextEncoder().encode(stringifyJson(stats, 2)), { mode: { kind: 'create' }, contentType: 'application/json' });
      } catch (e) {
        // Another writer recorded the same snapshot first: the same numbers (snapshots are immutable).
        if (!isFloeError(e, 'ALREADY_EXISTS')) throw e;
      }
    }
    out.push(stats);
  }
  return out;
}
