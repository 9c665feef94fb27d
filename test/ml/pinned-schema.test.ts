/**
 * Reads pinned to a snapshot resolve columns with that snapshot's schema (spec §Snapshots
 * `schema-id`), so a schema change of the table after the pin changes nothing they return:
 * `asOfJoin` (default columns and names given by the caller), datasets re-opened from their spec,
 * `nearest` and `scan`.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Dataset, type Table, Warehouse, asOfJoin, encodeDatasetSpec } from 'floe';
import { collect, embeddingsTable, ids, prng } from './fixtures.js';

const HOUR_MS = 3_600_000;
const T0_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
let warehouses = 0;

/** Feature rows: entities 0..9, event times on an hourly grid over two days. */
function features(random: () => number, n: number, first: number): arrow.Table {
  const id = new BigInt64Array(n);
  const time: number[] = [];
  const value = new Float64Array(n);
  const tag: string[] = [];
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(Math.floor(random() * 10));
    time.push(T0_MS + Math.floor(random() * 48) * HOUR_MS);
    value[i] = first + i;
    tag.push(`t${first + i}`);
  }
  return new arrow.Table({
    entity_id: arrow.makeVector(id),
    event_ts: arrow.vectorFromArray(time, new arrow.TimestampMicrosecond('UTC')),
    value: arrow.makeVector(value),
    tag: arrow.vectorFromArray(tag, new arrow.Utf8()),
  });
}

/** Labels: entities 0..9 at half-hour times over the two days. */
function labels(random: () => number, n: number): arrow.Table {
  const id = new BigInt64Array(n);
  const time: number[] = [];
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(Math.floor(random() * 10));
    time.push(T0_MS + Math.floor(random() * 96) * (HOUR_MS / 2));
  }
  return new arrow.Table({ entity_id: arrow.makeVector(id), label_ts: arrow.vectorFromArray(time, new arrow.TimestampMicrosecond('UTC')) });
}

/** A feature table with two commits; returns it, its first snapshot (pinned) and labels. */
async function featureTable(seed: number): Promise<{ t: Table; pinned: bigint; left: arrow.Table; random: () => number }> {
  const wh = await Warehouse.open(`memory://pinned-schema-${++warehouses}`);
  await wh.createNamespace('fs');
  const random = prng(seed);
  const t = await wh.createTable('fs.features', features(random, 0, 0).schema);
  await t.append(features(random, 200, 0));
  const pinned = t.currentSnapshot()!.snapshotId;
  await t.append(features(random, 100, 1000));
  return { t, pinned, left: labels(random, 150), random };
}

/** The Arrow IPC bytes of a table: equal bytes mean the same schema (names, types, metadata) and the same values. */
function ipc(t: arrow.Table): Uint8Array {
  return arrow.tableToIPC(t, 'stream');
}

describe('asOfJoin pinned to a snapshot', () => {
  it('returns the same bytes after a column is added to the feature table', async () => {
    const { t, pinned, left, random } = await featureTable(31);
    const call = (): Promise<arrow.Table> => asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', snapshotId: pinned });
    const before = await call();
    expect(before.schema.fields.map((f) => f.name)).toEqual(['entity_id', 'label_ts', 'value', 'tag']);
    expect([...before.getChild('value')!].filter((v) => v !== null).length).toBeGreaterThan(0);

    await t.updateSchema().addColumn('x', 'double').commit();
    const more = features(random, 50, 2000);
    await t.append(new arrow.Table({ ...Object.fromEntries(more.schema.fields.map((f) => [f.name, more.getChild(f.name)!])), x: arrow.makeVector(new Float64Array(50).fill(1)) }));
    expect(ipc(await call())).toEqual(ipc(before));
  });

  it('reproduces the join with the snapshot\'s column names after a rename', async () => {
    const { t, pinned, left } = await featureTable(32);
    const explicit = { left, right: t, on: ['entity_id'], leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value', 'tag'], snapshotId: pinned } as const;
    const beforeExplicit = await asOfJoin(explicit);
    const beforeDefault = await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', snapshotId: pinned });

    await t.updateSchema().renameColumn('value', 'amount').renameColumn('event_ts', 'ts').renameColumn('entity_id', 'user_id').commit();
    expect(ipc(await asOfJoin(explicit))).toEqual(ipc(beforeExplicit));
    expect(ipc(await asOfJoin({ left, right: t, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', snapshotId: pinned }))).toEqual(ipc(beforeDefault));
    // The current names are not the pinned snapshot's: refused, naming the column.
    await expect(asOfJoin({ ...explicit, columns: ['amount'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/amount/) });
  });
});

describe('datasets pinned to a snapshot', () => {
  it('Dataset.fromSpec reads the same rows after a column is dropped and another renamed', async () => {
    const { table, nextId } = await embeddingsTable({ seed: 33, commits: 3, rowGroupRows: 30 });
    const ds = await table.dataset({ filter: 'label < 3', seed: 5, batchSize: 20 });
    expect(ds.spec.columns).toEqual(['id', 'label', 'weight', 'emb']);
    const before = await collect(ds.reader({ shuffleBuffer: 40 }));
    await table.updateSchema().dropColumn('weight').renameColumn('label', 'class').commit();
    const batch = (await collect(table.scan({ snapshotId: BigInt(ds.spec.snapshotId), columns: ['id', 'label', 'emb'] }).batches()))[0]!;
    await table.append(new arrow.Table({ id: arrow.makeVector(BigInt64Array.of(BigInt(nextId))), class: batch.getChild('label')!.slice(0, 1), emb: batch.getChild('emb')!.slice(0, 1) }));

    const reopened = await Dataset.fromSpec(encodeDatasetSpec(ds.spec), { table });
    const after = await collect(reopened.reader({ shuffleBuffer: 40 }));
    expect(ipc(new arrow.Table(after))).toEqual(ipc(new arrow.Table(before)));
    // A new dataset pinned to the old snapshot takes the old names too.
    const again = await table.dataset({ snapshotId: ds.spec.snapshotId, columns: ['id', 'label', 'weight'], filter: 'label < 3', seed: 5, batchSize: 20 });
    expect(ids(await collect(again.reader({ shuffleBuffer: 40 })))).toEqual(ids(before));
  });
});

describe('nearest and scan pinned to a snapshot', () => {
  it('take the snapshot\'s column names after a rename', async () => {
    const { table } = await embeddingsTable({ seed: 34, commits: 2 });
    const pinned = table.currentSnapshot()!.snapshotId;
    const query = Float32Array.from({ length: 8 }, (_, i) => (i % 3) - 1);
    const hitsBefore = await table.nearest({ column: 'emb', query, k: 5, snapshotId: pinned, columns: ['id', 'label'], filter: 'label < 4' });
    const scanBefore = await table.scan({ snapshotId: pinned, columns: ['label', 'id'], filter: 'label = 1' }).toArrow();
    await table.updateSchema().renameColumn('emb', 'embedding').renameColumn('label', 'class').commit();

    const hitsAfter = await table.nearest({ column: 'emb', query, k: 5, snapshotId: pinned, columns: ['id', 'label'], filter: 'label < 4' });
    expect(hitsAfter).toEqual(hitsBefore);
    expect(hitsBefore.length).toBe(5);
    expect(ipc(await table.scan({ snapshotId: pinned, columns: ['label', 'id'], filter: 'label = 1' }).toArrow())).toEqual(ipc(scanBefore));
    await expect(table.nearest({ column: 'embedding', query, k: 5, snapshotId: pinned })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
