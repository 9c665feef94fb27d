/**
 * Training sets: point-in-time joins of entity rows (keys + a time) with many feature views.
 *
 * For each entity row and each view, the feature values are those of the view's latest source
 * row with the same keys and `event_time ≤ t` and, when the view has a ttl, `t − event_time ≤
 * ttl` (inclusive); nulls when there is none. Ties (same keys, same event time) go to the row
 * read later in the scan of the pinned snapshot (ml `asOfJoin`, whose join this is): within a
 * file the later row; across files, the scan's plan order, which lists the newest manifests
 * first, so among commits the EARLIER commit's row wins a tie. That is deterministic for a
 * pinned snapshot (the same call returns the same rows forever), but a correction committed
 * later with the same event time does not replace the old value: write it with a later time.
 * Each view is joined by `asOfJoin` over its source table pinned to one snapshot, pruned by the
 * entity keys and time range and projected to the view's columns, so memory is bounded by the
 * entity rows, never by a feature table.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InvalidArgumentError, isFloeError } from '../errors.js';
import { parseFilter } from '../expr/index.js';
import { asOfJoin, lineageSummary, type LineageJob } from '../index.js';
import type { Snapshot } from '../spec/index.js';
import { Table } from '../table.js';
import type { Warehouse } from '../warehouse.js';
import { FeatureRefSchema, featureRefToString, type FeatureRef } from './feature-ref.js';
import { FeatureRegistry } from './registry.js';
import { type TrainingSetSpec, type TrainingSetView, TRAINING_SET_SPEC_FORMAT, encodeTrainingSetSpec } from './training-set-spec.js';
import type { FeatureView } from './view.js';

/** Snapshot-summary key of a written training set: its {@link TrainingSetSpec} as JSON. */
export const TRAINING_SET_SUMMARY_KEY = 'floe.features.training-set';

/** Options of {@link getHistoricalFeatures}. */
export interface HistoricalFeaturesOptions {
  /** The warehouse of the registry and the source tables. */
  readonly warehouse: Warehouse;
  /** The entity rows: an Arrow table, or a Floe table (read at its current snapshot, or the spec's). */
  readonly entities: arrow.Table | Table;
  /** The entity rows' time column (default `event_time`). */
  readonly eventTime?: string;
  /** Features to join: `view:feature` (latest version) or `view@N:feature`. Optional with `spec`. */
  readonly features?: readonly string[];
  /** Name output columns `view__feature` instead of `feature` (needed when two views share a feature name). */
  readonly fullFeatureNames?: boolean;
  /** Rebuild a training set: use its view versions and snapshots (see training-set-spec.ts). */
  readonly spec?: TrainingSetSpec;
  /** Also append the result to this Floe table (`namespace.table`, created if absent), with lineage. */
  readonly output?: string;
  /** The job recorded in the output's lineage. */
  readonly job?: LineageJob;
}

/** What {@link getHistoricalFeatures} returns. */
export interface TrainingSet {
  /** The entity rows in order, followed by one column per feature. */
  readonly table: arrow.Table;
  /** What it was built from: pass it back as `spec` to rebuild the same rows. */
  readonly spec: TrainingSetSpec;
  /** The output table's new snapshot, when `output` was given. */
  readonly snapshot?: Snapshot;
}

const OptionsSchema = z.strictObject({
  warehouse: z.custom<Warehouse>((v) => typeof v === 'object' && v !== null && typeof (v as Warehouse).loadTable === 'function', { error: 'must be a Floe Warehouse' }),
  entities: z.custom<arrow.Table | Table>((v) => v instanceof arrow.Table || v instanceof Table, { error: 'must be an apache-arrow Table or a Floe Table' }),
  eventTime: z.string().min(1, 'must name the entity time column').optional(),
  features: z.array(FeatureRefSchema).min(1, 'must name at least one feature').optional(),
  fullFeatureNames: z.boolean().optional(),
  spec: z.custom<TrainingSetSpec>((v) => typeof v === 'object' && v !== null && (v as TrainingSetSpec).format === TRAINING_SET_SPEC_FORMAT, { error: `must be a training-set spec (format ${TRAINING_SET_SPEC_FORMAT})` }).optional(),
  output: z.string().regex(/^[^.\s]+(\.[^.\s]+)+$/, 'must be a table name: namespace.table').optional(),
  job: z.strictObject({ name: z.string().min(1), runId: z.string().optional(), codeVersion: z.string().optional() }).optional(),
});

function invalid(issue: z.core.$ZodIssue): InvalidArgumentError {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const option = path.length === 0 ? '$' : z.core.toDotPath(path);
  return new InvalidArgumentError(issue.code === 'unrecognized_keys' ? `historical features: unknown option ${option}` : `historical features: option ${option} is invalid: ${issue.message}`, { context: { option } });
}

