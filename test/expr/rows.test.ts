import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { bindExpression, parseFilter, rowMask, type Expression } from '../../src/expr/index.js';
import type { Literal } from '../../src/spec/values.js';
import { batchOf, columnData, field, structData } from './arrow-helpers.js';
import { SCHEMA } from './fixtures.js';

const U1 = 'f79c3e09-677c-4bbd-a479-3f349cb785e7';
const U2 = '00000000-0000-0000-0000-000000000001';
const DAY = 86_400_000_000n;

// Five rows; row 4 is mostly null.
const COLS: Record<string, [number, arrow.DataType, (Literal | null)[]]> = {
  id: [1, new arrow.Int64(), [1n, 2n, 3n, 2n ** 60n, 5n]],
  i: [2, new arrow.Int32(), [-5, 0, 7, 2147483647, null]],
  f: [3, new arrow.Float32(), [Math.fround(0.1), NaN, -0, 2.5, null]],
  d: [4, new arrow.Float64(), [0.1, NaN, -0, Infinity, null]],
  dec: [5, new arrow.Decimal(2, 9, 128), [1065n, -1n, 0n, 99999999n, null]],
  day: [6, new arrow.DateDay(), [-1, 0, 20454, 20455, null]],
  ts: [7, new arrow.TimestampMicrosecond(), [-1n, 0n, 20454n * DAY, 20454n * DAY + 1n, null]],
  tstz: [8, new arrow.TimestampMillisecond('UTC'), [-1000n, 0n, 20454n * DAY, 1000n, null]],
  s: [9, new arrow.Utf8(), ['apple', 'apricot', 'banana', '😀', null]],
  b: [10, new arrow.Bool(), [true, false, true, false, null]],
  u: [11, new arrow.FixedSizeBinary(16), [U1, U2, U1, U2, null]],
  bin: [12, new arrow.Binary(), [new Uint8Array([1]), new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([255]), null]],
  t: [14, new arrow.TimeMicrosecond(), [0n, 3_600_000_000n, 1n, 2n, null]],
  tsns: [15, new arrow.TimestampNanosecond(), [-1n, 0n, 1n, 2n, null]],
};

