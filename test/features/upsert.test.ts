/**
 * `Table.upsert` (merge by key) on memory, local-fs and S3: replaces and inserts in one commit,
 * rewrites only the files holding the keys, rejects duplicate keys by name, and under
 * concurrency re-plans on the new base (overlapping keys) or commits side by side (disjoint
 * partitions) without losing a row.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, type Table, Warehouse, instrumented, isFloeError } from 'floe';
import { cleanupBackends, featureBackends } from './backends.js';

afterAll(cleanupBackends);

interface Row {
  entity_id: bigint;
  region: string;
  value: number;
}

function rowsToArrow(rows: readonly Row[]): arrow.Table {
  return new arrow.Table({
    entity_id: arrow.makeVector(BigInt64Array.from(rows.map((r) => r.entity_id))),
    region: arrow.vectorFromArray(rows.map((r) => r.region), new arrow.Utf8()),
    value: arrow.makeVector(Float64Array.from(rows.map((r) => r.value))),
  });
}

function schema(): arrow.Schema {
  return new arrow.Schema([
    new arrow.Field('entity_id', new arrow.Int64(), false),
    new arrow.Field('region', new arrow.Utf8(), false),
    new arrow.Field('value', new arrow.Float64(), true),
  ]);
}

async function readRows(t: Table): Promise<Row[]> {
  const out = await t.scan().toArrow();
  const rows: Row[] = [];
  for (const r of out) rows.push({ entity_id: r.entity_id as bigint, region: r.region as string, value: r.value as number });
  return rows.sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : Number(a.entity_id - b.entity_id)));
}

/** The brute-force merge: the expected table after upserting `batch` by `key`. */
function merge(base: readonly Row[], batch: readonly Row[], key: (r: Row) => string): Row[] {
  const m = new Map(base.map((r) => [key(r), r]));
  for (const r of batch) m.set(key(r), r);
  return [...m.values()].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : Number(a.entity_id - b.entity_id)));
}

const byId = (r: Row): string => String(r.entity_id);
const byRegionId = (r: Row): string => `${r.region}/${r.entity_id}`;
const REGIONS = ['eu', 'us', 'ap'];

/** Rows ids [from, to): each id in one region, value = id. */
function rows(from: number, to: number, value = (i: number) => i): Row[] {
  const out: Row[] = [];
  for (let i = from; i < to; i++) out.push({ entity_id: BigInt(i), region: REGIONS[i % 3]!, value: value(i) });
  return out;
}

