import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { conformToSchema, fieldIdOf, readParquet, writeParquet } from '../../src/io/index.js';
import type { Schema } from '../../src/spec/types.js';
import { rowsOf } from './datagen.js';

const schema: Schema = {
  schemaId: 1,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 2, name: 'score', required: false, type: { type: 'double' } },
    { id: 3, name: 'name', required: false, type: { type: 'string' } },
    { id: 4, name: 'ts', required: false, type: { type: 'timestamp' } },
    {
      id: 5,
      name: 'point',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 6, name: 'x', required: true, type: { type: 'int' } },
          { id: 7, name: 'y', required: false, type: { type: 'int' } },
        ],
      },
    },
    { id: 8, name: 'tags', required: false, type: { type: 'list', elementId: 9, element: { type: 'string' }, elementRequired: true } },
    { id: 10, name: 'u', required: false, type: { type: 'uuid' } },
    { id: 11, name: 'status', required: false, type: { type: 'string' }, writeDefault: 'new' },
  ],
};

function table(columns: Record<string, arrow.Vector>): arrow.Table {
  return new arrow.Table(columns);
}

function field(name: string, type: arrow.DataType): arrow.Field {
  return new arrow.Field(name, type, true);
}

function catchError(fn: () => unknown): { code?: string; message: string; context?: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; context: Record<string, unknown> };
  }
  throw new Error('expected an error');
}

