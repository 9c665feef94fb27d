/**
 * materialize → getOnlineFeatures → checkConsistency on both online backends (embedded LMDB
 * and the run's real Redis), over a memory warehouse: full then incremental materialization
 * against a brute-force "latest within upTo" oracle, a late row that must not replace a newer
 * value, ttl at read time with an injected clock, a delete forcing a full recompute, the
 * circuit breaker, refusals that leave the store unchanged, and skews the consistency check reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureRegistry, type OnlineStore, type OnlineView, Warehouse, checkConsistency, getOnlineFeatures, isFloeError, materialize, openEmbeddedOnlineStore, openRedisOnlineStore } from 'floe';
import { prng } from '../../support/prng.js';
import { redisLabel, requireRedisUrl } from '../../support/redis-endpoint.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
let n = 0;

const backends: { label: string; open: () => Promise<OnlineStore> }[] = [
  {
    label: 'embedded (lmdb)',
    open: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'floe-online-m-'));
      dirs.push(dir);
      return openEmbeddedOnlineStore({ path: dir });
    },
  },
  { label: redisLabel(), open: () => openRedisOnlineStore({ url: requireRedisUrl(), keyPrefix: `mat:${process.pid}:${++n}:` }) },
];

interface Row {
  user_id: bigint;
  ts: number;
  clicks: bigint;
  score: number;
  tier: string | null;
}

function events(rows: readonly Row[]): arrow.Table {
  return new arrow.Table({
    user_id: arrow.makeVector(BigInt64Array.from(rows.map((r) => r.user_id))),
    ts: arrow.vectorFromArray(rows.map((r) => r.ts), new arrow.TimestampMicrosecond('UTC')),
    clicks: arrow.makeVector(BigInt64Array.from(rows.map((r) => r.clicks))),
    score: arrow.makeVector(Float64Array.from(rows.map((r) => r.score))),
    tier: arrow.vectorFromArray(rows.map((r) => r.tier), new arrow.Utf8()),
  });
}

function randomRows(seed: number, count: number, fromDay: number, toDay: number): Row[] {
  const r = prng(seed);
  return Array.from({ length: count }, () => ({
    user_id: BigInt(Math.floor(r() * 40)),
    // Whole seconds: distinct enough that ties are rare, and exact through microseconds.
    ts: T0 + fromDay * DAY + Math.floor(r() * (toDay - fromDay) * 86_400) * 1000,
    clicks: BigInt(Math.floor(r() * 1e6)) * 10_000_000_000n,
    score: Math.round(r() * 1e4) / 100,
    tier: r() < 0.2 ? null : r() < 0.5 ? 'gold' : 'free',
  }));
}

const view = (ttlMs = 0, version = 1): OnlineView => ({
  name: 'user_stats',
  version,
  entities: [{ name: 'user_id', type: 'long' }],
  source: { table: 'raw.events' },
  eventTime: 'ts',
  ttlMs,
  features: [
    { name: 'clicks', type: 'long' },
    { name: 'score', type: 'double' },
    { name: 'tier', type: 'string' },
  ],
});

/**
 * Brute force: per user, the row with the greatest ts ≤ upTo; a tie goes to the earlier commit,
 * then the later row of that commit (rows are tagged with their commit by `commits`).
 */
function oracle(rows: readonly Row[], upTo: number): Map<bigint, Row> {
  const out = new Map<bigint, Row>();
  for (const r of rows) {
    if (r.ts > upTo) continue;
    const p = out.get(r.user_id);
    if (!p || r.ts > p.ts || (r.ts === p.ts && commitOf.get(r) === commitOf.get(p))) out.set(r.user_id, r);
  }
  return out;
}

const commitOf = new WeakMap<Row, number>();
let commits = 0;
/** Tags rows with a fresh commit number and returns them as an Arrow table to append. */
function commit(rows: readonly Row[]): arrow.Table {
  const c = ++commits;
  for (const r of rows) commitOf.set(r, c);
  return events(rows);
}

const FEATURES = ['user_stats:clicks', 'user_stats:score', 'user_stats:tier'];
const users = Array.from({ length: 45 }, (_, i) => ({ user_id: BigInt(i) }));

async function served(store: OnlineStore, v: OnlineView, atMs: number) {
  return getOnlineFeatures({ store, views: [v], features: FEATURES, entities: users, clock: { nowMs: () => atMs } });
}

