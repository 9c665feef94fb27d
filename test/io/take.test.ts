import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { filterRows, readParquet, resolveBatch, takeRows, writeParquet } from '../../src/io/index.js';
import type { NestedField, Schema } from '../../src/spec/types.js';
import { allPrimitiveFields, batchFromRows, randomRows, rowsOf } from './datagen.js';
import { prng } from './helpers.js';

const fields: NestedField[] = [
  ...allPrimitiveFields(1),
  {
    id: 50,
    name: 's',
    required: false,
    type: {
      type: 'struct',
      fields: [
        { id: 51, name: 'a', required: false, type: { type: 'string' } },
        { id: 52, name: 'b', required: false, type: { type: 'list', elementId: 53, element: { type: 'long' }, elementRequired: false } },
      ],
    },
  },
  { id: 54, name: 'l', required: false, type: { type: 'list', elementId: 55, element: { type: 'binary' }, elementRequired: false } },
  {
    id: 56,
    name: 'm',
    required: false,
    type: { type: 'map', keyId: 57, key: { type: 'string' }, valueId: 58, value: { type: 'double' }, valueRequired: false },
  },
  { id: 59, name: 'v', required: false, type: { type: 'list', elementId: 60, element: { type: 'float' }, elementRequired: false } },
];
const schema: Schema = { schemaId: 0, fields };
const dims = new Map([[59, 3]]);

/** A batch sliced out of a bigger one, so every column has offset != 0. */
function slicedBatch(seed: number, n: number, from: number) {
  const rows = randomRows(schema, n, prng(seed), { nullRate: 0.3, vectorDimensions: dims });
  const batch = batchFromRows(schema, rows, { vectorDimensions: dims });
  const sliced = batch.slice(from, n);
  return { rows: rows.slice(from, n), batch: sliced };
}

describe('takeRows / filterRows', () => {
  it('gathers sliced columns of every type with nulls, like a naive row-by-row copy', () => {
    const { rows, batch } = slicedBatch(1, 160, 37);
    expect(batch.data.children[0]!.offset).toBe(37);
    const rnd = prng(99);
    const indices = Int32Array.from({ length: 200 }, () => Math.floor(rnd() * rows.length));
    const taken = takeRows(batch, indices);
    expect(taken.numRows).toBe(200);
    expect(rowsOf(schema, taken)).toEqual([...indices].map((i) => rows[i]));
    // a reference built from the expected rows has the same content
    const reference = batchFromRows(schema, [...indices].map((i) => rows[i]!), { vectorDimensions: dims });
    expect(rowsOf(schema, taken)).toEqual(rowsOf(schema, reference));
  });

  it('filters with a byte mask, keeping order', () => {
    const { rows, batch } = slicedBatch(2, 120, 5);
    const rnd = prng(5);
    const mask = Uint8Array.from({ length: rows.length }, () => (rnd() < 0.4 ? 1 : 0));
    const kept = filterRows(batch, mask);
    expect(rowsOf(schema, kept)).toEqual(rows.filter((_, i) => mask[i] === 1));
    expect(filterRows(batch, new Uint8Array(rows.length).fill(1))).toBe(batch);
    expect(filterRows(batch, new Uint8Array(rows.length)).numRows).toBe(0);
    expect(() => filterRows(batch, new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('gathers across the batches of a table, in index order', () => {
    const a = slicedBatch(3, 40, 0);
    const b = slicedBatch(4, 50, 10);
    const table = new arrow.Table([a.batch, b.batch]);
    const all = [...a.rows, ...b.rows];
    const indices = Int32Array.from([79, 0, 39, 40, 41, 5, 79, 60]);
    expect(rowsOf(schema, takeRows(table, indices))).toEqual([...indices].map((i) => all[i]));
    expect(() => takeRows(table, Int32Array.from([80]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('produces data arrow-rs accepts (gathered batches write to Parquet)', () => {
    const { rows, batch } = slicedBatch(6, 90, 11);
    const indices = Uint32Array.from({ length: 30 }, (_, k) => (k * 7) % rows.length);
    const taken = takeRows(batch, indices);
    const back = readParquet(writeParquet(new arrow.Table([taken])));
    const resolved = resolveBatch(back.batches[0]!, { readSchema: schema, vectorDimensions: dims });
    expect(rowsOf(schema, resolved)).toEqual([...indices].map((i) => rows[i]));
  });

  it('keeps one dictionary, and decodes when batches carry different ones', () => {
    const t1 = arrow.tableFromArrays({ s: ['x', 'y', 'x'] });
    const t2 = arrow.tableFromArrays({ s: ['q', 'x'] });
    const single = takeRows(t1, Int32Array.from([2, 1]));
    expect(arrow.DataType.isDictionary(single.schema.fields[0]!.type)).toBe(true);
    expect([0, 1].map((i) => single.getChildAt(0)!.get(i))).toEqual(['x', 'y']);
    const both = new arrow.Table([t1.batches[0]!, new arrow.RecordBatch(t1.schema, t2.batches[0]!.data)]);
    const mixed = takeRows(both, Int32Array.from([3, 0, 4]));
    expect(String(mixed.schema.fields[0]!.type)).toBe('Utf8');
    expect([0, 1, 2].map((i) => mixed.getChildAt(0)!.get(i))).toEqual(['q', 'x', 'x']);
  });
});