describe.each(featureBackends)('upsert on $label', (backend) => {
  it('replaces existing keys and inserts new ones in one commit, rewriting only the files that hold them', async () => {
    const wh = await backend.open();
    await wh.createNamespace('f');
    const t = await wh.createTable('f.u', schema(), { partitionBy: 'region' });
    let expected: Row[] = [];
    // Four appends of disjoint id ranges: 12 files (4 × 3 regions), each with a narrow id range.
    for (let k = 0; k < 4; k++) {
      const batch = rows(k * 100, (k + 1) * 100);
      await t.append(rowsToArrow(batch));
      expected = merge(expected, batch, byId);
    }
    const files = (await t.scan().planFiles()).tasks.length;
    expect(files).toBe(12);

    // Keys 10..14 exist (first append, three regions); 1000..1004 are new.
    const upd = [...rows(10, 15, (i) => -i), ...rows(1000, 1005, (i) => -i)];
    const snap = await t.upsert(rowsToArrow(upd), { on: ['entity_id'] });
    expected = merge(expected, upd, byId);
    expect(snap.summary.operation).toBe('overwrite');
    // Metrics prune the other appends' files: only the first append's three files are rewritten.
    expect(snap.summary['deleted-data-files']).toBe('3');
    expect(snap.summary['total-records']).toBe(String(expected.length));
    expect(await readRows(t)).toEqual(expected);
    expect(t.snapshots()).toHaveLength(5);

    // Reopened from storage, the same rows.
    const again = await wh.loadTable('f.u');
    expect(await readRows(again)).toEqual(expected);
  });

  it('matches composite keys exactly and rejects duplicate or null keys, naming them, with nothing committed', async () => {
    const wh = await backend.open();
    await wh.createNamespace('f');
    const t = await wh.createTable('f.c', schema());
    // The same ids in every region: per-column INs would over-match, the exact key must not.
    const base: Row[] = [];
    for (const region of REGIONS) for (let i = 0; i < 20; i++) base.push({ entity_id: BigInt(i), region, value: i });
    await t.append(rowsToArrow(base));
    const upd: Row[] = [
      { entity_id: 3n, region: 'eu', value: 300 },
      { entity_id: 4n, region: 'us', value: 400 },
      { entity_id: 99n, region: 'ap', value: 990 },
    ];
    await t.upsert(rowsToArrow(upd), { on: ['region', 'entity_id'] });
    const expected = merge(base, upd, byRegionId);
    expect(await readRows(t)).toEqual(expected);

    const version = t.version;
    const dup = rowsToArrow([
      { entity_id: 7n, region: 'eu', value: 1 },
      { entity_id: 8n, region: 'eu', value: 2 },
      { entity_id: 7n, region: 'eu', value: 3 },
    ]);
    const err = await t.upsert(dup, { on: ['region', 'entity_id'] }).catch((e: unknown) => e);
    expect(isFloeError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(String((err as Error).message)).toContain('(eu, 7)');
    expect(String((err as Error).message)).toContain('1 duplicate key');
    const unknown = await t.upsert(dup, { on: ['nope'] }).catch((e: unknown) => e);
    expect(isFloeError(unknown, 'INVALID_ARGUMENT')).toBe(true);
    await t.refresh();
    expect(t.version).toBe(version);
    expect(await readRows(t)).toEqual(expected);
  });

  it('concurrent upserts on overlapping keys: one wins, the other re-plans on the new base; nothing is lost', async () => {
    const wh = await backend.open();
    await wh.createNamespace('f');
    const t = await wh.createTable('f.o', schema(), { partitionBy: 'region' });
    const base = rows(0, 60);
    await t.append(rowsToArrow(base));
    const a = await wh.loadTable('f.o');
    const b = await wh.loadTable('f.o');
    const updA = rows(0, 30, (i) => 1000 + i);
    const updB = rows(20, 50, (i) => 2000 + i);
    await a.upsert(rowsToArrow(updA), { on: ['entity_id'] });
    // b still holds the old base: its plan rewrites files a already replaced, so it must re-plan.
    await b.upsert(rowsToArrow(updB), { on: ['entity_id'] });
    expect(await readRows(b)).toEqual(merge(merge(base, updA, byId), updB, byId));

    // Racing for real: both finish, and the result is one of the two serial orders.
    const c = await wh.loadTable('f.o');
    const d = await wh.loadTable('f.o');
    const before = await readRows(c);
    const updC = rows(10, 40, (i) => 3000 + i);
    const updD = rows(30, 60, (i) => 4000 + i);
    await Promise.all([c.upsert(rowsToArrow(updC), { on: ['entity_id'] }), d.upsert(rowsToArrow(updD), { on: ['entity_id'] })]);
    await c.refresh();
    const got = await readRows(c);
    const cThenD = merge(merge(before, updC, byId), updD, byId);
    const dThenC = merge(merge(before, updD, byId), updC, byId);
    expect([cThenD, dThenC]).toContainEqual(got);
    expect(c.currentSnapshot()?.summary['total-records']).toBe('60');
  });

  it('concurrent upserts on disjoint partitions both commit without re-planning', async () => {
    const wh = await backend.open();
    await wh.createNamespace('f');
    const t = await wh.createTable('f.d', schema(), { partitionBy: 'region' });
    const base = rows(0, 60);
    await t.append(rowsToArrow(base));
    const a = await wh.loadTable('f.d');
    const b = await wh.loadTable('f.d');
    const updA = base.filter((r) => r.region === 'eu').map((r) => ({ ...r, value: -1 }));
    const updB = base.filter((r) => r.region === 'us').map((r) => ({ ...r, value: -2 }));
    await a.upsert(rowsToArrow(updA), { on: ['region', 'entity_id'] });
    const planned = b.currentSnapshot()?.snapshotId;
    await b.upsert(rowsToArrow(updB), { on: ['region', 'entity_id'] });
    // The commit loop rebased b's commit (one version conflict) instead of re-planning it.
    expect(b.lastCommitStats()).toMatchObject({ attempts: 2, conflicts: 1 });
    expect(b.currentSnapshot()?.parentSnapshotId).toBe(a.currentSnapshot()?.snapshotId);
    expect(planned).not.toBe(a.currentSnapshot()?.snapshotId);
    expect(await readRows(b)).toEqual(merge(merge(base, updA, byRegionId), updB, byRegionId));
  });

  it('matches keys of date and timestamp columns (arrow-js reads them as milliseconds)', async () => {
    const wh = await backend.open();
    await wh.createNamespace('f');
    const DAY = 86_400_000;
    const T0 = Date.UTC(2026, 0, 1);
    const make = (days: number[], tsOffsetUs: number, value: number): arrow.Table =>
      new arrow.Table({
        day: arrow.vectorFromArray(days.map((d) => T0 + d * DAY), new arrow.DateDay()),
        ts: arrow.vectorFromArray(days.map((d) => T0 + d * DAY + tsOffsetUs / 1000), new arrow.TimestampMicrosecond('UTC')),
        value: arrow.makeVector(Float64Array.from(days, () => value)),
      });
    const t = await wh.createTable('f.dt', make([0], 1, 0).schema, { partitionBy: 'month(day)' });
    await t.append(make([0, 1, 2, 40], 1, 1));
    await t.append(make([3, 4], 1, 1));
    const snap = await t.upsert(make([1, 4, 5], 1, 2), { on: ['day', 'ts'] });
    expect(snap.summary['deleted-data-files']).toBe('2');
    const values = (await t.scan().toArrow()).toArray().map((r) => [Math.round(((r.day as number) - T0) / DAY), r.value as number]);
    expect(values.sort((a, b) => a[0]! - b[0]!)).toEqual([[0, 1], [1, 2], [2, 1], [3, 1], [4, 2], [5, 2], [40, 1]]);
    // A timestamp one microsecond later is another key.
    await t.upsert(make([0], 2, 3), { on: ['day', 'ts'] });
    expect((await t.scan().toArrow()).numRows).toBe(8);
  });
});

describe('upsert reads only the files that may hold its keys', () => {
  it('a contiguous batch of 300 keys (over the IN limit) reads and rewrites one file of ten', async () => {
    const store = instrumented(new MemoryStore({ name: 'memory://upsert-io' }));
    const wh = await Warehouse.open('memory://upsert-io', { store });
    await wh.createNamespace('f');
    const t = await wh.createTable('f.io', schema());
    for (let k = 0; k < 10; k++) await t.append(rowsToArrow(rows(k * 1000, (k + 1) * 1000)));
    store.reset();
    const snap = await t.upsert(rowsToArrow(rows(4100, 4400, (i) => -i)), { on: ['entity_id'] });
    const read = new Set(store.snapshot().events.filter((e) => e.op === 'get' && e.path.endsWith('.parquet')).map((e) => e.path));
    expect(read.size).toBe(1);
    expect(snap.summary['deleted-data-files']).toBe('1');
    expect(snap.summary['total-records']).toBe('10000');
  });
});
