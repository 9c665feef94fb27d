import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { computeMetrics, conformToSchema } from '../../src/io/index.js';
import { literalFromBytes, literalToBytes, truncateLowerBound, truncateUpperBound } from '../../src/spec/bounds.js';
import type { IcebergType, NestedField, PrimitiveType, Schema } from '../../src/spec/types.js';
import { compareLiterals, type Literal } from '../../src/spec/values.js';
import { allPrimitiveFields, batchFromRows, randomRows, type Value } from './datagen.js';
import { prng } from './helpers.js';

const schema: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    ...allPrimitiveFields(2),
    {
      id: 40,
      name: 'st',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 41, name: 'name', required: false, type: { type: 'string' } },
          { id: 42, name: 'deep', required: false, type: { type: 'struct', fields: [{ id: 43, name: 'f', required: false, type: { type: 'float' } }] } },
        ],
      },
    },
    { id: 44, name: 'xs', required: false, type: { type: 'list', elementId: 45, element: { type: 'int' }, elementRequired: false } },
    {
      id: 46,
      name: 'mp',
      required: false,
      type: { type: 'map', keyId: 47, key: { type: 'string' }, valueId: 48, value: { type: 'double' }, valueRequired: false },
    },
  ],
};

interface Acc {
  type: PrimitiveType;
  values: number;
  nulls: number;
  nans: number;
  min?: Literal;
  max?: Literal;
}

/** Brute force, straight from the rows (the slot rules of the metrics module doc). */
function bruteForce(rows: readonly Record<string, Value>[], truncate: number) {
  const acc = new Map<number, Acc>();
  const leafOf = (f: NestedField): Acc => {
    let a = acc.get(f.id);
    if (!a) acc.set(f.id, (a = { type: f.type as PrimitiveType, values: 0, nulls: 0, nans: 0 }));
    return a;
  };
  const leaves = (f: NestedField): NestedField[] => {
    const t: IcebergType = f.type;
    if (t.type === 'struct') return t.fields.flatMap(leaves);
    if (t.type === 'list') return leaves({ id: t.elementId, name: 'element', required: false, type: t.element });
    if (t.type === 'map') {
      return [
        ...leaves({ id: t.keyId, name: 'key', required: true, type: t.key }),
        ...leaves({ id: t.valueId, name: 'value', required: false, type: t.value }),
      ];
    }
    return [f];
  };
  const nullSlot = (f: NestedField) =>
    leaves(f).forEach((l) => {
      const a = leafOf(l);
      a.values++;
      a.nulls++;
    });
  const visit = (f: NestedField, v: Value, repeated: boolean): void => {
    const t = f.type;
    if (t.type === 'struct') {
      if (v === null) return nullSlot(f);
      for (const c of t.fields) visit(c, (v as Record<string, Value>)[c.name] ?? null, repeated);
      return;
    }
    if (t.type === 'list') {
      const el: NestedField = { id: t.elementId, name: 'element', required: false, type: t.element };
      if (v === null || (v as Value[]).length === 0) return nullSlot(el);
      for (const x of v as Value[]) visit(el, x, true);
      return;
    }
    if (t.type === 'map') {
      const k: NestedField = { id: t.keyId, name: 'key', required: true, type: t.key };
      const val: NestedField = { id: t.valueId, name: 'value', required: false, type: t.value };
      if (v === null || (v as [Value, Value][]).length === 0) return (nullSlot(k), nullSlot(val));
      for (const [a, b] of v as [Value, Value][]) (visit(k, a, true), visit(val, b, true));
      return;
    }
    const a = leafOf(f);
    a.values++;
    if (v === null) return void a.nulls++;
    if (typeof v === 'number' && Number.isNaN(v)) return void a.nans++;
    if (repeated) return;
    const lit = v as Literal;
    if (a.min === undefined || compareLiterals(t, lit, a.min) < 0) a.min = lit;
    if (a.max === undefined || compareLiterals(t, lit, a.max) > 0) a.max = lit;
  };
  for (const r of rows) for (const f of schema.fields) visit(f, r[f.name] ?? null, false);
  const lower = new Map<number, Uint8Array>();
  const upper = new Map<number, Uint8Array>();
  for (const [id, a] of acc) {
    if (a.min !== undefined) lower.set(id, literalToBytes(a.type, truncateLowerBound(a.type, a.min, truncate)));
    if (a.max !== undefined) {
      const u = truncateUpperBound(a.type, a.max, truncate);
      if (u !== null) upper.set(id, literalToBytes(a.type, u));
    }
  }
  const floats = [...acc].filter(([, a]) => a.type.type === 'float' || a.type.type === 'double');
  return {
    recordCount: rows.length,
    valueCounts: new Map([...acc].map(([id, a]) => [id, a.values])),
    nullValueCounts: new Map([...acc].map(([id, a]) => [id, a.nulls])),
    nanValueCounts: new Map(floats.map(([id, a]) => [id, a.nans])),
    lowerBounds: lower,
    upperBounds: upper,
  };
}

function sorted<V>(m: Map<number, V>): [number, V][] {
  return [...m].sort((a, b) => a[0] - b[0]);
}

