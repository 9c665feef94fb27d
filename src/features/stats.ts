/**
 * Feature statistics per commit: for each snapshot of a view's source table, per feature, the
 * row count, null count and fraction, min, max, mean (numbers) and an approximate distinct count
 * (a HyperLogLog sketch, stats-accumulator.ts) of the view's rows as of that snapshot (its filter
 * applied), and the same statistics of the rows that commit added.
 *
 * Recorded as a sidecar document per snapshot, created only if absent and never rewritten:
 *
 *     _floe/features/stats/<view>/v<version>/<snapshot-id>.json   {"format": "floe-feature-stats/2", …}
 *
 * with each feature's mergeable state (counts, min, max, sum, the serialized sketch), so the
 * statistics of an `append` are its parent's merged with those of the data files it added: only
 * those files are read. Any other operation (overwrite, delete, replace) may have removed rows,
 * so its statistics are recomputed from the whole snapshot. Snapshots are immutable, so a
 * snapshot's statistics never change and two writers recording the same snapshot write the same
 * numbers (the second create fails and is ignored). Comparing snapshots is comparing these
 * documents (`floe features stats <view> --since <snapshot>`).
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { CorruptFileError, InvalidArgumentError, isFloeError } from '../errors.js';
import type { Snapshot } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import type { Table } from '../table.js';
import { parseJson, stringifyJson } from '../util/index.js';
import type { Warehouse } from '../warehouse.js';
import { FeatureRegistry } from './registry.js';
import { type AccumulatorState, FeatureAccumulator, type FeatureColumnStats } from './stats-accumulator.js';
import type { FeatureView } from './view.js';
import { viewColumns } from './view-rows.js';

export type { FeatureColumnStats } from './stats-accumulator.js';

/** Where statistics live under the warehouse root. */
export const FEATURE_STATS_PREFIX = '_floe/features/stats';

/** The format tag of a statistics document. */
const FORMAT = 'floe-feature-stats/2';

/** Statistics of some rows of a view: how many, and per feature. */
export interface FeatureRowStats {
  /** Rows. */
  readonly rowCount: number;
  /** Per feature. */
  readonly features: Readonly<Record<string, FeatureColumnStats>>;
}

/** Statistics of a view at one snapshot of its source table. */
export interface FeatureStats extends FeatureRowStats {
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
  /** Its operation (`append`, `overwrite`, `delete`, `replace`), null when its summary has none. */
  readonly operation: string | null;
  /**
   * How the as-of statistics were obtained: `incremental` (an append: the parent's merged with
   * the added rows') or `full` (every row of the snapshot read).
   */
  readonly computed: 'incremental' | 'full';
  /** Statistics of the rows in the data files this commit added (its deletes applied). */
  readonly added: FeatureRowStats;
}

/** The document: the statistics and, per feature, the state a later append merges into. */
interface StatsDocument extends FeatureStats {
  readonly format: typeof FORMAT;
  readonly state: Readonly<Record<string, AccumulatorState>>;
}

type Accumulators = Map<string, FeatureAccumulator>;

function emptyAccumulators(view: FeatureView): Accumulators {
  return new Map(view.features.map((f) => [f.name, FeatureAccumulator.empty()]));
}

/**
 * Feeds the view's rows at `snapshot` to fresh accumulators: every live row, or (`addedOnly`)
 * those of the data files the snapshot added (a live file records the snapshot that added it;
 * sequence numbers would not do on a format-1 table, where they are all 0).
 */
async function accumulate(view: FeatureView, table: Table, snapshot: Snapshot, addedOnly: boolean): Promise<{ rows: number; acc: Accumulators }> {
  const acc = emptyAccumulators(view);
  const columns = viewColumns(view);
  const filter = view.source.filter !== undefined ? { filter: view.source.filter } : {};
  const plan = await table.scan({ snapshotId: snapshot.snapshotId, columns, ...filter }).planFiles();
  const reader = table.fileReader({ columns, ...filter, snapshotId: snapshot.snapshotId });
  let rows = 0;
  for (const task of plan.tasks) {
    if (addedOnly && task.snapshotId !== snapshot.snapshotId) continue;
    for (const batch of await reader.read(task)) {
      rows += batch.numRows;
      for (const [name, a] of acc) {
        const col = batch.getChild(name) as arrow.Vector | null;
        for (let i = 0; i < batch.numRows; i++) a.add(col?.get(i) ?? null);
      }
    }
  }
  return { rows, acc };
}

function rowStats(rows: number, acc: Accumulators): FeatureRowStats {
  return { rowCount: rows, features: Object.fromEntries([...acc].map(([n, a]) => [n, a.stats()])) };
}

