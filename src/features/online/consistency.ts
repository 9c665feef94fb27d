/**
 * The training–serving skew check (spec/feature-store.md, "Consistency check"): for sampled
 * (entity, time T) pairs, the value the online path serves at T (getOnlineFeatures with a clock
 * reading T) against the offline point-in-time value at T (an as-of join on the source table's
 * current snapshot, the view's ttl applied: what a training set built now would hold).
 *
 * T is the view's materialized `upTo` plus a seeded offset in [0, horizonMs]. Entities are
 * sampled (seeded) from the keys of the source rows at or before `upTo`. A mismatch names the
 * view, entity, T, feature and both values; typical causes are a row committed after the
 * materialization with an event time before its `upTo` (a late row), a view whose ttl changed
 * since, or a definition version the online store was not materialized with.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { asOfJoin } from '../../ml/features/index.js';
import { seededRandom } from '../../ml/index.js';
import type { Warehouse } from '../../warehouse.js';
import { UnsupportedError } from '../../errors.js';
import type { EntityKey, OnlineStore, OnlineValue } from './online-store.js';
import { type OnlineView, keyId } from './materialize.js';
import { getOnlineFeatures } from './serve.js';
import { entityKeyOf, featureValueOf, parseArgs, toMs } from './values.js';

/** Options of {@link checkConsistency}. */
export interface CheckConsistencyOptions {
  /** The warehouse of the views' source tables. */
  readonly warehouse: Warehouse;
  /** The online store the views were materialized into. */
  readonly store: OnlineStore;
  /** The views to check (the definitions the offline side uses). */
  readonly views: readonly OnlineView[];
  /** Entities sampled per view (default 100; fewer when the view has fewer). */
  readonly sample?: number;
  /** The seed of the sampling (default 0): the same seed checks the same pairs. */
  readonly seed?: number;
  /** T ranges over [upTo, upTo + horizonMs] (default 0: T = upTo). */
  readonly horizonMs?: number;
}

/** One disagreement between online and offline. */
export interface ConsistencyMismatch {
  /** The view. */
  readonly view: string;
  /** The entity: join key → value. */
  readonly entity: Readonly<Record<string, OnlineValue>>;
  /** The time compared at (ms since the epoch). */
  readonly atMs: number;
  /** The feature, or `$version` when the online store holds another version of the view. */
  readonly feature: string;
  /** What the online path serves. */
  readonly online: OnlineValue;
  /** What the offline as-of read gives. */
  readonly offline: OnlineValue;
}

/** The outcome of {@link checkConsistency}. */
export interface ConsistencyReport {
  /** True when nothing disagreed. */
  readonly ok: boolean;
  /** (entity, T) pairs compared, over all views. */
  readonly pairs: number;
  /** The disagreements, in view, then sample order. */
  readonly mismatches: readonly ConsistencyMismatch[];
}

