/**
 * The CLI's pure parts, in-process: cell rendering, text → Arrow conversion, schema arguments
 * and inference, aligned tables and the progress line.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnFromValues, parseTimestamp, type RawValue } from '../../src/cli/convert-column.js';
import { formatPairs, formatTable } from '../../src/cli/format-table.js';
import { inferColumns } from '../../src/cli/infer-schema.js';
import { Progress, formatBytes } from '../../src/cli/progress.js';
import { schemaFromArg } from '../../src/cli/schema-arg.js';
import { rowsFromCsv } from '../../src/cli/text-rows.js';
import { formatDecimal, formatTimestamp, shortestFloat32, textOf, valueAt } from '../../src/cli/values.js';
import { isFloeError } from '../../src/index.js';
import { parseJson } from '../../src/util/index.js';

const source = { file: 'in.csv', lineOf: (r: number) => r + 2 };

function column(type: arrow.DataType, raw: RawValue[], nullable = true): arrow.Vector {
  return arrow.makeVector(columnFromValues(new arrow.Field('c', type, nullable), raw, { source, parseText: parseJson }));
}

function values(v: arrow.Vector): unknown[] {
  return Array.from({ length: v.length }, (_, i) => valueAt(v, i));
}

describe('text → Arrow → text round trips', () => {
  it.each([
    [new arrow.Int64(), ['9223372036854775807', '-9223372036854775808', null, 5n], [9223372036854775807n, -9223372036854775808n, null, 5n]],
    [new arrow.Int32(), ['2147483647', ' -3 ', 7], [2147483647, -3, 7]],
    [new arrow.Float64(), ['1.5', 'NaN', '-inf', '1e300', 2], [1.5, Number.NaN, Number.NEGATIVE_INFINITY, 1e300, 2]],
    [new arrow.Float32(), ['0.1', '3.4028235e38'], [0.1, 3.4028235e38]],
    [new arrow.Bool(), ['true', 'F', 'yes', '0', true], [true, false, true, false, true]],
    [new arrow.Decimal(2, 10, 128), ['12.3', '-0.05', '.5', '99999999.99', 7], ['12.30', '-0.05', '0.50', '99999999.99', '7.00']],
    [new arrow.Decimal(0, 38, 128), ['-99999999999999999999999999999999999999'], ['-99999999999999999999999999999999999999']],
    [new arrow.DateDay(), ['1970-01-01', '1969-12-31', '2026-02-28'], ['1970-01-01', '1969-12-31', '2026-02-28']],
    [new arrow.TimeMicrosecond(), ['00:00', '23:59:59.999999', '12:00:01'], ['00:00:00', '23:59:59.999999', '12:00:01']],
    [
      new arrow.TimestampMicrosecond('UTC'),
      ['2026-01-05T10:00:00.123456Z', '1969-12-31T23:59:59.999999Z', '2026-01-05 12:00+02:00', '1767607200000000'],
      ['2026-01-05T10:00:00.123456Z', '1969-12-31T23:59:59.999999Z', '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z'],
    ],
    [new arrow.TimestampMicrosecond(), ['2026-01-05T10:00:00'], ['2026-01-05T10:00:00']],
    [new arrow.TimestampNanosecond('UTC'), ['2026-01-05T10:00:00.123456789Z'], ['2026-01-05T10:00:00.123456789Z']],
    [new arrow.Utf8(), ['', 'x', 5, true, { a: 1 }], ['', 'x', '5', 'true', '{"a":1}']],
    [new arrow.Binary(), ['aGk='], ['aGk=']],
    [new arrow.FixedSizeBinary(16), ['6ba7b810-9dad-11d1-80b4-00c04fd430c8'], ['a6e4EJ2tEdGAtADAT9QwyA==']],
    [new arrow.FixedSizeList(3, new arrow.Field('element', new arrow.Float32(), false)), ['[1, 2.5, -3]', [0.5, 0, 1], null], [[1, 2.5, -3], [0.5, 0, 1], null]],
    [new arrow.List(new arrow.Field('element', new arrow.Int64(), true)), ['[1, null, 3]', []], [[1n, null, 3n], []]],
    [new arrow.Struct([new arrow.Field('a', new arrow.Utf8(), true), new arrow.Field('b', new arrow.Int32(), true)]), ['{"a": "x", "b": 2}', { a: null }], [{ a: 'x', b: 2 }, { a: null, b: null }]],
  ] as const)('%s', (type, raw, expected) => {
    expect(values(column(type, [...raw] as RawValue[]))).toEqual(expected);
  });

  it('maps keep their entries', () => {
    const kv = new arrow.Field('entries', new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int32(), true)]), false);
    expect(values(column(new arrow.Map_(kv), ['{"x": 1, "y": null}']))).toEqual([{ x: 1, y: null }]);
  });

  it.each([
    [new arrow.Int32(), '2147483648', 'in.csv:2: column c: 2147483648 is out of range for a 32-bit integer'],
    [new arrow.Int64(), '1.5', '"1.5" is not an integer'],
    [new arrow.Decimal(2, 4, 128), '123.4', 'does not fit decimal(4,2)'],
    [new arrow.DateDay(), '2026-13-01', '2026-13-01 is not a valid date'],
    [new arrow.TimeMicrosecond(), '25:00', '25:00 is not a valid time'],
    [new arrow.TimestampMicrosecond('UTC'), '2026-01-05T10:00:00.1234567Z', 'more fraction digits than the column keeps (6)'],
    [new arrow.FixedSizeBinary(16), 'not-a-uuid!', 'is not base64'],
    [new arrow.FixedSizeList(2, new arrow.Field('element', new arrow.Float32(), false)), '[1, null]', 'a vector element is null'],
    [new arrow.FixedSizeList(2, new arrow.Field('element', new arrow.Float32(), false)), '[1,', 'in.csv:2: column c:'],
  ] as const)('rejects %s %j, naming file, line and column', (type, raw, message) => {
    let caught: unknown;
    try {
      column(type, [raw]);
    } catch (e) {
      caught = e;
    }
    expect(isFloeError(caught, 'SCHEMA_MISMATCH')).toBe(true);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).toMatch(/^in\.csv:2: column c: /);
  });

  it('rejects a missing value in a required column, naming the row', () => {
    expect(() => column(new arrow.Int64(), ['1', null], false)).toThrow('in.csv:3: column c: the column is required but the value is missing');
  });

  it('parses timestamps with offsets and without a zone (UTC)', () => {
    expect(parseTimestamp('2026-01-05T10:00:00-05:30', 1_000_000n)).toBe(parseTimestamp('2026-01-05T15:30:00Z', 1_000_000n));
    expect(parseTimestamp('2026-01-05', 1_000_000n)).toBe(1_767_571_200_000_000n);
    expect(parseTimestamp('yesterday', 1_000_000n)).toBeUndefined();
  });
});

describe('cell text', () => {
  it('formats exact values', () => {
    expect(formatTimestamp(-1n, 1_000_000n, true)).toBe('1969-12-31T23:59:59.999999Z');
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(12345n, 0)).toBe('12345');
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(textOf([1, 2, 3, 4, 5, 6], { maxListItems: 4 })).toBe('[1, 2, 3, 4, …] (6)');
    expect(textOf({ a: 'x', b: null })).toBe('{"a": "x", "b": null}');
    expect(textOf(null)).toBe('');
  });
});

describe('schema arguments', () => {
  it('reads the compact form with fresh ids (assignFreshIds order) and vector properties', () => {
    const { schema, properties } = schemaFromArg('{"id":"long not null","m":"map<string, list<int>>","v":"vector(16)","s":"struct<a: int not null>"}');
    expect(schema.fields.map((f) => [f.id, f.name, f.required])).toEqual([
      [1, 'id', true],
      [2, 'm', false],
      [3, 'v', false],
      [4, 's', false],
    ]);
    expect(schema.fields[1]!.type).toEqual({ type: 'map', keyId: 5, key: { type: 'string' }, valueId: 6, value: { type: 'list', elementId: 7, element: { type: 'int' }, elementRequired: false }, valueRequired: false });
    expect(schema.fields[2]!.type).toEqual({ type: 'list', elementId: 8, element: { type: 'float' }, elementRequired: true });
    expect(schema.fields[3]!.type).toEqual({ type: 'struct', fields: [{ id: 9, name: 'a', required: true, type: { type: 'int' } }] });
    expect(properties).toEqual({ 'floe.column.3.vector-dimension': '16' });
  });

  it('reads an Iceberg schema and reports its problems as validation errors', () => {
    expect(schemaFromArg('{"type":"struct","fields":[{"id":3,"name":"a","required":true,"type":"int"}]}').schema.fields[0]!.id).toBe(3);
    let caught: unknown;
    try {
      schemaFromArg('{"type":"struct","fields":[{"id":3,"name":"a","required":true,"type":"int"},{"id":3,"name":"b","required":true,"type":"int"}]}');
    } catch (e) {
      caught = e;
    }
    expect(isFloeError(caught)).toBe(true);
  });

  it('infers CSV column types from the values', () => {
    const rows = rowsFromCsv('a,b,c,d,e,f,g\n1,1,x,2026-01-01,2026-01-01T00:00:00Z,"[1,2]",\n2,2.5,,2026-01-02,2026-01-01T00:00:00,"[3,4]",\n', 'x.csv');
    expect(inferColumns(rows, { csv: true, parseText: parseJson }).map((c) => c.type)).toEqual(['long', 'double', 'string', 'date', 'string', 'vector(2)', 'string']);
  });
});

describe('aligned tables and progress', () => {
  it('aligns numbers right, text left, and cuts long cells', () => {
    const text = formatTable(['name', 'n'], [['a', '1'], ['bbb', '1,000'], ['x'.repeat(80), 'null']], { maxCellWidth: 10 });
    expect(text).toBe(['name            n', '──────────  ─────', 'a               1', 'bbb         1,000', 'xxxxxxxxx…   null', ''].join('\n'));
    expect(formatPairs([['a', '1'], ['long key', 'v']])).toBe('a         1\nlong key  v\n');
  });

  it('draws rows, MB and rate on a stream, throttled, only when enabled', () => {
    let now = 0;
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) };
    const p = new Progress('scanning ml.t', { stream, enabled: true, nowMs: () => now });
    p.add(1000, 1024 * 1024);
    now = 50;
    p.add(1000, 1024 * 1024); // within 100 ms of the last line: not drawn
    now = 2000;
    p.add(2000, 2 * 1024 * 1024);
    p.done();
    expect(lines).toEqual([
      'scanning ml.t: 1,000 rows, 1.0 MB, 1000.0 MB/s, 1,000,000 rows/s\n',
      'scanning ml.t: 4,000 rows, 4.0 MB, 2.0 MB/s, 2,000 rows/s\n',
      'scanning ml.t: 4,000 rows, 4.0 MB, 2.0 MB/s, 2,000 rows/s\n',
    ]);
    const off: string[] = [];
    const quiet = new Progress('x', { stream: { isTTY: false, write: (s: string) => off.push(s) } });
    quiet.add(1, 1);
    quiet.done();
    expect(off).toEqual([]);
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
