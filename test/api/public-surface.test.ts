/**
 * The public surface of ARCHITECTURE.md, as written there, through the package's own exports
 * only (`import … from 'floe'`), on a memory, a local-folder and an S3 warehouse, each also
 * through Floe's REST catalog server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Table, Warehouse, eq, gt, isFloeError, startRestCatalogServer, type Snapshot } from 'floe';
import { createTestBucket, requireS3Endpoint, s3Label } from '../support/s3-endpoint.js';

const DAY_US = 86_400_000_000n;
const T0 = 1_767_225_600_000_000n; // 2026-01-01T00:00:00Z in µs

/** n rows of a small events table, deterministic. */
function events(n: number, offset = 0): arrow.Table {
  const user = new BigInt64Array(n);
  const ts = new BigInt64Array(n);
  const score = new Float64Array(n);
  const cat: string[] = [];
  const emb = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const k = i + offset;
    user[i] = BigInt(k % 7);
    ts[i] = T0 + BigInt(k % 3) * DAY_US + BigInt(k);
    score[i] = k / 10;
    cat.push(['a', 'b', 'c'][k % 3]!);
    for (let d = 0; d < 4; d++) emb[i * 4 + d] = k + d / 10;
  }
  const embType = new arrow.FixedSizeList(4, new arrow.Field('item', new arrow.Float32(), false));
  return new arrow.Table({
    user_id: arrow.makeVector(user),
    ts: arrow.makeVector({ type: new arrow.TimestampMicrosecond('UTC'), data: ts } as never),
    score: arrow.makeVector(score),
    cat: arrow.vectorFromArray(cat, new arrow.Utf8()),
    emb: arrow.makeVector(arrow.makeData({ type: embType, length: n, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: n * 4, data: emb }) })),
  });
}

function schema(): arrow.Schema {
  return new arrow.Schema([
    new arrow.Field('user_id', new arrow.Int64(), false),
    new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), false),
    new arrow.Field('score', new arrow.Float64(), true),
    new arrow.Field('cat', new arrow.Utf8(), true),
    new arrow.Field('emb', new arrow.FixedSizeList(4, new arrow.Field('item', new arrow.Float32(), false)), true),
  ]);
}

function column<T>(t: arrow.Table, name: string): T[] {
  return [...(t.getChild(name) ?? [])] as T[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

interface Backend {
  readonly label: string;
  open(): Promise<{ wh: Warehouse; uri: string; s3?: Parameters<typeof Warehouse.open>[1] }>;
}

const backends: Backend[] = [
  { label: 'memory', open: async () => { const uri = `memory://api-${Math.random().toString(36).slice(2)}`; return { wh: await Warehouse.open(uri), uri }; } },
  {
    label: 'local-fs',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'floe-api-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const uri = pathToFileURL(dir).href;
      return { wh: await Warehouse.open(uri), uri };
    },
  },
  {
    label: s3Label(),
    open: async () => {
      const e = requireS3Endpoint();
      const bucket = await createTestBucket();
      cleanups.push(() => bucket.cleanup());
      const s3 = { endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } };
      const uri = `s3://${bucket.bucket}/warehouse`;
      return { wh: await Warehouse.open(uri, { s3 }), uri, s3: { s3 } };
    },
  },
];

// The same, with every table operation committed through Floe's REST catalog server over that
// storage (the table's files stay where they are: `Table.load` of its folder still works), as
// its admin principal (client credentials exchanged for tokens).
const restBackends: Backend[] = backends.map((base) => ({
  label: `rest over ${base.label}`,
  open: async () => {
    const served = await base.open();
    // No audit log here (test/governance/audit.test.ts has its own): its timer could add the
    // `_system` namespace to the listings this test states exactly.
    const server = await startRestCatalogServer({ warehouse: served.wh, admin: { clientId: 'floe-test-admin', clientSecret: 'test-admin-secret-not-for-production' }, audit: false });
    cleanups.push(() => server.close());
    return { wh: await Warehouse.open(server.url, { ...served.s3, catalog: { credential: 'floe-test-admin:test-admin-secret-not-for-production' } }), uri: served.uri, ...(served.s3 ? { s3: served.s3 } : {}) };
  },
}));