const Schema = z.strictObject({
  warehouse: z.custom<Warehouse>((v) => typeof v === 'object' && v !== null && typeof (v as { loadTable?: unknown }).loadTable === 'function', { error: 'must be a Warehouse' }),
  store: z.custom<OnlineStore>((v) => typeof v === 'object' && v !== null && typeof (v as { read?: unknown }).read === 'function', { error: 'must be an OnlineStore' }),
  views: z.array(z.custom<OnlineView>((v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string', { error: 'must be a feature view' })).min(1, 'must name at least one view'),
  sample: z.number().int().min(1).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  horizonMs: z.number().int().min(0).optional(),
});

/**
 * Compares online and offline values for sampled (entity, time) pairs (see the module doc).
 * @returns the pairs compared and every mismatch
 * @throws InvalidArgumentError for a bad option
 * @throws UnsupportedError for a view with a source filter (the as-of join reads the table whole)
 */
export async function checkConsistency(options: CheckConsistencyOptions): Promise<ConsistencyReport> {
  const o = parseArgs(Schema, options, 'checkConsistency');
  const mismatches: ConsistencyMismatch[] = [];
  let pairs = 0;
  for (const [vi, view] of o.views.entries()) {
    if (view.source.filter) throw new UnsupportedError(`checkConsistency: view ${view.name} has a source filter, which the offline as-of read does not apply yet`, { context: { view: view.name } });
    const mark = await o.store.getWatermark(view.name);
    if (mark === undefined || mark.upToMs === undefined) {
      mismatches.push({ view: view.name, entity: {}, atMs: 0, feature: '$materialized', online: null, offline: 'never materialized' });
      continue;
    }
    if (mark.viewVersion !== view.version) mismatches.push({ view: view.name, entity: {}, atMs: mark.upToMs, feature: '$version', online: mark.viewVersion ?? null, offline: view.version ?? null });
    const table = await o.warehouse.loadTable(view.source.table);
    const keyNames = view.entities.map((e) => e.name);
    const keys = await sampleKeys(table, view, mark.upToMs, o.sample ?? 100, seededRandom([o.seed ?? 0, vi]));
    if (keys.length === 0) continue;
    const random = seededRandom([o.seed ?? 0, vi, 1]);
    const times = keys.map(() => mark.upToMs! + Math.floor(random() * ((o.horizonMs ?? 0) + 1)));
    // The offline side: an as-of join of (key, T) rows on the source table, with the view's ttl.
    const schema = table.arrowSchema();
    const typeOf = (name: string): arrow.DataType => schema.fields.find((f) => f.name === name)!.type;
    const cols: Record<string, arrow.Vector> = {};
    keyNames.forEach((n, j) => (cols[n] = arrow.vectorFromArray(keys.map((k) => k[j]), typeOf(n))));
    const timeType = typeOf(view.eventTime);
    cols['__floe_t'] = arrow.vectorFromArray(times.map((t) => (arrow.DataType.isInt(timeType) && timeType.bitWidth === 64 ? BigInt(t) : t)), timeType);
    const offline = await asOfJoin({
      left: new arrow.Table(cols),
      right: table,
      on: keyNames,
      leftTime: '__floe_t',
      rightTime: view.eventTime,
      columns: view.features.map((f) => f.name),
      ...(view.ttlMs > 0 ? { ttl: view.ttlMs } : {}),
    });
    for (let i = 0; i < keys.length; i++) {
      const entity: Record<string, OnlineValue> = {};
      keyNames.forEach((n, j) => (entity[n] = keys[i]![j]!));
      const [served] = await getOnlineFeatures({ store: o.store, views: [view], features: view.features.map((f) => `${view.name}:${f.name}`), entities: [entity as Record<string, bigint | number | string | boolean>], clock: { nowMs: () => times[i]! } });
      pairs++;
      for (const f of view.features) {
        const off = featureValueOf(view, f.name, offline.getChild(f.name)!.get(i));
        const on = served![`${view.name}:${f.name}`] ?? null;
        if (!sameValue(on, off)) mismatches.push({ view: view.name, entity, atMs: times[i]!, feature: f.name, online: on, offline: off });
      }
    }
  }
  return { ok: mismatches.length === 0, pairs, mismatches };
}

/** Up to `n` distinct entity keys of the source rows at or before `upToMs`, chosen by `random`. */
async function sampleKeys(table: Awaited<ReturnType<Warehouse['loadTable']>>, view: OnlineView, upToMs: number, n: number, random: () => number): Promise<EntityKey[]> {
  const seen = new Map<string, EntityKey>();
  for await (const batch of table.scan({ columns: [...view.entities.map((e) => e.name), view.eventTime] }).batches()) {
    const time = batch.getChild(view.eventTime)!;
    for (let i = 0; i < batch.numRows; i++) {
      const t = toMs(time.get(i));
      if (t === undefined || t > upToMs) continue;
      const row: Record<string, unknown> = {};
      for (const e of view.entities) row[e.name] = batch.getChild(e.name)!.get(i);
      const key = entityKeyOf(view, row, `checkConsistency ${view.name}`);
      seen.set(keyId(key), key);
    }
  }
  // Sorted by encoded key, then a seeded partial shuffle: the same seed picks the same keys.
  const all = [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, k]) => k);
  for (let i = 0; i < Math.min(n, all.length); i++) {
    const j = i + Math.floor(random() * (all.length - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}

function sameValue(a: OnlineValue, b: OnlineValue): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