describe('computeMetrics', () => {
  it.each([
    [1, 16],
    [2, 4],
    [3, 1],
  ])('matches a brute-force computation on a seeded random table (seed %i, truncate %i)', (seed, truncate) => {
    const rows = randomRows(schema, 400, prng(seed), { nullRate: 0.2 });
    // two batches, the second sliced, as a write may hand them over
    const b1 = batchFromRows(schema, rows.slice(0, 150));
    const b2 = batchFromRows(schema, [rows[0]!, ...rows.slice(150)]).slice(1);
    const got = computeMetrics([b1, b2], schema, { truncateLength: truncate });
    const want = bruteForce(rows, truncate);
    expect(got.recordCount).toBe(400);
    expect(sorted(got.valueCounts)).toEqual(sorted(want.valueCounts));
    expect(sorted(got.nullValueCounts)).toEqual(sorted(want.nullValueCounts));
    expect(sorted(got.nanValueCounts)).toEqual(sorted(want.nanValueCounts));
    expect(sorted(got.lowerBounds)).toEqual(sorted(want.lowerBounds));
    expect(sorted(got.upperBounds)).toEqual(sorted(want.upperBounds));
    // list and map leaves get counts but no bounds
    for (const id of [45, 47, 48]) {
      expect(got.valueCounts.has(id)).toBe(true);
      expect(got.lowerBounds.has(id)).toBe(false);
    }
  });

  it.each([4, 5, 6, 7])('matches the brute force on null-free columns, read straight off their arrays (seed %i)', (seed) => {
    const rows = randomRows(schema, 300, prng(seed), { nullRate: 0 });
    const b1 = batchFromRows(schema, rows.slice(0, 120));
    const b2 = batchFromRows(schema, rows.slice(120));
    const got = computeMetrics([b1, b2], schema);
    const want = bruteForce(rows, 16);
    expect(sorted(got.nanValueCounts)).toEqual(sorted(want.nanValueCounts));
    expect(sorted(got.lowerBounds)).toEqual(sorted(want.lowerBounds));
    expect(sorted(got.upperBounds)).toEqual(sorted(want.upperBounds));
  });

  it('orders -0 below 0 and skips NaN on a null-free double column, in any order of the values', () => {
    const s: Schema = { schemaId: 0, fields: [{ id: 1, name: 'a', required: true, type: { type: 'double' } }] };
    const cases: [number[], number, number][] = [
      [[0, -0], -0, 0],
      [[-0, 0], -0, 0],
      [[-0, -0], -0, -0],
      [[Number.NaN, 0, Number.NaN], 0, 0],
      [[Infinity, Infinity], Infinity, Infinity],
      [[1, 0, -0, Number.NaN, -1], -1, 1],
    ];
    for (const [values, lo, hi] of cases) {
      const m = computeMetrics(new arrow.Table([batchFromRows(s, values.map((a) => ({ a })))]), s);
      expect(Object.is(literalFromBytes({ type: 'double' }, m.lowerBounds.get(1)!), lo), `${values} lower`).toBe(true);
      expect(Object.is(literalFromBytes({ type: 'double' }, m.upperBounds.get(1)!), hi), `${values} upper`).toBe(true);
    }
  });

  it('writes no bounds for all-null or all-NaN columns, and orders -0 below 0', () => {
    const s: Schema = {
      schemaId: 0,
      fields: [
        { id: 1, name: 'a', required: false, type: { type: 'double' } },
        { id: 2, name: 'b', required: false, type: { type: 'string' } },
        { id: 3, name: 'c', required: false, type: { type: 'float' } },
      ],
    };
    const rows = [
      { a: Number.NaN, b: null, c: 0 },
      { a: null, b: null, c: -0 },
    ];
    const m = computeMetrics(new arrow.Table([batchFromRows(s, rows)]), s);
    expect(sorted(m.valueCounts)).toEqual([[1, 2], [2, 2], [3, 2]]);
    expect(sorted(m.nullValueCounts)).toEqual([[1, 1], [2, 2], [3, 0]]);
    expect(sorted(m.nanValueCounts)).toEqual([[1, 1], [3, 0]]);
    expect([...m.lowerBounds.keys()]).toEqual([3]);
    expect(Object.is(literalFromBytes({ type: 'float' }, m.lowerBounds.get(3)!), -0)).toBe(true);
    expect(Object.is(literalFromBytes({ type: 'float' }, m.upperBounds.get(3)!), 0)).toBe(true);
  });

  it('truncates string bounds so they still bound (and drops an upper bound that cannot be)', () => {
    const s: Schema = { schemaId: 0, fields: [{ id: 1, name: 's', required: false, type: { type: 'string' } }] };
    const top = String.fromCodePoint(0x10ffff).repeat(20);
    const m = computeMetrics(new arrow.Table([batchFromRows(s, [{ s: 'abcdefghijklmnopqrstuvwxyz' }, { s: top }])]), s);
    expect(literalFromBytes({ type: 'string' }, m.lowerBounds.get(1)!)).toBe('abcdefghijklmnop');
    expect(m.upperBounds.has(1)).toBe(false);
    const m2 = computeMetrics(new arrow.Table([batchFromRows(s, [{ s: 'abcdefghijklmnopqrstuvwxyz' }, { s: 'b' }])]), s);
    expect(literalFromBytes({ type: 'string' }, m2.upperBounds.get(1)!)).toBe('b');
  });

  it('accepts conformed user data (dictionary strings, columns found by field id)', () => {
    const s: Schema = {
      schemaId: 0,
      fields: [
        { id: 1, name: 'k', required: false, type: { type: 'string' } },
        { id: 2, name: 'n', required: false, type: { type: 'long' } },
      ],
    };
    const data = conformToSchema(new arrow.Table({ k: arrow.vectorFromArray(['b', 'a', 'c']), n: arrow.vectorFromArray([3n, -1n, null]) }), s);
    const m = computeMetrics(data, s);
    expect(literalFromBytes({ type: 'string' }, m.lowerBounds.get(1)!)).toBe('a');
    expect(literalFromBytes({ type: 'long' }, m.upperBounds.get(2)!)).toBe(3n);
    expect(m.nullValueCounts.get(2)).toBe(1);
    expect(computeMetrics([], s).valueCounts.get(1)).toBe(0);
  });
});
