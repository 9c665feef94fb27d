/**
 * `getHistoricalFeatures` against a brute-force point-in-time join over three views with
 * different keys (a long, a string, both), ttls (5 days, 2 days, none) and a source filter, on
 * seeded random data with ties (equal event times per key, within a commit and across
 * commits) and late rows (appended later with old event times); on memory, local-fs and S3.
 * Then the same call from the returned spec after later commits, a rename and an expiry.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureRegistry, TRAINING_SET_SUMMARY_KEY, decodeTrainingSetSpec, getHistoricalFeatures, isFloeError, lineageFromSummary, type Table, type Warehouse } from 'floe';
import { cleanupBackends, featureBackends, prng } from '../features/backends.js';

afterAll(cleanupBackends);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const T0_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

const ts = (values: readonly (number | null)[]): arrow.Vector => arrow.vectorFromArray(values, new arrow.TimestampMicrosecond('UTC'));
const users = (rand: () => number): bigint => BigInt(Math.floor(rand() * 12));
const items = (rand: () => number): string => `i${Math.floor(rand() * 6)}`;
/** Event times on an hourly grid over ten days: ties are frequent. */
const hour = (rand: () => number, lo = 0, hi = 240): number => T0_MS + (lo + Math.floor(rand() * (hi - lo))) * HOUR_MS;

let serial = 0;
function userRows(rand: () => number, n: number, hours?: [number, number]): arrow.Table {
  const r = Array.from({ length: n }, () => ({ user_id: users(rand), ts: hour(rand, ...(hours ?? [0, 240])), purchases: BigInt(++serial), spend: rand() < 0.1 ? null : serial / 2 }));
  return new arrow.Table({ user_id: arrow.makeVector(BigInt64Array.from(r.map((x) => x.user_id))), ts: ts(r.map((x) => x.ts)), purchases: arrow.makeVector(BigInt64Array.from(r.map((x) => x.purchases))), spend: arrow.vectorFromArray(r.map((x) => x.spend), new arrow.Float64()) });
}
function itemRows(rand: () => number, n: number, hours?: [number, number]): arrow.Table {
  // ctr < 0 rows are excluded by the view's filter.
  const r = Array.from({ length: n }, () => ({ item_id: items(rand), ts: hour(rand, ...(hours ?? [0, 240])), ctr: rand() < 0.2 ? -1 - serial : ++serial }));
  return new arrow.Table({ item_id: arrow.vectorFromArray(r.map((x) => x.item_id), new arrow.Utf8()), ts: ts(r.map((x) => x.ts)), ctr: arrow.makeVector(Float64Array.from(r.map((x) => x.ctr))) });
}
function pairRows(rand: () => number, n: number, hours?: [number, number]): arrow.Table {
  const r = Array.from({ length: n }, () => ({ user_id: users(rand), item_id: items(rand), ts: hour(rand, ...(hours ?? [0, 240])), clicks: BigInt(++serial) }));
  return new arrow.Table({
    user_id: arrow.makeVector(BigInt64Array.from(r.map((x) => x.user_id))),
    item_id: arrow.vectorFromArray(r.map((x) => x.item_id), new arrow.Utf8()),
    ts: ts(r.map((x) => x.ts)),
    clicks: arrow.makeVector(BigInt64Array.from(r.map((x) => x.clicks))),
  });
}

const VIEWS = [
  { name: 'user_stats', entities: [{ name: 'user_id', type: 'long' }], source: { table: 'fs.users' }, eventTime: 'ts', ttl: '5d', features: [{ name: 'purchases', type: 'long' }, { name: 'spend', type: 'double' }] },
  { name: 'item_stats', entities: [{ name: 'item_id', type: 'string' }], source: { table: 'fs.items', filter: 'ctr >= 0' }, eventTime: 'ts', ttl: '2d', features: [{ name: 'ctr', type: 'double' }] },
  { name: 'pair_stats', entities: [{ name: 'user_id', type: 'long' }, { name: 'item_id', type: 'string' }], source: { table: 'fs.pairs' }, eventTime: 'ts', features: [{ name: 'clicks', type: 'long' }] },
];
const FEATURES = ['user_stats:purchases', 'user_stats:spend', 'item_stats:ctr', 'pair_stats:clicks'];

/** Entity rows: keys (a few unknown ones, a few nulls) and times on a half-hour grid (equal to event times too). */
function entityRows(rand: () => number, n: number): arrow.Table {
  const uid: (bigint | null)[] = [];
  const iid: (string | null)[] = [];
  const t: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    uid.push(rand() < 0.03 ? null : BigInt(Math.floor(rand() * 14)));
    iid.push(rand() < 0.03 ? null : `i${Math.floor(rand() * 7)}`);
    t.push(rand() < 0.02 ? null : T0_MS + Math.floor(rand() * 500 - 10) * (HOUR_MS / 2));
  }
  return new arrow.Table({ user_id: arrow.vectorFromArray(uid, new arrow.Int64()), item_id: arrow.vectorFromArray(iid, new arrow.Utf8()), event_time: ts(t), row: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => i)) });
}

