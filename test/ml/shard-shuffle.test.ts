/**
 * Sharding, shuffling and batching of a pinned dataset (issue 6 "Done when": shards partition
 * the rows for N in {1, 2, 3, 7, 64}; same seed → same order, different seed → different order).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type Table } from 'floe';
import { collect, embeddingsTable, ids } from './fixtures.js';

let table: Table;
let total: number;
let plain: Dataset;
let seeded: Dataset;

beforeAll(async () => {
  const made = await embeddingsTable({ seed: 6, commits: 5, rowGroupRows: 32 });
  table = made.table;
  total = made.nextId;
  plain = await table.dataset({ columns: ['id', 'label', 'emb'], batchSize: 20 });
  seeded = await table.dataset({ columns: ['id', 'label', 'emb'], batchSize: 20, seed: 42 });
});

describe('Dataset spec', () => {
  it('pins the snapshot, schema, columns and every file with its row groups', () => {
    const spec = plain.spec;
    expect(spec.snapshotId).toBe(table.currentSnapshot()!.snapshotId.toString());
    expect(spec.tableUuid).toBe(table.uuid());
    expect(spec.columns).toEqual(['id', 'label', 'emb']);
    expect(spec.files.length).toBe(5);
    for (const f of spec.files) expect(f.rowGroups.reduce((a, b) => a + b, 0)).toBe(f.recordCount);
    expect(spec.files.some((f) => f.rowGroups.length > 1)).toBe(true);
    expect(Object.isFrozen(spec)).toBe(true);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it("reads every row once, in the scan's order without a seed, as fixed-size batches", async () => {
    const batches = await collect(plain.reader());
    expect(ids(batches)).toEqual(ids(await collect(table.scan({ columns: ['id'] }).batches())));
    expect(new Set(ids(batches)).size).toBe(total);
    expect(batches.slice(0, -1).every((b) => b.numRows === 20)).toBe(true);
    expect(batches.at(-1)!.numRows).toBe(total % 20 || 20);
    expect(batches[0]!.schema.fields.map((f) => f.name)).toEqual(['id', 'label', 'emb']);
    const dropped = await collect(plain.reader({ dropLast: true }));
    expect(dropped.every((b) => b.numRows === 20)).toBe(true);
    expect(dropped.length).toBe(Math.floor(total / 20));
  });
});

describe('sharding', () => {
  for (const workers of [1, 2, 3, 7, 64]) {
    it(`${workers} workers partition the rows, balanced within one row group`, async () => {
      for (const [ds, epoch] of [[plain, 0], [seeded, 0], [seeded, 3]] as const) {
        const all: number[] = [];
        const counts: number[] = [];
        for (let worker = 0; worker < workers; worker++) {
          const got = ids(await collect(ds.shard({ workers, worker }).reader({ epoch, shuffleBuffer: 50 })));
          counts.push(got.length);
          all.push(...got);
        }
        expect(all.length).toBe(total);
        expect(new Set(all).size).toBe(total);
        const maxGroup = Math.max(...ds.spec.files.flatMap((f) => f.rowGroups));
        for (const c of counts) expect(Math.abs(c - total / workers)).toBeLessThanOrEqual(maxGroup);
      }
    });
  }

  it('assigns row groups, not files, and rejects bad shard options', () => {
    const units = plain.units({ workers: 64, worker: 0 });
    expect(units.length).toBeLessThanOrEqual(1);
    expect(() => plain.shard({ workers: 2, worker: 2 })).toThrow(/option worker is invalid/);
    expect(() => plain.shard({ workers: 0, worker: 0 })).toThrow(/option workers is invalid/);
  });
});

describe('shuffling', () => {
  const order = async (ds: Dataset, o: { epoch?: number; workers?: number; worker?: number; shuffleBuffer?: number }): Promise<number[]> =>
    ids(await collect(ds.reader(o)));

  it('the same (seed, epoch, N, i) always yields the same sequence', async () => {
    const again = await table.dataset({ columns: ['id', 'label', 'emb'], batchSize: 20, seed: 42 });
    for (const o of [{ epoch: 0 }, { epoch: 1, shuffleBuffer: 64 }, { epoch: 2, workers: 3, worker: 1, shuffleBuffer: 30 }]) {
      const a = await order(seeded, o);
      expect(await order(seeded, o)).toEqual(a);
      expect(await order(again, o)).toEqual(a);
    }
  });

  it('a different seed or epoch gives a different order of the same rows', async () => {
    const other = await table.dataset({ columns: ['id', 'label', 'emb'], batchSize: 20, seed: 43 });
    const a = await order(seeded, { shuffleBuffer: 64 });
    const b = await order(other, { shuffleBuffer: 64 });
    const c = await order(seeded, { epoch: 1, shuffleBuffer: 64 });
    expect(b).not.toEqual(a);
    expect(c).not.toEqual(a);
    expect([...b].sort((x, y) => x - y)).toEqual([...a].sort((x, y) => x - y));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('the shuffle buffer mixes rows across row groups', async () => {
    const rowGroupsOnly = await order(seeded, {});
    const buffered = await order(seeded, { shuffleBuffer: 100 });
    expect(buffered).not.toEqual(rowGroupsOnly);
    // Without a buffer, rows of a row group stay consecutive and in order.
    let runs = 0;
    for (let i = 1; i < rowGroupsOnly.length; i++) if (rowGroupsOnly[i] !== rowGroupsOnly[i - 1]! + 1) runs++;
    expect(runs).toBeLessThan(seeded.spec.files.reduce((s, f) => s + f.rowGroups.length, 0));
  });
});
