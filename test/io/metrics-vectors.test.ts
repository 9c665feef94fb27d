/**
 * The fast count path for whole FixedSizeList columns (embeddings) agrees with the general path.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/io/index.js';
import type { Schema } from '../../src/spec/index.js';

const schema: Schema = {
  schemaId: 0,
  fields: [{ id: 1, name: 'emb', required: false, type: { type: 'list', elementId: 2, element: { type: 'float' }, elementRequired: false } }],
};

function vectors(values: number[], dim: number): arrow.Table {
  const type = new arrow.FixedSizeList(dim, new arrow.Field('element', new arrow.Float32(), true));
  const child = arrow.makeData({ type: new arrow.Float32(), length: values.length, data: Float32Array.from(values) });
  return new arrow.Table({ emb: arrow.makeVector(arrow.makeData({ type, length: values.length / dim, nullCount: 0, child })) });
}

describe('metrics of vector columns', () => {
  it('counts values and NaNs of a whole FixedSizeList exactly as the general path does', () => {
    const dim = 4;
    const values = Array.from({ length: 41 * dim }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 3));
    const whole = vectors(values.slice(dim), dim); // offset 0: the fast path
    const sliced = vectors(values, dim).slice(1); // offset 1: the general path
    const a = computeMetrics(whole, schema);
    const b = computeMetrics(sliced, schema);
    expect(a.valueCounts.get(2)).toBe(40 * dim);
    expect(a.valueCounts).toEqual(b.valueCounts);
    expect(a.nullValueCounts).toEqual(b.nullValueCounts);
    expect(a.nanValueCounts).toEqual(b.nanValueCounts);
    expect(a.nanValueCounts.get(2)).toBe(values.slice(dim).filter((v) => Number.isNaN(v)).length);
    expect(a.lowerBounds.has(2)).toBe(false); // no bounds inside lists, as Java
  });
});