type Row = Record<string, unknown>;

/** The reference join of one view: every source row of the snapshot, latest time ≤ t within ttl, the later scan row on ties. */
function bruteForce(entities: arrow.Table, source: arrow.Table, keys: string[], ttlMs: number, keep: (r: Row) => boolean, features: string[]): Row[] {
  const rows = [...source].map((r) => r.toJSON() as Row).filter(keep);
  return [...entities].map((e) => {
    const t = e.event_time as number | null;
    const ks = keys.map((k) => e[k] as unknown);
    let best: Row | undefined;
    if (t !== null && ks.every((k) => k !== null)) {
      for (const r of rows) {
        if (!keys.every((k, j) => r[k] === ks[j]) || (r.ts as number) > t) continue;
        if (ttlMs > 0 && t - (r.ts as number) > ttlMs) continue;
        if (best === undefined || (r.ts as number) >= (best.ts as number)) best = r;
      }
    }
    return Object.fromEntries(features.map((f) => [f, best?.[f] ?? null]));
  });
}

async function setUp(wh: Warehouse, rand: () => number): Promise<Record<string, Table>> {
  await wh.createNamespace('fs');
  const users = await wh.createTable('fs.users', { user_id: 'long', ts: 'timestamptz', purchases: 'long', spend: 'double' });
  const items = await wh.createTable('fs.items', { item_id: 'string', ts: 'timestamptz', ctr: 'double' });
  const pairs = await wh.createTable('fs.pairs', { user_id: 'long', item_id: 'string', ts: 'timestamptz', clicks: 'long' });
  // Two commits each; the second holds late rows (old event times) that tie or beat the first's.
  await users.append(userRows(rand, 150));
  await users.append(userRows(rand, 60, [0, 120]));
  await items.append(itemRows(rand, 100));
  await items.append(itemRows(rand, 40, [0, 120]));
  await pairs.append(pairRows(rand, 200));
  await pairs.append(pairRows(rand, 80, [0, 120]));
  await FeatureRegistry.open(wh).apply(VIEWS);
  return { users, items, pairs };
}

function outputRows(t: arrow.Table): Row[] {
  return [...t].map((r) => {
    const j = r.toJSON() as Row;
    return { purchases: j.purchases, spend: j.spend, ctr: j.ctr, clicks: j.clicks };
  });
}

describe.each(featureBackends)('getHistoricalFeatures on $label', (backend) => {
  it('equals a brute-force point-in-time join over three views, and the spec rebuilds the same rows after commits, a rename and an expiry', async () => {
    const wh = await backend.open();
    const rand = prng(15);
    const tables = await setUp(wh, rand);
    const entities = entityRows(rand, 300);

    const set = await getHistoricalFeatures({ warehouse: wh, entities, features: FEATURES, output: 'fs.training', job: { name: 'train-set' } });
    const source = async (t: Table): Promise<arrow.Table> => t.scan({ snapshotId: t.currentSnapshot()!.snapshotId }).toArrow();
    const u = bruteForce(entities, await source(tables.users!), ['user_id'], 5 * DAY_MS, () => true, ['purchases', 'spend']);
    const i = bruteForce(entities, await source(tables.items!), ['item_id'], 2 * DAY_MS, (r) => (r.ctr as number) >= 0, ['ctr']);
    const p = bruteForce(entities, await source(tables.pairs!), ['user_id', 'item_id'], 0, () => true, ['clicks']);
    const expected = u.map((x, k) => ({ ...x, ...i[k], ...p[k] }));
    expect(set.table.numRows).toBe(300);
    expect(set.table.schema.fields.map((f) => f.name)).toEqual(['user_id', 'item_id', 'event_time', 'row', 'purchases', 'spend', 'ctr', 'clicks']);
    expect(outputRows(set.table)).toEqual(expected);
    // Enough of every kind of outcome that the comparison means something.
    expect(expected.filter((r) => r.purchases !== null).length).toBeGreaterThan(50);
    expect(expected.filter((r) => r.ctr !== null).length).toBeGreaterThan(30);
    expect(expected.filter((r) => r.clicks !== null).length).toBeGreaterThan(50);
    expect(expected.filter((r) => r.purchases === null).length).toBeGreaterThan(10);

    // The spec names every view version and snapshot; the written set records it with lineage.
    expect(set.spec.features).toEqual(['user_stats@1:purchases', 'user_stats@1:spend', 'item_stats@1:ctr', 'pair_stats@1:clicks']);
    expect(set.spec.views.map((v) => [v.name, v.version, v.snapshotId])).toEqual([
      ['user_stats', 1, tables.users!.currentSnapshot()!.snapshotId.toString()],
      ['item_stats', 1, tables.items!.currentSnapshot()!.snapshotId.toString()],
      ['pair_stats', 1, tables.pairs!.currentSnapshot()!.snapshotId.toString()],
    ]);
    const written = await wh.loadTable('fs.training');
    const summary = written.currentSnapshot()!.summary;
    expect(decodeTrainingSetSpec(summary[TRAINING_SET_SUMMARY_KEY]!)).toEqual(set.spec);
    expect(lineageFromSummary(summary).inputs.map((x) => [x.name, x.snapshotId.toString()])).toEqual(set.spec.views.map((v) => [v.table, v.snapshotId]));
    expect(outputRows(await written.scan().toArrow())).toEqual(expected);

    // Later: new rows in every table (some would win now), a new view version, a rename, an expiry.
    const pinnedUsers = tables.users!.currentSnapshot()!;
    const pinnedItems = tables.items!.currentSnapshot()!;
    await tables.users!.append(userRows(rand, 50));
    await tables.items!.append(itemRows(rand, 50));
    await tables.pairs!.append(pairRows(rand, 50));
    await FeatureRegistry.open(wh).apply([{ ...VIEWS[0], ttl: '1d' }]);
    // Expire every snapshot older than the pinned one (the pinned one itself must stay).
    await tables.items!.expireSnapshots({ olderThanMs: pinnedItems.timestampMs, retainLast: 1 });
    expect(tables.items!.snapshots().some((s) => s.snapshotId === pinnedItems.snapshotId)).toBe(true);
    await wh.renameTable('fs.pairs', 'fs.pairs_v2');
    const now = await getHistoricalFeatures({ warehouse: wh, entities, features: FEATURES.filter((f) => !f.startsWith('pair')) });
    expect(outputRows(now.table)).not.toEqual(outputRows(set.table));
    const again = await getHistoricalFeatures({ warehouse: wh, entities, spec: set.spec });
    expect(outputRows(again.table)).toEqual(expected);
    expect(again.spec).toEqual(set.spec);
    expect(pinnedUsers.snapshotId.toString()).toBe(set.spec.views[0]!.snapshotId);
  });
});

