/**
 * What `append`, `overwrite` and `upsert` accept as their `data` argument: Arrow input or an
 * array of plain row objects, converted with the table's schema (never inferred). Anything else
 * is refused with `InvalidArgumentError` naming the argument; a row value that does not fit is
 * refused naming the row, the column and the value; in both cases nothing is committed.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type Schema, type Table, Warehouse } from '../../src/index.js';
import { literalAt, tableFromRows } from '../../src/io/index.js';
import { daysFromCivil, type PrimitiveType } from '../../src/spec/index.js';
import { vectorDimensionProperty } from '../../src/transaction/index.js';

const SCHEMA: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'b', required: false, type: { type: 'boolean' } },
    { id: 2, name: 'i', required: true, type: { type: 'int' } },
    { id: 3, name: 'l', required: false, type: { type: 'long' } },
    { id: 4, name: 'f', required: false, type: { type: 'float' } },
    { id: 5, name: 'd', required: false, type: { type: 'double' } },
    { id: 6, name: 'dec', required: false, type: { type: 'decimal', precision: 10, scale: 2 } },
    { id: 7, name: 'day', required: false, type: { type: 'date' } },
    { id: 8, name: 't', required: false, type: { type: 'time' } },
    { id: 9, name: 'ts', required: false, type: { type: 'timestamp' } },
    { id: 10, name: 'tstz', required: false, type: { type: 'timestamptz' } },
    { id: 11, name: 's', required: false, type: { type: 'string' } },
    { id: 12, name: 'u', required: false, type: { type: 'uuid' } },
    { id: 13, name: 'fx', required: false, type: { type: 'fixed', length: 4 } },
    { id: 14, name: 'bin', required: false, type: { type: 'binary' } },
    {
      id: 15,
      name: 'point',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 16, name: 'x', required: true, type: { type: 'double' } },
          { id: 17, name: 'label', required: false, type: { type: 'string' } },
        ],
      },
    },
    { id: 18, name: 'tags', required: false, type: { type: 'list', elementId: 19, element: { type: 'string' }, elementRequired: false } },
    { id: 20, name: 'attrs', required: false, type: { type: 'map', keyId: 21, key: { type: 'string' }, valueId: 22, value: { type: 'long' }, valueRequired: false } },
    { id: 23, name: 'emb', required: false, type: { type: 'list', elementId: 24, element: { type: 'float' }, elementRequired: true } },
  ],
};
const DIM = 3;
const UUID = 'f79c3e09-677c-4bbd-a479-3f349cb785e7';

let seq = 0;
async function freshTable(): Promise<Table> {
  const wh = await Warehouse.open(`memory://write-input-${++seq}`);
  await wh.createNamespace('ns');
  return wh.createTable('ns.t', SCHEMA, { properties: { [vectorDimensionProperty(23)]: String(DIM) } });
}

const ROWS = [
  {
    b: true,
    i: 42,
    l: 2n ** 60n,
    f: 0.1,
    d: 0.5,
    dec: '12.5',
    day: '2024-02-29',
    t: '12:34:56.789012',
    ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
    tstz: '2024-01-01T00:00:00.000001+01:00',
    s: 'héllo 𝄞',
    u: UUID.toUpperCase(),
    fx: new Uint8Array([1, 2, 3, 4]),
    bin: new Uint8Array([255, 0]),
    point: { x: 1.5, label: 'a' },
    tags: ['a', null],
    attrs: { k: 1n, m: null },
    emb: Float32Array.from([0.25, -1, 3]),
  },
  {
    b: null,
    i: 7n,
    l: -5,
    f: 2,
    d: -0,
    dec: 3,
    day: new Date(Date.UTC(1969, 11, 31)),
    t: 0n,
    ts: 1.5,
    tstz: -1n,
    s: '',
    u: new Uint8Array(16).fill(0xab),
    fx: new Uint8Array(4),
    bin: new Uint8Array(0),
    point: null,
    tags: [],
    attrs: new Map([['z', -3n]]),
    emb: [1, 2, 3],
  },
  { i: -2147483648, dec: 7n, point: { x: Number.NaN } },
];

/** Exact values as Floe's Literals, per primitive column, per row. */
const EXPECTED: Record<string, unknown[]> = {
  b: [true, null, null],
  i: [42, 7, -2147483648],
  l: [2n ** 60n, -5n, null],
  f: [Math.fround(0.1), 2, null],
  d: [0.5, -0, null],
  dec: [1250n, 300n, 700n],
  day: [daysFromCivil(2024, 2, 29), -1, null],
  t: [45_296_789_012n, 0n, null],
  ts: [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) * 1000n, 1500n, null],
  tstz: [BigInt(Date.UTC(2023, 11, 31, 23)) * 1000n + 1n, -1n, null],
  s: ['héllo 𝄞', '', null],
  u: [UUID, 'abababab-abab-abab-abab-abababababab', null],
  fx: [new Uint8Array([1, 2, 3, 4]), new Uint8Array(4), null],
  bin: [new Uint8Array([255, 0]), new Uint8Array(0), null],
};

