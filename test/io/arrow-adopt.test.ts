/**
 * Arrow objects from another copy of apache-arrow in the same app (real copies: apache-arrow
 * 17 and 19 installed as npm aliases beside Floe's own): tables, record batches and schemas
 * are adopted without copying buffers and write exactly what the same data built with Floe's
 * copy writes; an object from a copy older than 14 (real 13.0.0) or not Arrow at all is
 * refused with an error saying what was found, and nothing is committed.
 */
import * as own from 'apache-arrow';
// @ts-expect-error apache-arrow 13's package.json `exports` give Node's ESM import no types (TS7016)
import * as a13 from 'apache-arrow-13';
import * as a17 from 'apache-arrow-17';
import * as a19 from 'apache-arrow-19';
import { describe, expect, it } from 'vitest';
import { type Table, Warehouse } from '../../src/index.js';
import { adoptTable, literalAt } from '../../src/io/index.js';

type Arrow = typeof own;
const COPIES: readonly [string, Arrow][] = [
  ['apache-arrow 17.0.0', a17 as unknown as Arrow],
  ['apache-arrow 19.0.1', a19 as unknown as Arrow],
];

const N = 5;
const MICROS = [1_700_000_000_123_456n, -1n, 0n, 253_402_300_799_999_999n, 86_400_000_001n];

/** One table of every kind of column, built with the arrow module `a` (so any copy builds the same data). */
function sample(a: Arrow): own.Table {
  const emb = a.makeData({
    type: new a.FixedSizeList(3, new a.Field('element', new a.Float32(), false)),
    length: N,
    nullCount: 0,
    child: a.makeData({ type: new a.Float32(), length: 3 * N, nullCount: 0, data: Float32Array.from({ length: 3 * N }, (_, i) => i / 4 - 1) }),
  });
  const micros = a.makeData({ type: new a.TimestampMicrosecond(), length: N, nullCount: 0, data: BigInt64Array.from(MICROS) });
  const entries = new a.Field('entries', new a.Struct([new a.Field('key', new a.Utf8(), false), new a.Field('value', new a.Int64(), true)]), false);
  return new a.Table({
    i8: a.vectorFromArray([1, -2, null, 127, -128], new a.Int8()),
    u16: a.vectorFromArray([0, 65535, 7, null, 1], new a.Uint16()),
    i32: a.vectorFromArray([2147483647, -2147483648, 0, 5, null], new a.Int32()),
    i64: a.vectorFromArray([1n, -(2n ** 62n), null, 2n ** 53n + 1n, 0n], new a.Int64()),
    s: a.vectorFromArray(['a', 'ü', null, '', '𝄞'], new a.Utf8()),
    ts_ms: a.vectorFromArray([Date.UTC(2024, 0, 1), null, 0, -86_400_000, Date.UTC(2038, 0, 19, 3, 14, 8)], new a.TimestampMillisecond('UTC')),
    ts_us: a.makeVector(micros),
    point: a.vectorFromArray(
      [{ x: 1.5, label: 'a' }, null, { x: -0, label: null }, { x: Number.NaN, label: 'n' }, { x: 2, label: 'z' }],
      new a.Struct([new a.Field('x', new a.Float64(), false), new a.Field('label', new a.Utf8(), true)]),
    ),
    tags: a.vectorFromArray([['a', 'b'], [], null, ['c'], ['d', null]], new a.List(new a.Field('element', new a.Utf8(), true))),
    emb: a.makeVector(emb),
    cat: a.vectorFromArray(['x', 'y', 'x', null, 'y'], new a.Dictionary(new a.Utf8(), new a.Int32())),
    attrs: a.vectorFromArray([new Map([['k', 1n]]), null, new Map(), new Map([['a', null], ['b', 2n]]), new Map([['z', -3n]])], new a.Map_(entries as never)),
  });
}

let seq = 0;
async function freshWarehouse(): Promise<Warehouse> {
  const wh = await Warehouse.open(`memory://arrow-adopt-${++seq}`);
  await wh.createNamespace('ns');
  return wh;
}