describe('getHistoricalFeatures options', () => {
  it('refuses bad input, naming the option, view or column', async () => {
    const wh = await featureBackends[0]!.open();
    await setUp(wh, prng(3));
    const entities = entityRows(prng(4), 5);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ features: ['user_stats'] }, /option features\[0\] is invalid: is not a feature reference/],
      [{ features: ['nope:x'] }, /feature view nope is not registered/],
      [{ features: ['user_stats:nope'] }, /view user_stats version 1 has no feature nope/],
      [{ features: ['user_stats@2:purchases'] }, /user_stats has no version 2/],
      [{ features: ['user_stats:purchases'], eventTime: 'when' }, /no time column when/],
      [{ features: ['user_stats:purchases'], entities: entities.select(['item_id', 'event_time']) }, /no key column user_id of view user_stats/],
      [{ features: ['user_stats:purchases'], entities: entities.select(['user_id', 'item_id', 'event_time', 'row']), fullFeatureNames: 'yes' }, /option fullFeatureNames is invalid/],
      [{ features: ['user_stats:purchases'], limit: 3 }, /unknown option limit/],
    ];
    for (const [change, message] of cases) {
      const e = await getHistoricalFeatures({ warehouse: wh, entities, ...change } as never).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isFloeError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
      expect((e as Error).message).toMatch(message);
    }
    // Full names keep two views' same-named features apart.
    const named = await getHistoricalFeatures({ warehouse: wh, entities, features: ['user_stats:purchases', 'pair_stats:clicks'], fullFeatureNames: true });
    expect(named.table.schema.fields.map((f) => f.name).slice(-2)).toEqual(['user_stats__purchases', 'pair_stats__clicks']);
  });

  it('a tie on event time goes to the row read later in the pinned snapshot (manifests newest first: the earliest commit)', async () => {
    const wh = await featureBackends[0]!.open();
    await wh.createNamespace('fs');
    const t = await wh.createTable('fs.users', { user_id: 'long', ts: 'timestamptz', purchases: 'long', spend: 'double' });
    const one = (p: bigint): arrow.Table => new arrow.Table({ user_id: arrow.makeVector(BigInt64Array.from([1n])), ts: ts([T0_MS]), purchases: arrow.makeVector(BigInt64Array.from([p])), spend: arrow.vectorFromArray([null], new arrow.Float64()) });
    await t.append(one(10n));
    await t.append(one(20n));
    await t.append(one(30n));
    await FeatureRegistry.open(wh).apply([VIEWS[0]]);
    const entities = new arrow.Table({ user_id: arrow.makeVector(BigInt64Array.from([1n])), event_time: ts([T0_MS]) });
    const set = await getHistoricalFeatures({ warehouse: wh, entities, features: ['user_stats:purchases'] });
    const scanOrder = [...(await t.scan().toArrow()).getChild('purchases')!];
    expect(scanOrder).toEqual([30n, 20n, 10n]);
    expect(set.table.getChild('purchases')!.get(0)).toBe(scanOrder.at(-1));
  });
});