async function readBack(t: Table): Promise<arrow.Table> {
  return t.scan().toArrow();
}

function bigintSafe(_: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

async function rowsText(t: Table): Promise<string> {
  return JSON.stringify((await readBack(t)).toArray(), bigintSafe);
}

/** Asserts that `write` is refused as InvalidArgumentError matching `message`, and the table is unchanged. */
async function expectRefused(t: Table, write: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = { version: t.version, snapshot: t.currentSnapshot()?.snapshotId, rows: await rowsText(t) };
  const error = await write().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a refusal matching ${message}`).toMatchObject({ code: 'INVALID_ARGUMENT' });
  expect((error as Error).message).toMatch(message);
  await t.refresh();
  expect({ version: t.version, snapshot: t.currentSnapshot()?.snapshotId, rows: await rowsText(t) }).toEqual(before);
}

describe('the data argument of append, overwrite and upsert', () => {
  it('refuses what is neither Arrow nor an array of row objects, naming the argument, and commits nothing', async () => {
    const t = await freshTable();
    await t.append([ROWS[2]!]);
    const shapes: [unknown, RegExp][] = [
      [null, /^argument data must be .*; got null$/],
      [42, /^argument data must be .*; got 42$/],
      ['text', /^argument data must be .*; got "text"$/],
      [undefined, /^argument data must be .*; got undefined$/],
      [{}, /^argument data must be .*; got an object with no keys/],
      [{ i: 1 }, /^argument data must be .*; got an object with keys i/],
      [[1, 2], /^argument data: element 0 is 1; an array must hold plain row objects or Arrow RecordBatches only$/],
      [[{ i: 1 }, new Map()], /^argument data: element 1 is a Map;/],
      [[{ i: 1 }, arrow.tableFromArrays({ i: Int32Array.from([1]) }).batches[0]], /^argument data: element 1 is an Arrow RecordBatch;/],
    ];
    for (const [data, message] of shapes) {
      await expectRefused(t, () => t.append(data as never), message);
      await expectRefused(t, () => t.overwrite(data as never), message);
      await expectRefused(t, () => t.upsert(data as never, { on: ['i'] }), message);
    }
  });

  it('takes plain rows of every type, converted by the table schema, and reads them back exactly', async () => {
    const t = await freshTable();
    await t.append(ROWS);
    const back = await readBack(t);
    expect(back.numRows).toBe(3);
    for (const field of SCHEMA.fields.filter((f) => f.id <= 14)) {
      const column = back.getChild(field.name)!;
      const values = [0, 1, 2].map((r) => literalAt(column, r, field.type as PrimitiveType));
      expect(values, field.name).toEqual(EXPECTED[field.name]);
    }
    const rows = back.toArray().map((r) => r.toJSON() as Record<string, unknown>);
    expect(rows.map((r) => (r['point'] as arrow.StructRow | null)?.toJSON() ?? null)).toEqual([{ x: 1.5, label: 'a' }, null, { x: Number.NaN, label: null }]);
    expect(rows.map((r) => (r['tags'] as arrow.Vector | null)?.toArray() ?? null)).toEqual([['a', null], [], null]);
    expect(rows.map((r) => (r['attrs'] as arrow.MapRow | null)?.toJSON() ?? null)).toEqual([{ k: 1n, m: null }, { z: -3n }, null]);
    expect(arrow.DataType.isFixedSizeList(back.getChild('emb')!.type)).toBe(true);
    expect(rows.map((r) => (r['emb'] ? [...(r['emb'] as arrow.Vector)] : null))).toEqual([[0.25, -1, 3], [1, 2, 3], null]);
  });

  it('writes the same rows whether given as plain objects or as the equivalent Arrow table', async () => {
    const fromRows = await freshTable();
    await fromRows.append(ROWS);
    const fromArrow = await freshTable();
    await fromArrow.append(tableFromRows(ROWS, SCHEMA, { vectorDimensions: new Map([[23, DIM]]) }));
    expect(await rowsText(fromRows)).toEqual(await rowsText(fromArrow));
  });

  it('takes plain rows in overwrite and upsert too', async () => {
    const t = await freshTable();
    await t.append([{ i: 1, s: 'one' }, { i: 2, s: 'two' }]);
    await t.upsert([{ i: 2, s: 'TWO' }, { i: 3, s: 'three' }], { on: ['i'] });
    const read = async (): Promise<unknown[]> => (await t.scan({ columns: ['i', 's'] }).toArrow()).toArray().map((r) => [r.i, r.s]).sort();
    expect(await read()).toEqual([[1, 'one'], [2, 'TWO'], [3, 'three']]);
    await t.overwrite([{ i: 9, s: 'nine' }], { filter: 'i < 3' });
    expect(await read()).toEqual([[3, 'three'], [9, 'nine']]);
  });

  it('reads plain-object map keys as the key type, and fills absent keys with the write-default', async () => {
    const wh = await Warehouse.open(`memory://write-input-${++seq}`);
    await wh.createNamespace('ns');
    const t = await wh.createTable('ns.m', {
      schemaId: 0,
      fields: [
        { id: 1, name: 'id', required: true, type: { type: 'int' } },
        { id: 2, name: 'm', required: false, type: { type: 'map', keyId: 3, key: { type: 'int' }, valueId: 4, value: { type: 'date' }, valueRequired: false } },
        { id: 5, name: 'region', required: true, type: { type: 'string' }, writeDefault: 'eu' },
      ],
    });
    await t.append([{ id: 1, m: { '7': '2024-01-02', '-1': null } }, { id: 2, region: 'us' }]);
    const back = (await t.scan().toArrow()).toArray().map((r) => ({ id: r.id as number, m: (r.m as arrow.MapRow | null)?.toJSON() ?? null, region: r.region as string }));
    expect(back).toEqual([
      { id: 1, m: { 7: Date.UTC(2024, 0, 2), [-1]: null }, region: 'eu' },
      { id: 2, m: null, region: 'us' },
    ]);
    await expectRefused(t, () => t.append([{ id: 3, m: { x: null } }]), /^argument data: row 0, column 'm\.key': "x" does not fit, expected a key readable as Iceberg int/);
  });

  it('treats an empty array as zero rows, as an empty Arrow table is: a snapshot adding nothing', async () => {
    const viaRows = await freshTable();
    await viaRows.append([]);
    const viaArrow = await freshTable();
    await viaArrow.append(new arrow.Table(viaArrow.arrowSchema()));
    for (const t of [viaRows, viaArrow]) {
      expect(t.snapshots().length).toBe(1);
      expect(t.currentSnapshot()!.summary['operation']).toBe('append');
      expect(t.currentSnapshot()!.summary['total-records']).toBe('0');
      expect((await readBack(t)).numRows).toBe(0);
    }
  });

  it('refuses a row value that does not fit, naming the row, the column and the value, and commits nothing', async () => {
    const t = await freshTable();
    await t.append([ROWS[0]!]);
    const good = { i: 1 };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ i: 2 ** 31 }, /row 1, column 'i': 2147483648 does not fit, expected an integer between -2147483648 and 2147483647/],
      [{ i: 1.5 }, /row 1, column 'i': 1\.5 does not fit/],
      [{ i: '3' }, /row 1, column 'i': "3" does not fit, expected a integer for Iceberg int/],
      [{ i: null }, /row 1, column 'i': null does not fit, expected a value: the field is required/],
      [{ s: 'x' }, /row 1, column 'i': undefined does not fit, expected a value: the field is required/],
      [{ i: 1, l: 2 ** 60 }, /row 1, column 'l': 1152921504606847000 does not fit, expected a bigint/],
      [{ i: 1, l: 2n ** 63n }, /row 1, column 'l': 9223372036854775808n does not fit/],
      [{ i: 1, dec: '1.234' }, /row 1, column 'dec': "1\.234" does not fit, expected a decimal with at most 2 fraction digits/],
      [{ i: 1, dec: 123456789012n }, /row 1, column 'dec': 123456789012n does not fit, expected at most 10 digits/],
      [{ i: 1, day: 19000 }, /row 1, column 'day': 19000 does not fit, expected a Date or 'YYYY-MM-DD'/],
      [{ i: 1, t: 86_400_000_000n }, /row 1, column 't': 86400000000n does not fit/],
      [{ i: 1, ts: 'yesterday' }, /row 1, column 'ts': "yesterday" does not fit, expected a timestamp/],
      [{ i: 1, ts: new Date(Number.NaN) }, /row 1, column 'ts': Invalid Date does not fit, expected a valid Date/],
      [{ i: 1, s: 'a\uD800b' }, /row 1, column 's': .* does not fit, expected well-formed text \(it has a lone surrogate/],
      [{ i: 1, s: 5 }, /row 1, column 's': 5 does not fit, expected a string/],
      [{ i: 1, u: 'not-a-uuid' }, /row 1, column 'u': "not-a-uuid" does not fit, expected a uuid/],
      [{ i: 1, fx: new Uint8Array(3) }, /row 1, column 'fx': 3 bytes does not fit, expected a Uint8Array of 4 bytes/],
      [{ i: 1, b: 'true' }, /row 1, column 'b': "true" does not fit, expected a boolean/],
      [{ i: 1, point: 'x' }, /row 1, column 'point': "x" does not fit, expected a plain object/],
      [{ i: 1, point: { x: null } }, /row 1, column 'point\.x': null does not fit, expected a value: the field is required/],
      [{ i: 1, point: { x: 1, extra: 2 } }, /row 1 has key 'point\.extra', which is not a column of table ns\.t/],
      [{ i: 1, tags: 'a' }, /row 1, column 'tags': "a" does not fit, expected an array/],
      [{ i: 1, tags: [1] }, /row 1, column 'tags\.element': 1 does not fit, expected a string/],
      [{ i: 1, attrs: 5 }, /row 1, column 'attrs': 5 does not fit, expected a Map or a plain object/],
      [{ i: 1, attrs: { k: 'v' } }, /row 1, column 'attrs\.value': "v" does not fit/],
      [{ i: 1, emb: [1, 2] }, /row 1, column 'emb': an array of 2 does not fit, expected a vector of 3 numbers, the table's dimension/],
      [{ i: 1, emb: [1, 'x', 3] }, /row 1, column 'emb\.element': "x" does not fit, expected a number/],
      [{ i: 1, nope: 1 }, /row 1 has key 'nope', which is not a column of table ns\.t/],
    ];
    for (const [bad, message] of cases) {
      await expectRefused(t, () => t.append([good, bad]), new RegExp(`^argument data: ${message.source}`));
    }
    await expectRefused(t, () => t.upsert([good, { i: 1.5 }], { on: ['i'] }), /^argument data: row 1, column 'i'/);
    await expectRefused(t, () => t.overwrite([good, { i: 1, nope: 1 }]), /^argument data: row 1 has key 'nope'/);
  });

  it('converts 100k plain rows in reasonable time (figure printed, not asserted)', () => {
    const n = 100_000;
    const rows = Array.from({ length: n }, (_, k) => ({
      i: k,
      l: BigInt(k) * 1_000_003n,
      ts: new Date(1_700_000_000_000 + k * 1000),
      d: k / 7,
      s: `user-${k % 1000}`,
      emb: [k % 3, 0.5, -1],
    }));
    const start = performance.now();
    const table = tableFromRows(rows, SCHEMA, { vectorDimensions: new Map([[23, DIM]]) });
    const ms = performance.now() - start;
    console.log(`tableFromRows: ${n} rows × 6 columns (one a 3-float vector) in ${ms.toFixed(0)} ms`);
    expect(table.numRows).toBe(n);
    expect(table.getChild('l')!.get(n - 1)).toBe(BigInt(n - 1) * 1_000_003n);
  });
});