describe.each([...backends, ...restBackends])('public surface on $label', (backend) => {
  it('creates, appends, scans, time-travels, evolves and reopens a table as ARCHITECTURE.md says', async () => {
    const { wh, uri, s3 } = await backend.open();
    await wh.createNamespace('ml');
    expect(await wh.listNamespaces()).toEqual(['ml']);
    const t = await wh.createTable('ml.events', schema(), { partitionBy: 'day(ts), bucket(4, user_id)' });
    expect(await wh.listTables('ml')).toEqual(['ml.events']);
    expect(t.currentSnapshot()).toBeUndefined();

    const s1: Snapshot = await t.append(events(30));
    expect(typeof s1.snapshotId).toBe('bigint');
    expect(s1.sequenceNumber).toBe(1n);
    expect(s1.summary.operation).toBe('append');
    expect(s1.summary['added-records']).toBe('30');
    expect(s1.summary['total-records']).toBe('30');
    const s2 = await t.append(events(20, 30));
    expect(s2.sequenceNumber).toBe(2n);
    expect(s2.parentSnapshotId).toBe(s1.snapshotId);
    expect(t.snapshots().map((s) => s.snapshotId)).toEqual([s1.snapshotId, s2.snapshotId]);
    expect(t.currentSnapshot()?.snapshotId).toBe(s2.snapshotId);

    const all = await t.scan().toArrow();
    expect(all.numRows).toBe(50);
    expect(column<bigint>(all, 'user_id').length).toBe(50);
    const emb = all.getChild('emb')!;
    expect(emb.type).toBeInstanceOf(arrow.FixedSizeList);
    expect((emb.type as arrow.FixedSizeList).listSize).toBe(4);

    // filters, as a string and as builder expressions; columns and limit
    const filtered = await t.scan({ filter: "user_id = 3 AND cat IN ('a','b')", columns: ['user_id', 'cat'] }).toArrow();
    expect(filtered.schema.fields.map((f) => f.name)).toEqual(['user_id', 'cat']);
    expect(column<bigint>(filtered, 'user_id').every((u) => u === 3n)).toBe(true);
    const expectedCount = Array.from({ length: 50 }, (_, k) => k).filter((k) => k % 7 === 3 && k % 3 !== 2).length;
    expect(filtered.numRows).toBe(expectedCount);
    // columns come back in the order asked for, also when the filter uses a column not returned
    const reordered = await t.scan({ columns: ['cat', 'score'], filter: 'user_id = 3' }).toArrow();
    expect(reordered.schema.fields.map((f) => f.name)).toEqual(['cat', 'score']);
    const reference = (await t.scan().toArrow()).toArray().filter((r) => r.user_id === 3n);
    expect(reordered.toArray().map((r) => `${r.cat}:${r.score}`).sort()).toEqual(reference.map((r) => `${r.cat}:${r.score}`).sort());
    const built = await t.scan({ filter: eq('user_id', 3n) }).toArrow();
    expect(built.numRows).toBe(Array.from({ length: 50 }, (_, k) => k).filter((k) => k % 7 === 3).length);
    expect((await t.scan({ filter: gt('score', 4.45), limit: 3 }).toArrow()).numRows).toBe(3);
    let streamed = 0;
    for await (const batch of t.scan().batches()) streamed += batch.numRows;
    expect(streamed).toBe(50);

    // time travel by id, time and tag
    expect((await t.scan({ snapshotId: s1.snapshotId }).toArrow()).numRows).toBe(30);
    expect((await t.scan({ asOf: s1.timestampMs }).toArrow()).numRows).toBe(30);
    await t.createTag('v1', s1.snapshotId);
    expect(t.refs()['v1']).toEqual({ snapshotId: s1.snapshotId, type: 'tag' });
    expect((await t.scan({ ref: 'v1' }).toArrow()).numRows).toBe(30);

    // delete and overwrite by filter
    const del = await t.delete("cat = 'c'");
    expect(del.summary['total-records']).toBe(String(50 - Array.from({ length: 50 }, (_, k) => k).filter((k) => k % 3 === 2).length));
    expect(column<string>(await t.scan().toArrow(), 'cat').includes('c')).toBe(false);
    await t.overwrite(events(5, 1000), { filter: "cat = 'a'" });
    const afterOverwrite = await t.scan().toArrow();
    expect(column<string>(afterOverwrite, 'cat').filter((c) => c === 'a').length).toBe(events(5, 1000).toArray().filter((r) => r.cat === 'a').length);

    // schema evolution: old snapshots keep their shape, renamed columns keep their data
    await t.updateSchema().addColumn('label', 'string').renameColumn('score', 'raw_score').commit();
    const now = await t.scan().toArrow();
    expect(now.schema.fields.map((f) => f.name)).toEqual(['user_id', 'ts', 'raw_score', 'cat', 'emb', 'label']);
    expect(column<unknown>(now, 'label').every((v) => v === null)).toBe(true);
    expect(column<number>(now, 'raw_score').some((v) => v !== null)).toBe(true);
    const old = await t.scan({ snapshotId: s1.snapshotId }).toArrow();
    expect(old.schema.fields.map((f) => f.name)).toEqual(['user_id', 'ts', 'score', 'cat', 'emb']);

    // another handle sees it all after load; refresh picks up commits made through the first
    const again = await wh.loadTable('ml.events');
    expect(again.snapshots().length).toBe(t.snapshots().length);
    const more = events(1, 2000);
    await t.append(new arrow.Table({ user_id: more.getChild('user_id')!, ts: more.getChild('ts')!, raw_score: more.getChild('score')!, cat: more.getChild('cat')!, emb: more.getChild('emb')! }));
    expect(again.snapshots().length).toBe(t.snapshots().length - 1);
    await again.refresh();
    expect(again.currentSnapshot()?.snapshotId).toBe(t.currentSnapshot()?.snapshotId);

    // any table opens without a catalog
    const direct = await Table.load(`${uri}/ml/events`, s3 ?? {});
    expect(direct.currentSnapshot()?.snapshotId).toBe(t.currentSnapshot()?.snapshotId);
    expect(t.history().map((h) => h.snapshotId)).toEqual(t.snapshots().map((s) => s.snapshotId));
  });

  it('names what is wrong, with typed errors', async () => {
    const { wh } = await backend.open();
    const e1 = await wh.loadTable('ml.missing').catch((e: unknown) => e);
    expect(isFloeError(e1, 'TABLE_NOT_FOUND')).toBe(true);
    const e2 = await wh.createTable('nope.t', schema()).catch((e: unknown) => e);
    expect(isFloeError(e2, 'NAMESPACE_NOT_FOUND')).toBe(true);
    await wh.createNamespace('ml');
    const e3 = await wh.createTable('ml.../x', schema()).catch((e: unknown) => e);
    expect(isFloeError(e3, 'INVALID_ARGUMENT')).toBe(true);
    const t = await wh.createTable('ml.t', schema());
    const e4 = await wh.createTable('ml.t', schema()).catch((e: unknown) => e);
    expect(isFloeError(e4, 'TABLE_ALREADY_EXISTS')).toBe(true);
    expect(() => t.scan({ filter: 'nope > 1' })).toThrow(/nope/);
    expect(() => t.scan({ snapshotId: 42n })).toThrowError(expect.objectContaining({ code: 'SNAPSHOT_NOT_FOUND' }));
    expect(() => t.scan({ ref: 'v9' })).toThrowError(expect.objectContaining({ code: 'REF_NOT_FOUND' }));
  });
});