/** One view to join: its definition, source table, pinned snapshot and the features wanted of it. */
interface ViewRead {
  readonly view: FeatureView;
  readonly table: Table;
  readonly snapshotId: bigint | undefined;
  readonly features: string[];
}

/**
 * Joins entity rows with features of many views, point in time (see the module doc).
 * @throws InvalidArgumentError naming the option for a bad option, an unknown view/version/feature, a missing entity column, or two output columns of one name
 * @throws SnapshotNotFoundError when a spec's pinned snapshot was expired
 */
export async function getHistoricalFeatures(input: HistoricalFeaturesOptions): Promise<TrainingSet> {
  const parsed = OptionsSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!);
  const o = parsed.data;
  const spec = o.spec;
  const eventTime = o.eventTime ?? spec?.eventTime ?? 'event_time';
  const fullNames = o.fullFeatureNames ?? spec?.fullFeatureNames ?? false;
  const refs: FeatureRef[] = o.features ?? (spec ? spec.features.map((f) => FeatureRefSchema.parse(f)) : []);
  if (refs.length === 0) throw new InvalidArgumentError('historical features: option features is required (or a spec)', { context: { option: 'features' } });
  const registry = FeatureRegistry.open(o.warehouse);

  // Resolve every view once: version (the spec's, the reference's, else latest), table, snapshot.
  const reads = new Map<string, ViewRead>();
  for (const ref of refs) {
    const pinned = spec?.views.find((v) => v.name === ref.view);
    if (spec && !pinned) throw new InvalidArgumentError(`historical features: view ${ref.view} is not in the spec`, { context: { view: ref.view } });
    const version = pinned?.version ?? ref.version;
    if (pinned && ref.version !== undefined && ref.version !== pinned.version) throw new InvalidArgumentError(`historical features: ${featureRefToString(ref)} asks version ${ref.version} but the spec pins version ${pinned.version}`, { context: { view: ref.view } });
    let read = reads.get(ref.view);
    if (read && version !== undefined && read.view.version !== version) throw new InvalidArgumentError(`historical features: view ${ref.view} is asked at two versions (${read.view.version} and ${version})`, { context: { view: ref.view } });
    if (!read) {
      const view = await registry.describe(ref.view, version);
      const table = pinned ? await loadPinned(o.warehouse, pinned) : await registry.loadSource(view);
      const snapshotId = pinned ? (pinned.snapshotId === null ? undefined : BigInt(pinned.snapshotId)) : table.currentSnapshot()?.snapshotId;
      read = { view, table, snapshotId, features: [] };
      reads.set(ref.view, read);
    }
    if (!read.view.features.some((f) => f.name === ref.feature)) throw new InvalidArgumentError(`historical features: view ${ref.view} version ${read.view.version} has no feature ${ref.feature}`, { context: { view: ref.view, feature: ref.feature } });
    if (!read.features.includes(ref.feature)) read.features.push(ref.feature);
  }

  // The entity rows (a Floe table is read whole, at one snapshot: it is the bound on memory).
  let entities: arrow.Table;
  let entitySpec: TrainingSetSpec['entities'];
  if (o.entities instanceof Table) {
    const t = o.entities;
    const snap = spec?.entities?.snapshotId ?? t.currentSnapshot()?.snapshotId.toString();
    entities = snap === undefined ? await t.scan().toArrow() : await t.scan({ snapshotId: snap }).toArrow();
    if (snap !== undefined) entitySpec = { table: t.name, tableUuid: t.uuid(), snapshotId: snap };
  } else entities = o.entities;
  const entityNames = new Set(entities.schema.fields.map((f) => f.name));
  if (!entityNames.has(eventTime)) throw new InvalidArgumentError(`historical features: the entity rows have no time column ${eventTime}`, { context: { column: eventTime }, help: 'name it with option eventTime' });

  // Output names: `feature` or `view__feature`, never clashing with each other or the entity columns.
  const outName = (view: string, feature: string): string => (fullNames ? `${view}__${feature}` : feature);
  const taken = new Map<string, string>();
  for (const ref of refs) {
    const name = outName(ref.view, ref.feature);
    const by = `${ref.view}:${ref.feature}`;
    if (entityNames.has(name) || (taken.has(name) && taken.get(name) !== by)) {
      throw new InvalidArgumentError(`historical features: output column ${name} (${by}) clashes with ${entityNames.has(name) ? 'an entity column' : taken.get(name)}`, { context: { column: name }, help: 'pass fullFeatureNames: true to name columns view__feature' });
    }
    taken.set(name, by);
  }

  const columns = new Map<string, arrow.Vector>();
  for (const read of reads.values()) {
    const keys = read.view.entities.map((e) => e.name);
    for (const k of keys) if (!entityNames.has(k)) throw new InvalidArgumentError(`historical features: the entity rows have no key column ${k} of view ${read.view.name}`, { context: { view: read.view.name, column: k } });
    const joined = await joinView(read, entities.select([...keys, eventTime]), eventTime);
    for (const f of read.features) columns.set(`${read.view.name}:${f}`, joined.getChild(f)!);
  }
  const fields = [...entities.schema.fields];
  const data = [...entities.schema.fields.map((f) => entities.getChild(f.name)!)];
  const uniqueRefs = [...new Map(refs.map((r) => [`${r.view}:${r.feature}`, r])).values()];
  for (const r of uniqueRefs) {
    const v = columns.get(`${r.view}:${r.feature}`)!;
    fields.push(new arrow.Field(outName(r.view, r.feature), v.type, true));
    data.push(v);
  }
  const table = new arrow.Table(Object.fromEntries(fields.map((f, i) => [f.name, data[i]!])));

  const views: TrainingSetView[] = [...reads.values()].map((r) => ({
    name: r.view.name,
    version: r.view.version,
    table: r.table.name,
    tableUuid: r.table.uuid(),
    location: r.table.location(),
    snapshotId: r.snapshotId === undefined ? null : r.snapshotId.toString(),
  }));
  const result: TrainingSetSpec = {
    format: TRAINING_SET_SPEC_FORMAT,
    features: uniqueRefs.map((r) => featureRefToString({ view: r.view, version: reads.get(r.view)!.view.version, feature: r.feature })),
    eventTime,
    fullFeatureNames: fullNames,
    views,
    ...(entitySpec ? { entities: entitySpec } : {}),
  };
  if (o.output === undefined) return { table, spec: result };
  const snapshot = await writeTrainingSet(o.warehouse, o.output, table, result, [...reads.values()], o.entities instanceof Table ? o.entities : undefined, o.job as LineageJob | undefined);
  return { table, spec: result, snapshot };
}

