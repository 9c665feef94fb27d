/**
 * Serving: `getOnlineFeatures` reads the materialized values of many entities for many
 * `view:feature` references, one store read per view (spec/feature-store.md, "Online store").
 * A value is served when its record exists, its event time is ≤ now and, for a view with a
 * ttl, `now - eventTime ≤ ttl`; otherwise the feature is null. "Now" is the injectable clock's.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors.js';
import { type Clock, systemClock } from '../../util/index.js';
import { type FeatureRef, FeatureRefSchema } from '../feature-ref.js';
import type { EntityKey, OnlineStore, OnlineValue } from './online-store.js';
import type { OnlineView } from './materialize.js';
import { EntityRowsSchema, entityKeyOf, parseArgs } from './values.js';

/** Options of {@link getOnlineFeatures}. */
export interface GetOnlineFeaturesOptions {
  /** The online store materialized into. */
  readonly store: OnlineStore;
  /** The views the references name. */
  readonly views: readonly OnlineView[];
  /** `view:feature` (or `view@version:feature`) references. */
  readonly features: readonly string[];
  /** One object per request row, holding the join keys of every view named. */
  readonly entities: readonly Readonly<Record<string, unknown>>[];
  /** The clock ttl is checked against (default the system clock). */
  readonly clock?: Clock;
}

/** One served row: the request's entity values, then each reference → its value or null. */
export type OnlineFeatureRow = Record<string, OnlineValue>;

const Schema = z.strictObject({
  store: z.custom<OnlineStore>((v) => typeof v === 'object' && v !== null && typeof (v as { read?: unknown }).read === 'function', { error: 'must be an OnlineStore' }),
  views: z.array(z.custom<OnlineView>((v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string', { error: 'must be a feature view' })),
  features: z.array(FeatureRefSchema).min(1, 'must name at least one feature'),
  entities: EntityRowsSchema,
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as { nowMs?: unknown }).nowMs === 'function', { error: 'must be a Clock' }).optional(),
});

/**
 * Serves features for request rows.
 * @returns one row per entity row, in order: its entity values and one value per reference (null when missing or expired)
 * @throws InvalidArgumentError for a malformed reference, an unknown view or feature, a pinned version that is not
 * the given view's, or an entity row lacking a join key or holding a value of the wrong type
 * @throws StoreError when the store fails
 */
export async function getOnlineFeatures(options: GetOnlineFeaturesOptions): Promise<OnlineFeatureRow[]> {
  const o = parseArgs(Schema, options, 'getOnlineFeatures');
  const nowMs = (o.clock ?? systemClock).nowMs();
  const refs = o.features as FeatureRef[];
  const byView = new Map<string, { view: OnlineView; refs: { ref: FeatureRef; text: string }[] }>();
  refs.forEach((ref, i) => {
    const view = o.views.find((v) => v.name === ref.view);
    const text = options.features[i]!;
    if (!view) throw new InvalidArgumentError(`getOnlineFeatures: feature ${text} names view ${ref.view}, which is not among the views given (${o.views.map((v) => v.name).join(', ')})`, { context: { feature: text } });
    if (ref.version !== undefined && ref.version !== view.version) throw new InvalidArgumentError(`getOnlineFeatures: feature ${text} pins version ${ref.version} of view ${view.name}, but version ${view.version ?? 'none'} was given`, { context: { feature: text } });
    if (!view.features.some((f) => f.name === ref.feature)) throw new InvalidArgumentError(`getOnlineFeatures: view ${view.name} has no feature ${ref.feature}`, { context: { feature: text } });
    const entry = byView.get(view.name) ?? { view, refs: [] };
    entry.refs.push({ ref, text });
    byView.set(view.name, entry);
  });
  const entities = o.entities;
  const rows = emptyRows(entities, options.features);
  for (const { view, refs: wanted } of byView.values()) {
    // One message function per call, reading the loop's index when (and only when) a key is bad.
    const keys = new Array<EntityKey>(entities.length);
    let at = 0;
    const where = (): string => `getOnlineFeatures entities[${at}]`;
    for (at = 0; at < entities.length; at++) keys[at] = entityKeyOf(view, entities[at]!, where);
    const features = [...new Set(wanted.map((w) => w.ref.feature))];
    const records = await o.store.read({ view: view.name, entityKeys: keys, features });
    const texts = wanted.map((w) => w.text);
    const names = wanted.map((w) => w.ref.feature);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const row = rows[i]!;
      const fresh = r !== null && r.eventTimeMs <= nowMs && (view.ttlMs === 0 || nowMs - r.eventTimeMs <= view.ttlMs);
      for (let j = 0; j < texts.length; j++) row[texts[j]!] = fresh ? (r.values[names[j]!] ?? null) : null;
    }
  }
  return rows;
}

/**
 * One row per request row: its entity values, then every reference set to null. Rows whose keys
 * are the first row's (in the same order) are cloned from one template, so each is allocated
 * once at its final size instead of growing a property at a time (a request allocates a row per
 * entity, which is most of what serving allocates).
 */
function emptyRows(entities: readonly Readonly<Record<string, unknown>>[], texts: readonly string[]): OnlineFeatureRow[] {
  const rows = new Array<OnlineFeatureRow>(entities.length);
  let template: OnlineFeatureRow | undefined;
  let keys: string[] = [];
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i] as Readonly<Record<string, OnlineValue>>;
    let row: OnlineFeatureRow;
    if (template !== undefined && sameKeys(e, keys)) {
      row = { ...template };
      for (let k = 0; k < keys.length; k++) row[keys[k]!] = e[keys[k]!]!;
    } else {
      row = { ...e };
      for (let j = 0; j < texts.length; j++) row[texts[j]!] = null;
      if (template === undefined) {
        template = { ...row };
        keys = Object.keys(e);
      }
    }
    rows[i] = row;
  }
  return rows;
}

// Whether a row's own keys are `keys`, in that order.
function sameKeys(row: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  let j = 0;
  for (const k in row) {
    if (!Object.hasOwn(row, k) || keys[j] !== k) return false;
    j++;
  }
  return j === keys.length;
}