function makeBatch(): arrow.RecordBatch {
  const cols = Object.entries(COLS).map(([name, [fieldId, type, values]]) => ({ name, fieldId, data: columnData(type, values) }));
  const cityF = field('city', new arrow.Utf8(), 21);
  const zipF = field('zip code', new arrow.Int32(), 22);
  const address = structData(
    [cityF, zipF],
    [columnData(new arrow.Utf8(), ['Paris', 'Lyon', 'Paris', 'Nice', 'Paris']), columnData(new arrow.Int32(), [75, 69, null, 6, 75])],
    [true, true, true, true, false],
  );
  const breeds = arrow.vectorFromArray(['Lop', 'Rex', 'Lop', null, 'Angora'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
  return batchOf([...cols, { name: 'address', fieldId: 20, data: address }, { name: 'Breed Name', fieldId: 50, data: breeds.data[0] as arrow.Data }]);
}

const BATCH = makeBatch();

function rows(filter: string | Expression, batch: arrow.RecordBatch = BATCH): number[] {
  const m = rowMask(bindExpression(typeof filter === 'string' ? parseFilter(filter) : filter, SCHEMA), batch, SCHEMA);
  return [...m].flatMap((v, i) => (v === 1 ? [i] : []));
}

describe('rowMask', () => {
  it('compares ints and longs exactly', () => {
    expect(rows('i > 0')).toEqual([2, 3]);
    expect(rows('i <= 0')).toEqual([0, 1]);
    expect(rows('i = 2147483647')).toEqual([3]);
    expect(rows('i != 0')).toEqual([0, 2, 3]); // null row 4 is unknown
    expect(rows('i IN (-5, 7, 9)')).toEqual([0, 2]);
    expect(rows('i NOT IN (-5, 7)')).toEqual([1, 3]);
    expect(rows('i IS NULL')).toEqual([4]);
    expect(rows('id = 1152921504606846976')).toEqual([3]);
    expect(rows('id > 2 AND id < 1152921504606846976')).toEqual([2, 4]);
    expect(rows('i < 5.5')).toEqual([0, 1]);
  });

  it('applies SQL three-valued logic', () => {
    expect(rows('NOT (i > 0)')).toEqual([0, 1]);
    expect(rows('i > 0 OR i IS NULL')).toEqual([2, 3, 4]);
    expect(rows('NOT (i > 0 AND id = 5)')).toEqual([0, 1, 2, 3]);
    expect(rows('NOT (i > 0 OR id = 5)')).toEqual([0, 1]);
    expect(rows('TRUE')).toEqual([0, 1, 2, 3, 4]);
    expect(rows('FALSE')).toEqual([]);
  });

  it('follows IEEE NaN and signed zero', () => {
    expect(rows('f = 0.1')).toEqual([0]);
    expect(rows('f IS NAN')).toEqual([1]);
    expect(rows('f IS NOT NAN')).toEqual([0, 2, 3, 4]);
    expect(rows('f < 1')).toEqual([0, 2]);
    expect(rows('NOT (f < 1)')).toEqual([1, 3]);
    expect(rows('f != 2.5')).toEqual([0, 1, 2]);
    expect(rows('f = 0')).toEqual([2]);
    expect(rows('d > 1')).toEqual([3]);
    expect(rows('d IN (0, 0.1)')).toEqual([0, 2]);
    expect(rows('d NOT IN (0, 0.1)')).toEqual([1, 3]);
  });

  it('reads decimals, dates, times and timestamps of any unit', () => {
    expect(rows('dec = 10.65')).toEqual([0]);
    expect(rows('dec < 0')).toEqual([1]);
    expect(rows('dec >= 999999.99')).toEqual([3]);
    expect(rows("day < '1970-01-01'")).toEqual([0]);
    expect(rows("day >= '2026-01-01'")).toEqual([2, 3]);
    expect(rows("ts < '1970-01-01'")).toEqual([0]);
    expect(rows("ts > '2026-01-01'")).toEqual([3]);
    expect(rows("tstz = '2026-01-01T00:00:00Z'")).toEqual([2]);
    expect(rows('tstz < 0')).toEqual([0]);
    expect(rows('tstz = 1000')).toEqual([3]);
    expect(rows("t >= '01:00'")).toEqual([1]);
    expect(rows('tsns > 0')).toEqual([2, 3]);
  });

  it('compares strings by UTF-8 bytes, prefixes, booleans, uuids and binary', () => {
    expect(rows("s LIKE 'ap%'")).toEqual([0, 1]);
    expect(rows("s NOT LIKE 'ap%'")).toEqual([2, 3]);
    expect(rows("s > 'b'")).toEqual([2, 3]);
    expect(rows("s > '\uffff'")).toEqual([3]); // an astral character sorts above U+FFFF in UTF-8
    expect(rows("s IN ('banana', 'cherry')")).toEqual([2]);
    expect(rows("s = 'apple'")).toEqual([0]);
    expect(rows('b = true')).toEqual([0, 2]);
    expect(rows('b != true')).toEqual([1, 3]);
    expect(rows(`u = '${U1.toUpperCase()}'`)).toEqual([0, 2]);
    expect(rows(`u < '${U1}'`)).toEqual([1, 3]);
    expect(rows("bin = X'01'")).toEqual([0]);
    expect(rows("bin > X'01'")).toEqual([1, 3]);
    expect(rows("bin IN (X'', X'ff')")).toEqual([2, 3]);
  });

  it('finds nested fields and nulls them under a null struct', () => {
    expect(rows("address.city = 'Paris'")).toEqual([0, 2]);
    expect(rows('address.city IS NULL')).toEqual([4]);
    expect(rows('address."zip code" IS NULL')).toEqual([2, 4]);
    expect(rows('address."zip code" > 10')).toEqual([0, 1]);
  });

  it('evaluates dictionary columns through their dictionary', () => {
    expect(rows('"Breed Name" = \'Lop\'')).toEqual([0, 2]);
    expect(rows('"Breed Name" != \'Lop\'')).toEqual([1, 4]);
    expect(rows('"Breed Name" IS NULL')).toEqual([3]);
    expect(rows("\"Breed Name\" LIKE 'A%'")).toEqual([4]);
  });

  it('respects slice offsets', () => {
    const sliced = BATCH.slice(2, 5);
    expect(rows('i > 0', sliced)).toEqual([0, 1]);
    expect(rows("s LIKE 'b%'", sliced)).toEqual([0]);
    expect(rows('b = true', sliced)).toEqual([0]);
    expect(rows("address.city = 'Paris'", sliced)).toEqual([0]);
    expect(rows('dec < 0', BATCH.slice(1, 3))).toEqual([0]);
    expect(rows('"Breed Name" = \'Lop\'', sliced)).toEqual([0]);
  });

  it('finds columns by name without field ids, and treats missing columns as null', () => {
    const plain = arrow.tableFromArrays({ i: Int32Array.from([1, 2, 3]), s: ['a', 'b', null] }).batches[0] as arrow.RecordBatch;
    expect(rows("i >= 2 AND s = 'b'", plain)).toEqual([1]);
    expect(rows('d IS NULL', plain)).toEqual([0, 1, 2]);
    expect(rows('d > 0', plain)).toEqual([]);
    expect(rows('d IS NOT NAN', plain)).toEqual([0, 1, 2]);
  });

  it('handles a large utf8 column and an empty batch', () => {
    const large = batchOf([{ name: 's', fieldId: 9, data: columnData(new arrow.LargeUtf8(), ['x', null, 'yz']) }]);
    expect(rows("s >= 'y'", large)).toEqual([2]);
    const empty = batchOf([{ name: 'i', fieldId: 2, data: columnData(new arrow.Int32(), []) }]);
    expect(rows('i > 0', empty)).toEqual([]);
  });
});