/** Joins one view's features onto the entity keys and times (asOfJoin, pinned, filtered by the view's source filter). */
async function joinView(read: ViewRead, left: arrow.Table, eventTime: string): Promise<arrow.Table> {
  const { view, table, snapshotId } = read;
  return asOfJoin({
    left,
    right: table,
    on: view.entities.map((e) => e.name),
    leftTime: eventTime,
    rightTime: view.eventTime,
    columns: read.features,
    // No snapshot yet (an empty table): every value null.
    ...(snapshotId !== undefined ? { snapshotId } : {}),
    ...(view.ttlMs > 0 ? { ttl: view.ttlMs } : {}),
    ...(view.source.filter !== undefined ? { filter: parseFilter(view.source.filter) } : {}),
  });
}

/** A spec's source table: by name when it is still the same table (same uuid), else by its recorded location. */
async function loadPinned(warehouse: Warehouse, pinned: TrainingSetView): Promise<Table> {
  try {
    const t = await warehouse.loadTable(pinned.table);
    if (t.uuid() === pinned.tableUuid) return t;
  } catch (e) {
    if (!isFloeError(e, 'TABLE_NOT_FOUND') && !isFloeError(e, 'NAMESPACE_NOT_FOUND')) throw e;
  }
  // Renamed (or the name now holds another table): the table is where it was.
  const s3 = warehouse.s3Options;
  const t = await Table.load(pinned.location, { name: pinned.table, ...(s3 ? { s3 } : {}) });
  if (t.uuid() !== pinned.tableUuid) throw new InvalidArgumentError(`historical features: table ${pinned.table} of view ${pinned.name} is no longer at ${pinned.location}`, { context: { view: pinned.name, table: pinned.table } });
  return t;
}

/** Appends the training set to `name` (created from its schema if absent), recording its spec and lineage. */
async function writeTrainingSet(warehouse: Warehouse, name: string, rows: arrow.Table, spec: TrainingSetSpec, reads: readonly ViewRead[], entities: Table | undefined, job: LineageJob | undefined): Promise<Snapshot> {
  const exists = await warehouse.tableExists(name);
  const table = exists ? await warehouse.loadTable(name) : await warehouse.createTable(name, rows.schema);
  const inputs = [
    ...reads.filter((r) => r.snapshotId !== undefined).map((r) => ({ table: r.table, snapshotId: r.snapshotId! })),
    ...(entities && spec.entities ? [{ table: entities, snapshotId: BigInt(spec.entities.snapshotId) }] : []),
  ];
  const summary = { ...lineageSummary({ inputs, ...(job ? { job } : {}) }), [TRAINING_SET_SUMMARY_KEY]: encodeTrainingSetSpec(spec) };
  return table.append(rows, { summary });
}