function expected(rows: readonly Row[], upTo: number, atMs: number, ttlMs: number) {
  const latest = oracle(rows, upTo);
  return users.map(({ user_id }) => {
    const r = latest.get(user_id);
    const fresh = r !== undefined && (ttlMs === 0 || atMs - r.ts <= ttlMs);
    return { user_id, 'user_stats:clicks': fresh ? r.clicks : null, 'user_stats:score': fresh ? r.score : null, 'user_stats:tier': fresh ? r.tier : null };
  });
}

async function setup() {
  const wh = await Warehouse.open(`memory://online-${process.pid}-${++n}`);
  await wh.createNamespace('raw');
  const first = randomRows(1, 300, 0, 10);
  const table = await wh.createTable('raw.events', events(first).schema);
  await table.append(commit(first));
  return { wh, table, rows: first };
}

describe.each(backends)('materialize and serve on $label', (backend) => {
  it('full, then incremental from the snapshot diff: equals the brute-force latest; a late older row does not replace a newer value', async () => {
    const { wh, table, rows } = await setup();
    const store = await backend.open();
    try {
      const upTo1 = T0 + 8 * DAY;
      const [r1] = await materialize({ warehouse: wh, store, views: [view()], upTo: upTo1 });
      expect(r1).toMatchObject({ mode: 'full', filesRead: 1, snapshotId: table.currentSnapshot()!.snapshotId });
      expect(await served(store, view(), upTo1)).toEqual(expected(rows, upTo1, upTo1, 0));

      // New rows: days 7..12 (some before upTo1: late arrivals, older or newer than what is stored).
      const more = randomRows(2, 200, 7, 12);
      await table.append(commit(more));
      const all = [...rows, ...more];
      const upTo2 = T0 + 11 * DAY;
      const [r2] = await materialize({ warehouse: wh, store, views: [view()], upTo: upTo2 });
      // The new file, and the old file for rows in (upTo1, upTo2].
      expect(r2).toMatchObject({ mode: 'incremental', filesRead: 2 });
      expect(await served(store, view(), upTo2)).toEqual(expected(all, upTo2, upTo2, 0));

      // Nothing new: nothing read.
      const [r3] = await materialize({ warehouse: wh, store, views: [view()], upTo: upTo2 });
      expect(r3).toMatchObject({ mode: 'unchanged', filesRead: 0 });
      // Only the new file when upTo stays.
      // A late row older than what is served, and a tie with a served row (an earlier commit's row wins).
      const tied = oracle(all, upTo2).get(7n)!;
      const late = [
        { user_id: 3n, ts: T0 + 1 * DAY, clicks: 1n, score: 1, tier: 'late' },
        { user_id: 7n, ts: tied.ts, clicks: 2n, score: 2, tier: 'tie' },
      ];
      await table.append(commit(late));
      const [r4] = await materialize({ warehouse: wh, store, views: [view()], upTo: upTo2 });
      expect(r4).toMatchObject({ mode: 'incremental', filesRead: 1, rowsRead: 2 });
      expect(await served(store, view(), upTo2)).toEqual(expected([...all, ...late], upTo2, upTo2, 0));
    } finally {
      await store.close();
    }
  });

  it('checks ttl at read time against the injected clock: null once expired, null for unknown entities', async () => {
    const { wh, rows } = await setup();
    const store = await backend.open();
    try {
      const upTo = T0 + 10 * DAY;
      const v = view(3 * DAY);
      await materialize({ warehouse: wh, store, views: [v], upTo });
      for (const at of [upTo, upTo + DAY, upTo + 3 * DAY]) expect(await served(store, v, at)).toEqual(expected(rows, upTo, at, 3 * DAY));
      const none = await getOnlineFeatures({ store, views: [v], features: ['user_stats:score'], entities: [{ user_id: 999 }], clock: { nowMs: () => upTo } });
      expect(none).toEqual([{ user_id: 999, 'user_stats:score': null }]);
      // A number for a long key is the same entity as its bigint.
      const asNumber = await getOnlineFeatures({ store, views: [v], features: ['user_stats:clicks'], entities: [{ user_id: 5 }], clock: { nowMs: () => upTo } });
      expect(asNumber[0]!['user_stats:clicks']).toBe(expected(rows, upTo, upTo, 3 * DAY)[5]!['user_stats:clicks']);
    } finally {
      await store.close();
    }
  });

  it('serves request rows of different shapes, each keeping its own fields in its own order, and the features after them', async () => {
    const { wh, rows } = await setup();
    const store = await backend.open();
    try {
      const upTo = T0 + 10 * DAY;
      await materialize({ warehouse: wh, store, views: [view()], upTo });
      const want = expected(rows, upTo, upTo, 0);
      const entities = [{ user_id: 3n }, { user_id: 4n, note: 'x' }, { note: 'y', user_id: 5 }, { user_id: 6n }, { user_id: 999n }];
      const got = await getOnlineFeatures({ store, views: [view()], features: ['user_stats:score', 'user_stats:clicks'], entities, clock: { nowMs: () => upTo } });
      expect(got.map((r) => Object.keys(r))).toEqual([
        ['user_id', 'user_stats:score', 'user_stats:clicks'],
        ['user_id', 'note', 'user_stats:score', 'user_stats:clicks'],
        ['note', 'user_id', 'user_stats:score', 'user_stats:clicks'],
        ['user_id', 'user_stats:score', 'user_stats:clicks'],
        ['user_id', 'user_stats:score', 'user_stats:clicks'],
      ]);
      expect(got).toEqual([
        { user_id: 3n, 'user_stats:score': want[3]!['user_stats:score'], 'user_stats:clicks': want[3]!['user_stats:clicks'] },
        { user_id: 4n, note: 'x', 'user_stats:score': want[4]!['user_stats:score'], 'user_stats:clicks': want[4]!['user_stats:clicks'] },
        { note: 'y', user_id: 5, 'user_stats:score': want[5]!['user_stats:score'], 'user_stats:clicks': want[5]!['user_stats:clicks'] },
        { user_id: 6n, 'user_stats:score': want[6]!['user_stats:score'], 'user_stats:clicks': want[6]!['user_stats:clicks'] },
        { user_id: 999n, 'user_stats:score': null, 'user_stats:clicks': null },
      ]);
      // The caller's rows are not changed.
      expect(entities[0]).toEqual({ user_id: 3n });
    } finally {
      await store.close();
    }
  });

  it('recomputes the whole view after a delete: deleted entities are gone, the rest equal the oracle', async () => {
    const { wh, table, rows } = await setup();
    const store = await backend.open();
    try {
      const upTo = T0 + 10 * DAY;
      await materialize({ warehouse: wh, store, views: [view()], upTo });
      await table.delete('user_id < 10');
      const [r] = await materialize({ warehouse: wh, store, views: [view()], upTo });
      expect(r!.mode).toBe('full');
      expect(r!.reason).toMatch(/not an append/);
      expect(r!.keysRemoved).toBe(10);
      expect(await served(store, view(), upTo)).toEqual(expected(rows.filter((x) => x.user_id >= 10n), upTo, upTo, 0));
    } finally {
      await store.close();
    }
  });

  it('a circuit breaker that throws stops the view with nothing written; bad arguments are refused and change nothing', async () => {
    const { wh } = await setup();
    const store = await backend.open();
    try {
      const bad = new Error('expectation failed: score out of range');
      await expect(materialize({ warehouse: wh, store, views: [view()], upTo: T0 + 10 * DAY, check: () => { throw bad; } })).rejects.toBe(bad);
      expect(await store.getWatermark('user_stats')).toBeUndefined();
      expect(await served(store, view(), T0 + 10 * DAY)).toEqual(expected([], 0, 0, 0));

      const invalid = (e: unknown, re: RegExp) => isFloeError(e, 'INVALID_ARGUMENT') && re.test((e as Error).message);
      await expect(materialize({ warehouse: wh, store, views: [] })).rejects.toSatisfy((e: unknown) => invalid(e, /views/));
      await expect(materialize({ warehouse: wh, store, views: [view()], upTo: -1 })).rejects.toSatisfy((e: unknown) => invalid(e, /upTo/));
      await expect(getOnlineFeatures({ store, views: [view()], features: ['user_stats'], entities: users })).rejects.toSatisfy((e: unknown) => invalid(e, /features\[0\]/));
      await expect(getOnlineFeatures({ store, views: [view()], features: ['other:clicks'], entities: users })).rejects.toSatisfy((e: unknown) => invalid(e, /view other/));
      await expect(getOnlineFeatures({ store, views: [view()], features: ['user_stats:nope'], entities: users })).rejects.toSatisfy((e: unknown) => invalid(e, /no feature nope/));
      await expect(getOnlineFeatures({ store, views: [view()], features: ['user_stats@2:clicks'], entities: users })).rejects.toSatisfy((e: unknown) => invalid(e, /version 2/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [{ user_id: 1.5 }] })).rejects.toSatisfy((e: unknown) => invalid(e, /user_id .*long, got 1\.5/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [{ other: 1 }] })).rejects.toSatisfy((e: unknown) => invalid(e, /user_id/));
      // Every bad request row or value is named by its path; nothing is read or written.
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [{ user_id: 1 }, { user_id: {} }] })).rejects.toSatisfy((e: unknown) => invalid(e, /option entities\[1\]\.user_id is invalid: must be a bigint, number, string or boolean, got object/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [{ user_id: 1, note: null }] })).rejects.toSatisfy((e: unknown) => invalid(e, /option entities\[0\]\.note is invalid: .*got null/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [{ user_id: 1 }, 7] as never })).rejects.toSatisfy((e: unknown) => invalid(e, /option entities\[1\] is invalid: must be an object of entity values, got number/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [new Map([['user_id', 1]])] as never })).rejects.toSatisfy((e: unknown) => invalid(e, /option entities\[0\] is invalid: must be an object/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: { user_id: 1 } as never })).rejects.toSatisfy((e: unknown) => invalid(e, /option entities is invalid/));
      await expect(getOnlineFeatures({ store, views: [view()], features: FEATURES, entities: [{ user_id: 1 }, { user_id: 2 }, { user_id: 'x' }] })).rejects.toSatisfy((e: unknown) => invalid(e, /entities\[2\]: entity user_id .*long, got "x"/));
      expect(await store.getWatermark('user_stats')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('with checkExpectations, a registered view whose rows break a constraint is refused (ConstraintViolationError), nothing written', async () => {
    const { wh, table } = await setup();
    const store = await backend.open();
    try {
      const { version: _v, ttlMs: _t, ...definition } = view();
      await FeatureRegistry.open(wh).apply([{ ...definition, ttl: 0 }]);
      const registered = await FeatureRegistry.open(wh).describe('user_stats');
      // Declared after the rows were written: the table holds scores above 50.
      await table.setConstraints([{ kind: 'max', column: 'score', value: 50 }]);
      const err = await materialize({ warehouse: wh, store, views: [registered], upTo: T0 + 10 * DAY, checkExpectations: true }).catch((e: unknown) => e);
      expect(isFloeError(err, 'CONSTRAINT_VIOLATION')).toBe(true);
      expect((err as Error).message).toMatch(/raw\.events/);
      expect(await store.getWatermark('user_stats')).toBeUndefined();
      expect(await served(store, registered, T0 + 10 * DAY)).toEqual(expected([], 0, 0, 0));
      await table.setConstraints([]);
      const [ok] = await materialize({ warehouse: wh, store, views: [registered], upTo: T0 + 10 * DAY, checkExpectations: true });
      expect(ok!.mode).toBe('full');
    } finally {
      await store.close();
    }
  });

  it('checkConsistency passes after materialization and reports a late row and a ttl mismatch', async () => {
    const { wh, table } = await setup();
    const store = await backend.open();
    try {
      const upTo = T0 + 10 * DAY;
      await materialize({ warehouse: wh, store, views: [view(2 * DAY)], upTo });
      const clean = await checkConsistency({ warehouse: wh, store, views: [view(2 * DAY)], sample: 40, seed: 7, horizonMs: DAY });
      expect(clean).toMatchObject({ ok: true, mismatches: [] });
      expect(clean.pairs).toBe(40);

      // A late row: committed after the materialization, event time before its upTo.
      await table.append(events([{ user_id: 4n, ts: upTo - 1000, clicks: 77n, score: 7.7, tier: 'late' }]));
      const late = await checkConsistency({ warehouse: wh, store, views: [view(2 * DAY)], sample: 100, seed: 7 });
      expect(late.ok).toBe(false);
      expect(late.mismatches).toEqual(expect.arrayContaining([expect.objectContaining({ view: 'user_stats', entity: { user_id: 4n }, atMs: upTo, feature: 'clicks', offline: 77n })]));
      expect(late.mismatches.every((m) => m.entity['user_id'] === 4n)).toBe(true);

      // A ttl mismatch: the offline definition now keeps rows 20 days, the online store was
      // materialized with 2 (keys older than that were dropped): the check sees the difference.
      const wider = view(20 * DAY, 2);
      const ttl = await checkConsistency({ warehouse: wh, store, views: [wider], sample: 100, seed: 7 });
      expect(ttl.ok).toBe(false);
      expect(ttl.mismatches[0]).toMatchObject({ feature: '$version', online: 1, offline: 2 });
      expect(ttl.mismatches.some((m) => m.feature === 'score' && m.online === null && m.offline !== null)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
