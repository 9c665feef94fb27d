/**
 * `asOfJoin` against a brute-force reference on seeded random data with ties (equal event
 * times per key, and label times equal to event times), late-arriving rows (appended later
 * with old event times), keys without features, a ttl, and a pinned snapshot; on memory,
 * local-fs and S3.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, type Table, Warehouse, asOfJoin, instrumented } from 'floe';
import { cleanupBackends, featureBackends, prng } from './backends.js';

afterAll(cleanupBackends);

const HOUR_MS = 3_600_000;
const T0_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function ts(values: readonly (number | null)[]): arrow.Vector {
  return arrow.vectorFromArray(values, new arrow.TimestampMicrosecond('UTC'));
}

/** Feature rows: entity 0..19, event times on an hourly grid over four days (so ties happen). */
function features(rand: () => number, n: number, first: number, hours: [number, number]): arrow.Table {
  const id: bigint[] = [];
  const time: number[] = [];
  const value: number[] = [];
  const tag: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    id.push(BigInt(Math.floor(rand() * 20)));
    time.push(T0_MS + (hours[0] + Math.floor(rand() * (hours[1] - hours[0]))) * HOUR_MS);
    value.push(first + i);
    tag.push(rand() < 0.1 ? null : `t${first + i}`);
  }
  return new arrow.Table({ entity_id: arrow.makeVector(BigInt64Array.from(id)), event_ts: ts(time), value: arrow.makeVector(Float64Array.from(value)), tag: arrow.vectorFromArray(tag, new arrow.Utf8()) });
}

/** Labels: entities 0..21 (20 and 21 have no features), times on a half-hour grid, some null. */
function labels(rand: () => number, n: number): arrow.Table {
  const id: (bigint | null)[] = [];
  const time: (number | null)[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    id.push(rand() < 0.02 ? null : BigInt(Math.floor(rand() * 22)));
    time.push(rand() < 0.02 ? null : T0_MS + Math.floor(rand() * 220 - 10) * (HOUR_MS / 2));
    y.push(i);
  }
  return new arrow.Table({ entity_id: arrow.vectorFromArray(id, new arrow.Int64()), label_ts: ts(time), y: arrow.makeVector(Float64Array.from(y)) });
}

/** The reference: every feature row for every label, latest time <= label time, later scan row on ties. */
function bruteForce(left: arrow.Table, right: arrow.Table, ttl?: number): { value: number | null; tag: string | null; event_ts: number | null }[] {
  const rid = [...right.getChild('entity_id')!] as bigint[];
  const rts = [...right.getChild('event_ts')!] as number[];
  const rval = [...right.getChild('value')!] as number[];
  const rtag = [...right.getChild('tag')!] as (string | null)[];
  const out: { value: number | null; tag: string | null; event_ts: number | null }[] = [];
  for (let i = 0; i < left.numRows; i++) {
    const id = left.getChild('entity_id')!.get(i) as bigint | null;
    const t = left.getChild('label_ts')!.get(i) as number | null;
    let best = -1;
    if (id !== null && t !== null) {
      for (let r = 0; r < right.numRows; r++) {
        if (rid[r] !== id || rts[r]! > t) continue;
        if (ttl !== undefined && t - rts[r]! > ttl) continue;
        if (best < 0 || rts[r]! >= rts[best]!) best = r;
      }
    }
    out.push(best < 0 ? { value: null, tag: null, event_ts: null } : { value: rval[best]!, tag: rtag[best]!, event_ts: rts[best]! });
  }
  return out;
}

function rowsOf(t: arrow.Table): { value: number | null; tag: string | null; event_ts: number | null }[] {
  return [...t].map((r) => ({ value: r.value as number | null, tag: r.tag as string | null, event_ts: r.event_ts as number | null }));
}