function bigintSafe(_: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

/** The table's rows as comparable text (Floe's reads are of its own copy, whatever was written). */
async function rowsText(t: Table): Promise<string> {
  return JSON.stringify((await t.scan().toArrow()).toArray(), bigintSafe);
}

describe.each(COPIES)('a table built with %s', (_label, foreign) => {
  it('creates a table from its schema and appends, reading back what the same data from Floe\'s copy reads', async () => {
    const wh = await freshWarehouse();
    const mine = await wh.createTable('ns.mine', sample(own).schema);
    await mine.append(sample(own));
    const theirs = await wh.createTable('ns.theirs', sample(foreign).schema);
    await theirs.append(sample(foreign));

    expect(theirs.schema().fields).toEqual(mine.schema().fields);
    expect([...theirs.vectorDimensions()]).toEqual([[10, 3]]);
    expect(await rowsText(theirs)).toEqual(await rowsText(mine));
    const back = await theirs.scan().toArrow();
    expect(back.numRows).toBe(N);
    expect(back.getChild('i64')!.get(3)).toBe(2n ** 53n + 1n);
    expect(back.getChild('s')!.get(4)).toBe('𝄞');
    expect([...(back.getChild('emb')!.get(1) as own.Vector)]).toEqual([-0.25, 0, 0.25]);
    expect(MICROS.map((_, i) => literalAt(back.getChild('ts_us')!, i, { type: 'timestamp' }))).toEqual(MICROS);
    expect(back.getChild('cat')!.get(1)).toBe('y');
  });

  it('is accepted as a RecordBatch, an array of RecordBatches, and by overwrite and upsert', async () => {
    const wh = await freshWarehouse();
    const t = await wh.createTable('ns.t', sample(own).schema);
    const data = sample(foreign);
    const twoBatches = data.concat(sample(foreign));
    expect(twoBatches.batches.length).toBe(2);
    await t.append(data.batches[0]!);
    await t.append(twoBatches.batches);
    expect((await t.scan().toArrow()).numRows).toBe(3 * N);
    await t.overwrite(data);
    expect((await t.scan().toArrow()).numRows).toBe(N);
    const keyed = foreign.tableFromArrays({ i32: Int32Array.from([5, 99]), s: ['five', 'new'] });
    await t.upsert(keyed, { on: ['i32'] });
    const back = await t.scan({ columns: ['i32', 's'], filter: 'i32 = 5 OR i32 = 99' }).toArrow();
    expect(back.toArray().map((r) => [r.i32, r.s]).sort()).toEqual([[5, 'five'], [99, 'new']]);
    expect((await t.scan().toArrow()).numRows).toBe(N + 1);
  });

  it('is adopted around the same buffers, not copied', () => {
    const data = sample(foreign);
    const adopted = adoptTable(data, 'data');
    expect(adopted).toBeInstanceOf(own.Table);
    expect(data).not.toBeInstanceOf(own.Table);
    const theirs = data.batches[0]!.data.children;
    const mine = adopted.batches[0]!.data.children;
    expect(mine[3]!.values).toBe(theirs[3]!.values);
    expect(mine[4]!.valueOffsets).toBe(theirs[4]!.valueOffsets);
    expect(mine[8]!.children[0]!.values).toBe(theirs[8]!.children[0]!.values);
    expect(mine[10]!.dictionary!.data[0]!.values).toBe(theirs[10]!.dictionary!.data[0]!.values);
  });
});

/** Asserts that `write` is refused with `code` and `message` and leaves the table as it was. */
async function expectRefusedUnchanged(t: Table, write: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const before = { version: t.version, snapshot: t.currentSnapshot()?.snapshotId, rows: await rowsText(t) };
  await expect(write()).rejects.toSatisfy((e: unknown) => {
    const err = e as { code?: string; message?: string };
    return err.code === code && message.test(err.message ?? '');
  });
  await t.refresh();
  expect({ version: t.version, snapshot: t.currentSnapshot()?.snapshotId, rows: await rowsText(t) }).toEqual(before);
}

describe('Arrow objects Floe cannot adopt', () => {
  it('refuses a table from apache-arrow 13 (the Data layout before 14), saying so', async () => {
    const wh = await freshWarehouse();
    const t = await wh.createTable('ns.t', own.tableFromArrays({ id: Int32Array.from([1]) }).schema);
    await t.append(own.tableFromArrays({ id: Int32Array.from([1]) }));
    const old = (a13 as Arrow).tableFromArrays({ id: Int32Array.from([2]) });
    await expectRefusedUnchanged(t, () => t.append(old as never), 'UNSUPPORTED', /argument data: .*older than Floe can adopt.*own 'nullable' field.*apache-arrow 14 or later/);
    await expectRefusedUnchanged(t, () => t.append(old.batches as never), 'UNSUPPORTED', /apache-arrow 14 or later/);
  });

  it('refuses objects that only look like Arrow, naming the argument and what was found', async () => {
    const wh = await freshWarehouse();
    const t = await wh.createTable('ns.t', own.tableFromArrays({ id: Int32Array.from([1]) }).schema);
    const fakeTable = { [Symbol.toStringTag]: 'Table', schema: { fields: 'id' }, batches: [] };
    await expectRefusedUnchanged(t, () => t.append(fakeTable as never), 'INVALID_ARGUMENT', /argument data: the Arrow Table schema is not a usable apache-arrow object \(fields: /);
    const oldShape = { [Symbol.toStringTag]: 'Table', schema: {}, chunks: [] };
    await expectRefusedUnchanged(t, () => t.append(oldShape as never), 'UNSUPPORTED', /'chunks' where a Table has 'batches'/);
    const fakeBatch = { [Symbol.toStringTag]: 'RecordBatch', schema: own.tableFromArrays({ id: Int32Array.from([1]) }).schema, data: { type: { typeId: 13 }, offset: 0, length: 1, nullCount: 0, children: [42] } };
    await expectRefusedUnchanged(t, () => t.append(fakeBatch as never), 'INVALID_ARGUMENT', /argument data: .*child 0 is not a usable apache-arrow object/);
  });

  it('refuses a foreign schema-like object in createTable instead of reading it as an Iceberg schema', async () => {
    const wh = await freshWarehouse();
    const fake = { [Symbol.toStringTag]: 'Schema', fields: [{ name: 'id', type: {}, nullable: true }], metadata: new Map() };
    await expect(wh.createTable('ns.t', fake as never)).rejects.toThrow(/argument schema: the Arrow Schema is not a usable apache-arrow object \(fields\.0\.type\.typeId: /);
    expect(await wh.tableExists('ns.t')).toBe(false);
  });
});
