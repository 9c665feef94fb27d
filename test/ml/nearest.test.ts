/**
 * Exact nearest-neighbour search (issue 6: "`nearest` equals brute force on random data for
 * every metric, with filters and on an old snapshot") and the typed-array views training code
 * takes batches through.
 */
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DistanceMetric, type Table, distanceFunction, numericColumn, vectorColumn } from 'floe';
import { DIM, collect, embeddingsTable, prng, rows } from './fixtures.js';

let table: Table;
let oldSnapshotId: bigint;

beforeAll(async () => {
  const made = await embeddingsTable({ seed: 1606, commits: 4, rowGroupRows: 40 });
  table = made.table;
  oldSnapshotId = table.currentSnapshot()!.snapshotId;
  await table.append(rows(120, made.nextId, made.random));
  await table.delete('id < 30');
});

interface Row {
  readonly id: number;
  readonly label: number;
  readonly emb: Float32Array;
}

/** Every row of a scan, in scan order. */
async function allRows(options: { snapshotId?: bigint; filter?: string }): Promise<Row[]> {
  const out: Row[] = [];
  for await (const b of table.scan({ ...options, columns: ['id', 'label', 'emb'] }).batches()) {
    const v = vectorColumn(b, 'emb');
    for (let r = 0; r < b.numRows; r++) {
      out.push({ id: Number(b.getChild('id')!.get(r)), label: b.getChild('label')!.get(r) as number, emb: v.values.slice(r * DIM, (r + 1) * DIM) });
    }
  }
  return out;
}

/** Brute force: every distance, sorted, ties by scan order. */
function bruteForce(all: readonly Row[], query: Float32Array, k: number, metric: DistanceMetric): { id: number; distance: number }[] {
  const f = distanceFunction(metric, query);
  return all
    .map((r, i) => ({ id: r.id, distance: f(r.emb, 0), i }))
    .sort((a, b) => a.distance - b.distance || a.i - b.i)
    .slice(0, k)
    .map(({ id, distance }) => ({ id, distance }));
}

/** A direct formula per metric, to check distanceFunction itself. */
function reference(metric: DistanceMetric, v: Float32Array, q: Float32Array): number {
  let dot = 0;
  let vv = 0;
  let qq = 0;
  let l2 = 0;
  for (let j = 0; j < q.length; j++) {
    dot += v[j]! * q[j]!;
    vv += v[j]! * v[j]!;
    qq += q[j]! * q[j]!;
    l2 += (v[j]! - q[j]!) ** 2;
  }
  return metric === 'l2' ? Math.sqrt(l2) : metric === 'dot' ? -dot : 1 - dot / Math.sqrt(vv * qq);
}

describe('nearest', () => {
  const random = prng(99);
  const query = (): Float32Array => Float32Array.from({ length: DIM }, () => random() * 2 - 1);

  for (const metric of ['l2', 'cosine', 'dot'] as const) {
    it(`equals brute force: ${metric}, current snapshot, with a filter, and on an old snapshot`, async () => {
      const cases: { snapshotId?: bigint; filter?: string }[] = [{}, { filter: 'label IN (1, 3)' }, { snapshotId: oldSnapshotId }, { snapshotId: oldSnapshotId, filter: 'label = 4' }];
      for (const c of cases) {
        const all = await allRows(c);
        for (const k of [1, 7, 50]) {
          const q = query();
          const hits = await table.nearest({ column: 'emb', query: q, k, metric, columns: ['id', 'label', 'emb'], ...c });
          const expected = bruteForce(all, q, k, metric);
          expect(hits.map((h) => Number(h.row.id))).toEqual(expected.map((e) => e.id));
          hits.forEach((h, i) => expect(h.distance).toBe(expected[i]!.distance));
          for (const h of hits) expect(h.distance).toBeCloseTo(reference(metric, h.row.emb as Float32Array, q), 9);
          if (c.filter === 'label = 4') expect(hits.every((h) => h.row.label === 4)).toBe(true);
        }
      }
    });
  }

  it('the old snapshot still holds the rows deleted since', async () => {
    const q = query();
    const oldIds = (await table.nearest({ column: 'emb', query: q, k: 1000, snapshotId: oldSnapshotId, columns: ['id'] })).map((h) => Number(h.row.id));
    const nowIds = (await table.nearest({ column: 'emb', query: q, k: 1000, columns: ['id'] })).map((h) => Number(h.row.id));
    expect(oldIds.some((id) => id < 30)).toBe(true);
    expect(nowIds.some((id) => id < 30)).toBe(false);
  });

  it('rejects a query of the wrong dimension, a non-vector column and a bad k', async () => {
    await expect(table.nearest({ column: 'emb', query: [1, 2], k: 3 })).rejects.toThrow(/dimensions/);
    await expect(table.nearest({ column: 'weight', query: [1], k: 3 })).rejects.toThrow(/not a fixed-size list/);
    await expect(table.nearest({ column: 'emb', query: query(), k: -1 })).rejects.toThrow(/option k/);
    await expect(table.nearest({ column: 'emb', query: query(), k: 0 })).rejects.toThrow(/option k/);
  });
});

describe('typed-array views', () => {
  it('hands vector and numeric columns over without copying when Arrow holds them contiguously', async () => {
    const ds = await table.dataset({ columns: ['id', 'weight', 'emb'], batchSize: 64 });
    const batches = await collect(ds.reader());
    for (const b of batches) {
      const v = vectorColumn(b, 'emb');
      expect(v.rows).toBe(b.numRows);
      expect(v.dim).toBe(DIM);
      expect(v.copied).toBe(false);
      expect(v.values.buffer).toBe((b.getChild('emb')!.data[0]!.children[0]!.values as Float32Array).buffer);
      for (let r = 0; r < b.numRows; r += 17) expect(Array.from(v.values.subarray(r * DIM, (r + 1) * DIM))).toEqual(Array.from(b.getChild('emb')!.get(r)!.toArray() as Float32Array));
      const w = numericColumn(b, 'weight');
      expect(w.copied).toBe(false);
      expect(w.values).toBeInstanceOf(Float64Array);
      expect(Array.from(w.values as Float64Array)).toEqual(Array.from(b.getChild('weight')!.toArray() as Float64Array));
    }
  });

  it('is right on sliced batches and zeroes null vectors in a copy', () => {
    const t = rows(10, 0, prng(5));
    const b = t.batches[0]!.slice(3, 8);
    const v = vectorColumn(b, 'emb');
    expect(v.rows).toBe(5);
    expect(Array.from(v.values.subarray(0, DIM))).toEqual(Array.from(t.getChild('emb')!.get(3)!.toArray() as Float32Array));
    const embType = new arrow.FixedSizeList(2, new arrow.Field('element', new arrow.Float32(), false));
    const child = arrow.makeData({ type: new arrow.Float32(), length: 6, data: new Float32Array([1, 2, 3, 4, 5, 6]) });
    const withNull = arrow.makeData({ type: embType, length: 3, nullCount: 1, nullBitmap: new Uint8Array([0b101]), child });
    const nb = new arrow.Table({ v: arrow.makeVector(withNull) }).batches[0]!;
    const nv = vectorColumn(nb, 'v');
    expect(nv.copied).toBe(true);
    expect(Array.from(nv.values)).toEqual([1, 2, 0, 0, 5, 6]);
  });
});