/**
 * Computes a view's statistics at one snapshot of its source table: from `parent` (the
 * document of the snapshot's parent) when the snapshot is an append, else from every row.
 */
async function computeDocument(view: FeatureView, table: Table, snapshot: Snapshot, parent: StatsDocument | undefined | 'none', where: string): Promise<StatsDocument> {
  const operation = snapshot.summary?.['operation'] ?? null;
  const added = await accumulate(view, table, snapshot, true);
  let asOf: { rows: number; acc: Accumulators; computed: 'incremental' | 'full' };
  if (operation === 'append' && parent !== undefined) {
    const base = parent === 'none' ? emptyAccumulators(view) : new Map(view.features.map((f) => [f.name, parent.state[f.name] ? FeatureAccumulator.fromState(parent.state[f.name]!, where) : undefined]));
    if ([...base.values()].every((a) => a !== undefined)) {
      const acc: Accumulators = new Map([...added.acc].map(([n, a]) => [n, base.get(n)!.merge(a)]));
      asOf = { rows: (parent === 'none' ? 0 : parent.rowCount) + added.rows, acc, computed: 'incremental' };
    } else {
      asOf = { ...(await accumulate(view, table, snapshot, false)), computed: 'full' };
    }
  } else {
    asOf = { ...(await accumulate(view, table, snapshot, false)), computed: 'full' };
  }
  return {
    format: FORMAT,
    view: view.name,
    version: view.version,
    table: view.source.table,
    snapshotId: snapshot.snapshotId.toString(),
    sequenceNumber: snapshot.sequenceNumber.toString(),
    timestampMs: snapshot.timestampMs,
    operation,
    computed: asOf.computed,
    ...rowStats(asOf.rows, asOf.acc),
    added: rowStats(added.rows, added.acc),
    state: Object.fromEntries([...asOf.acc].map(([n, a]) => [n, a.state()])),
  };
}

/**
 * Computes a view's statistics at one snapshot of its source table from every row of it
 * (nothing recorded).
 */
export async function computeFeatureStats(view: FeatureView, table: Table, snapshot: Snapshot): Promise<FeatureStats> {
  return published(await computeDocument(view, table, snapshot, undefined, statsPath(view, snapshot.snapshotId.toString())));
}

function published(doc: StatsDocument): FeatureStats {
  const { format: _format, state: _state, ...stats } = doc;
  return stats;
}

function statsPath(view: FeatureView, snapshotId: string): string {
  return `${FEATURE_STATS_PREFIX}/${view.name}/v${view.version}/${snapshotId}.json`;
}

/**
 * @returns the document, or undefined when there is none or it is of the earlier format (exact
 * distinct counts, no mergeable state): such a snapshot is computed again, not recorded over it
 */
async function readStats(store: ObjectStore, path: string): Promise<{ doc?: StatsDocument; exists: boolean }> {
  let json: unknown;
  try {
    const { bytes } = await store.get(path);
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return { exists: false };
    throw new CorruptFileError(path, 'feature statistics document is not JSON', { cause: e });
  }
  if (typeof json !== 'object' || json === null || typeof (json as FeatureStats).snapshotId !== 'string') throw new CorruptFileError(path, 'feature statistics document is malformed');
  if ((json as { format?: unknown }).format !== FORMAT) return { exists: true };
  const doc = json as StatsDocument;
  if (typeof doc.state !== 'object' || doc.state === null || typeof doc.added !== 'object' || doc.added === null) throw new CorruptFileError(path, 'feature statistics document is malformed');
  return { doc, exists: true };
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
  // The parent's document, when known: an append's statistics are merged into it.
  let parent: StatsDocument | undefined | 'none';
  if (from > 0) {
    parent = (await readStats(store, statsPath(view, history[from - 1]!.snapshotId.toString()))).doc;
  } else if (history[0] !== undefined && (history[0].parentSnapshotId === undefined || history[0].parentSnapshotId === null)) {
    parent = 'none';
  }
  for (const snap of history.slice(from)) {
    const path = statsPath(view, snap.snapshotId.toString());
    const found = await readStats(store, path);
    let doc = found.doc;
    if (!doc) {
      doc = await computeDocument(view, table, snap, parent, path);
      if (!found.exists) {
        try {
          await store.put(path, new TextEncoder().encode(stringifyJson(doc, 2)), { mode: { kind: 'create' }, contentType: 'application/json' });
        } catch (e) {
          // Another writer recorded the same snapshot first: the same numbers (snapshots are immutable).
          if (!isFloeError(e, 'ALREADY_EXISTS')) throw e;
        }
      }
    }
    out.push(published(doc));
    parent = doc;
  }
  return out;
}