describe.each(featureBackends)('asOfJoin on $label', (backend) => {
  it('matches the brute-force reference with ties, late rows, a ttl and a pinned snapshot, and never looks ahead', async () => {
    const wh = await backend.open();
    await wh.createNamespace('fs');
    const rand = prng(7);
    const schema = features(rand, 0, 0, [0, 1]).schema;
    const t: Table = await wh.createTable('fs.user_features', schema, { partitionBy: 'day(event_ts)' });
    await t.append(features(rand, 300, 0, [0, 96]));
    await t.append(features(rand, 200, 1000, [48, 96]));
    const pinned = t.currentSnapshot()!.snapshotId;
    // Late-arriving rows: committed last, with old event times.
    await t.append(features(rand, 100, 2000, [0, 48]));
    const left = labels(rand, 400);

    const current = await t.scan().toArrow();
    const got = await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value', 'tag', 'event_ts'] });
    expect(got.numRows).toBe(left.numRows);
    expect(got.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'label_ts', 'y', 'value', 'tag', 'event_ts']);
    expect([...got.getChild('y')!]).toEqual([...left.getChild('y')!]);
    const expected = bruteForce(left, current);
    expect(rowsOf(got)).toEqual(expected);
    // The data really has ties and late rows that matter, and some labels find nothing.
    expect(expected.filter((r) => r.value !== null && r.value >= 2000).length).toBeGreaterThan(0);
    expect(expected.filter((r) => r.value === null).length).toBeGreaterThan(0);
    for (let i = 0; i < got.numRows; i++) {
      const e = got.getChild('event_ts')!.get(i) as number | null;
      if (e !== null) expect(e).toBeLessThanOrEqual(got.getChild('label_ts')!.get(i) as number);
    }

    const withTtl = await asOfJoin({ left, right: t, on: ['entity_id'], leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value', 'tag', 'event_ts'], ttl: 6 * HOUR_MS });
    expect(rowsOf(withTtl)).toEqual(bruteForce(left, current, 6 * HOUR_MS));
    // Dropping superseded candidates after every batch changes nothing.
    const compacted = await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value', 'tag', 'event_ts'], maxKeptRows: 1 });
    expect(rowsOf(compacted)).toEqual(expected);

    const asOfPinned = await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value', 'tag', 'event_ts'], snapshotId: pinned });
    expect(rowsOf(asOfPinned)).toEqual(bruteForce(left, await t.scan({ snapshotId: pinned }).toArrow()));
    expect(rowsOf(asOfPinned)).not.toEqual(expected);

    // Default columns: everything but the key and the time.
    const dflt = await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts' });
    expect(dflt.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'label_ts', 'y', 'value', 'tag']);
  });

  it('rejects missing and clashing columns, and joins an empty label set', async () => {
    const wh = await backend.open();
    await wh.createNamespace('fs');
    const rand = prng(11);
    const t = await wh.createTable('fs.f', features(rand, 0, 0, [0, 1]).schema);
    await t.append(features(rand, 20, 0, [0, 10]));
    const left = labels(rand, 5);
    await expect(asOfJoin({ left, right: t, on: 'nope', leftTime: 'label_ts', rightTime: 'event_ts' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', columns: ['entity_id'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const empty = await asOfJoin({ left: left.slice(0, 0), right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts' });
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'label_ts', 'y', 'value', 'tag']);
  });
});

describe('asOfJoin reads only what its labels can use', () => {
  it('prunes a time-partitioned feature table to the labels\' window (ttl) and keys', async () => {
    const store = instrumented(new MemoryStore({ name: 'memory://asof-io' }));
    const wh = await Warehouse.open('memory://asof-io', { store });
    await wh.createNamespace('fs');
    const rand = prng(3);
    const t = await wh.createTable('fs.daily', features(rand, 0, 0, [0, 1]).schema, { partitionBy: 'day(event_ts)' });
    // Ten days, one commit (one file) per day.
    for (let d = 0; d < 10; d++) await t.append(features(rand, 50, d * 100, [d * 24, d * 24 + 24]));
    const left = new arrow.Table({
      entity_id: arrow.makeVector(BigInt64Array.of(1n, 2n, 3n)),
      label_ts: ts([T0_MS + 5 * 24 * HOUR_MS + 6 * HOUR_MS, T0_MS + 5 * 24 * HOUR_MS + 12 * HOUR_MS, T0_MS + 5 * 24 * HOUR_MS + 1]),
      y: arrow.makeVector(Float64Array.of(0, 1, 2)),
    });
    store.reset();
    const got = await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value', 'tag', 'event_ts'], ttl: 24 * HOUR_MS });
    const dataFiles = new Set(store.snapshot().events.filter((e) => e.op === 'get' && e.path.endsWith('.parquet')).map((e) => e.path));
    // Day 4 and day 5 only (the ttl reaches back into day 4), of ten.
    expect(dataFiles.size).toBe(2);
    expect(rowsOf(got)).toEqual(bruteForce(left, await t.scan().toArrow(), 24 * HOUR_MS));
  });
});