describe('conformToSchema', () => {
  it('casts safe widenings by name and fills missing optional columns', () => {
    const point = new arrow.Struct([field('y', new arrow.Int8()), field('x', new arrow.Int16())]);
    const input = table({
      name: arrow.vectorFromArray(['a', 'b', 'a']), // a dictionary column
      id: arrow.vectorFromArray([1, 2, 3], new arrow.Int32()),
      score: arrow.vectorFromArray([0.5, null, 2], new arrow.Float32()),
      ts: arrow.vectorFromArray([1000, 2000, null], new arrow.TimestampMillisecond()),
      point: arrow.vectorFromArray([{ x: 1, y: null }, null, { x: 3, y: 4 }], point),
      tags: arrow.vectorFromArray([['p'], [], null], new arrow.List(field('item', new arrow.LargeUtf8()))),
      u: arrow.vectorFromArray(['F79C3E09-677C-4BBD-A479-3F349CB785E7', null, '00000000-0000-0000-0000-000000000000']),
    });
    const out = conformToSchema(input, schema, { table: 'ns.t' });
    expect(out.schema.fields.map((f) => [f.name, fieldIdOf(f), String(f.type)])).toEqual([
      ['id', 1, 'Int64'],
      ['score', 2, 'Float64'],
      ['name', 3, 'Utf8'],
      ['ts', 4, 'Timestamp<MICROSECOND>'],
      ['point', 5, 'Struct<{x:Int32, y:Int32}>'],
      ['tags', 8, 'List<Utf8>'],
      ['u', 10, 'FixedSizeBinary[16]'],
      ['status', 11, 'Utf8'],
    ]);
    expect(rowsOf(schema, out)).toEqual([
      { id: 1n, score: 0.5, name: 'a', ts: 1_000_000n, point: { x: 1, y: null }, tags: ['p'], u: 'f79c3e09-677c-4bbd-a479-3f349cb785e7', status: 'new' },
      { id: 2n, score: null, name: 'b', ts: 2_000_000n, point: null, tags: [], u: null, status: 'new' },
      { id: 3n, score: 2, name: 'a', ts: null, point: { x: 3, y: 4 }, tags: null, u: '00000000-0000-0000-0000-000000000000', status: 'new' },
    ]);
    // and the result is writable as is
    expect(readParquet(writeParquet(out)).numRows).toBe(3);
  });

  it('accepts an all-null column of any type for an optional field', () => {
    const nulls = arrow.makeVector(arrow.makeData({ type: new arrow.Null(), length: 2 }));
    const out = conformToSchema(table({ id: arrow.vectorFromArray([1n, 2n]), name: nulls, score: arrow.vectorFromArray([null, null], new arrow.Utf8()) }), schema);
    expect(out.getChild('name')!.nullCount).toBe(2);
    expect(out.getChild('score')!.nullCount).toBe(2);
    expect(String(out.getChild('score')!.type)).toBe('Float64');
  });

  it('rejects a missing required column, naming table and field', () => {
    const e = catchError(() => conformToSchema(table({ score: arrow.vectorFromArray([1.5]) }), schema, { table: 'ns.t' }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/ns\.t.*required field 'id' is missing/);
    expect(e.context).toMatchObject({ table: 'ns.t', field: 'id' });
  });

  it('rejects nulls in a required field with the count and the first row (across batches)', () => {
    const b1 = new arrow.Table({ id: arrow.vectorFromArray([1n, 2n]) });
    const b2 = new arrow.Table({ id: arrow.vectorFromArray([3n, null, null], new arrow.Int64()) });
    const input = new arrow.Table([...b1.batches, ...b2.batches.map((b) => new arrow.RecordBatch(b1.schema, b.data))]);
    const e = catchError(() => conformToSchema(input, schema, { table: 'ns.t' }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toContain("required field 'id' has 2 null values (first at row 3)");
    expect(e.context).toMatchObject({ field: 'id', nullCount: 2, firstRow: 3 });
  });

  it('allows nulls in a required struct child only where the struct itself is null', () => {
    const point = new arrow.Struct([field('x', new arrow.Int32()), field('y', new arrow.Int32())]);
    const ok = table({ id: arrow.vectorFromArray([1n, 2n]), point: arrow.vectorFromArray([null, { x: 1, y: 2 }], point) });
    expect(conformToSchema(ok, schema).numRows).toBe(2);
    const bad = table({ id: arrow.vectorFromArray([1n, 2n]), point: arrow.vectorFromArray([{ x: 1, y: 1 }, { x: null, y: 2 }], point) });
    const e = catchError(() => conformToSchema(bad, schema, { table: 't' }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.context).toMatchObject({ field: 'point.x', firstRow: 1 });
  });

  it('rejects a null list element when elements are required', () => {
    const tags = arrow.vectorFromArray([['a', null]], new arrow.List(field('item', new arrow.Utf8())));
    const e = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray([1n]), tags }), schema, { table: 't' }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.context).toMatchObject({ field: 'tags.element', firstRow: 0 });
  });

  it('rejects an incompatible type, naming the field and both types', () => {
    const e = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray(['1']) }), schema, { table: 't' }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/column 'id' is Dictionary<Int32, Utf8>, which cannot be written as Iceberg long/);
    const f = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray([1n]), score: arrow.vectorFromArray(['x'], new arrow.Utf8()) }), schema));
    expect(f.context).toMatchObject({ field: 'score' });
    const g = catchError(() =>
      conformToSchema(table({ id: arrow.vectorFromArray([1n]), ts: arrow.vectorFromArray([1], new arrow.TimestampMillisecond('UTC')) }), schema),
    );
    expect(g.message).toContain('timestamp (without zone) takes no time zone');
  });

  it('rejects nanosecond timestamps that are not whole microseconds, and a bad uuid', () => {
    const ns = arrow.makeVector(
      arrow.makeData({ type: new arrow.TimestampNanosecond(), length: 2, nullCount: 0, data: new BigInt64Array([1000n, 1001n]) }),
    );
    const e = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray([1n, 2n]), ts: ns }), schema));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toContain('row 1');
    const whole = arrow.makeVector(
      arrow.makeData({ type: new arrow.TimestampNanosecond(), length: 2, nullCount: 0, data: new BigInt64Array([1000n, -3000n]) }),
    );
    expect(rowsOf(schema, conformToSchema(table({ id: arrow.vectorFromArray([1n, 2n]), ts: whole }), schema)).map((r) => r['ts'])).toEqual([1n, -3n]);
    const u = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray([1n]), u: arrow.vectorFromArray(['nope'], new arrow.Utf8()) }), schema));
    expect(u.context).toMatchObject({ field: 'u' });
  });

  it('rejects a column the schema does not have, nested ones included', () => {
    const e = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray([1n]), extra: arrow.vectorFromArray([1]) }), schema, { table: 'ns.t' }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toContain("column 'extra' is not in the table schema");
    const point = new arrow.Struct([field('x', new arrow.Int32()), field('z', new arrow.Int32())]);
    const f = catchError(() => conformToSchema(table({ id: arrow.vectorFromArray([1n]), point: arrow.vectorFromArray([{ x: 1, z: 2 }], point) }), schema));
    expect(f.context).toMatchObject({ field: 'point.z' });
  });

  it('checks names even for an empty table', () => {
    const empty = new arrow.Table(new arrow.Schema([field('nope', new arrow.Int32())]));
    expect(catchError(() => conformToSchema(empty, schema)).context).toMatchObject({ field: 'nope' });
    const ok = conformToSchema(new arrow.Table(new arrow.Schema([field('id', new arrow.Int64())])), schema);
    expect(ok.numRows).toBe(0);
    expect(ok.schema.fields).toHaveLength(schema.fields.length);
  });

  it('writes vectors as FixedSizeList and rejects the wrong length', () => {
    const vs: Schema = {
      schemaId: 0,
      fields: [{ id: 1, name: 'v', required: false, type: { type: 'list', elementId: 2, element: { type: 'float' }, elementRequired: true } }],
    };
    const dims = new Map([[1, 3]]);
    const lists = arrow.vectorFromArray([[1, 2, 3], null, [4, 5, 6]], new arrow.List(field('item', new arrow.Float32())));
    const out = conformToSchema(table({ v: lists }), vs, { vectorDimensions: dims });
    expect(String(out.schema.fields[0]!.type)).toBe('FixedSizeList[3]<Float32>');
    expect(rowsOf(vs, out)).toEqual([{ v: [1, 2, 3] }, { v: null }, { v: [4, 5, 6] }]);
    // float64 → float would lose precision: refused
    const doubles = arrow.vectorFromArray([[1, 2, 3]], new arrow.List(field('item', new arrow.Float64())));
    expect(catchError(() => conformToSchema(table({ v: doubles }), vs, { vectorDimensions: dims })).context).toMatchObject({ field: 'v.element' });
    const bad = arrow.vectorFromArray([[1, 2, 3], [1]], new arrow.List(field('item', new arrow.Float32())));
    const e = catchError(() => conformToSchema(table({ v: bad }), vs, { table: 'emb', vectorDimensions: dims }));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.context).toMatchObject({ table: 'emb', field: 'v', row: 1, length: 1, dimension: 3 });
  });
});
