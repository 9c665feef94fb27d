/**
 * `asOfJoin` checks its options before reading anything: wrong types, unknown options and
 * unknown columns are refused with an InvalidArgumentError naming the option (or column); `on`
 * takes one key column or several, as `Table.upsert` does.
 */
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AsOfJoinOptions, type Table, Warehouse, asOfJoin } from 'floe';

const HOUR_MS = 3_600_000;
const T0_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

let right: Table;
let left: arrow.Table;

function ts(values: readonly number[]): arrow.Vector {
  return arrow.vectorFromArray(values, new arrow.TimestampMicrosecond('UTC'));
}

beforeAll(async () => {
  const wh = await Warehouse.open('memory://asof-join-options');
  await wh.createNamespace('fs');
  const features = new arrow.Table({
    entity_id: arrow.makeVector(BigInt64Array.of(1n, 1n, 2n, 2n)),
    region: arrow.vectorFromArray(['eu', 'eu', 'us', 'eu'], new arrow.Utf8()),
    event_ts: ts([T0_MS, T0_MS + 2 * HOUR_MS, T0_MS, T0_MS + HOUR_MS]),
    value: arrow.makeVector(Float64Array.of(10, 11, 20, 21)),
  });
  right = await wh.createTable('fs.f', features.schema);
  await right.append(features);
  left = new arrow.Table({
    entity_id: arrow.makeVector(BigInt64Array.of(1n, 2n, 2n)),
    region: arrow.vectorFromArray(['eu', 'eu', 'us'], new arrow.Utf8()),
    label_ts: ts([T0_MS + 3 * HOUR_MS, T0_MS + 3 * HOUR_MS, T0_MS + 3 * HOUR_MS]),
  });
});

const base = (): AsOfJoinOptions => ({ left, right, on: 'entity_id', leftTime: 'label_ts', rightTime: 'event_ts', columns: ['value'] });

describe('asOfJoin options', () => {
  it('takes one key column or several', async () => {
    const one = await asOfJoin(base());
    expect([...one.getChild('value')!]).toEqual([11, 21, 21]);
    expect(await asOfJoin({ ...base(), on: ['entity_id'] })).toEqual(one);
    const two = await asOfJoin({ ...base(), on: ['entity_id', 'region'] });
    expect([...two.getChild('value')!]).toEqual([11, 21, 20]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a number as `on`', { on: 42 }, 'on'],
    ['no key column', { on: [] }, 'on'],
    ['an empty key name', { on: ['entity_id', ''] }, 'on[1]'],
    ['a missing leftTime', { leftTime: undefined }, 'leftTime'],
    ['a number as rightTime', { rightTime: 3 }, 'rightTime'],
    ['one column name as a string', { columns: 'value' }, 'columns'],
    ['a column twice', { columns: ['value', 'value'] }, 'columns'],
    ['a negative ttl', { ttl: -1 }, 'ttl'],
    ['a NaN ttl', { ttl: Number.NaN }, 'ttl'],
    ['a ttl as text', { ttl: '1h' }, 'ttl'],
    ['a snapshot id object', { snapshotId: { id: 1 } }, 'snapshotId'],
    ['a fractional maxKeptRows', { maxKeptRows: 1.5 }, 'maxKeptRows'],
    ['a zero maxKeptRows', { maxKeptRows: 0 }, 'maxKeptRows'],
    ['a negative maxPruningKeys', { maxPruningKeys: -1 }, 'maxPruningKeys'],
    ['a misspelt option', { snapshotID: 1 }, 'snapshotID'],
    ['labels that are not an Arrow table', { left: [{ entity_id: 1 }] }, 'left'],
    ['a feature table that is not a Table', { right: { name: 'fs.f' } }, 'right'],
  ];
  for (const [label, patch, option] of bad) {
    it(`refuses ${label}, naming option ${option}`, async () => {
      const err = await asOfJoin({ ...base(), ...patch } as unknown as AsOfJoinOptions).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option } });
      expect((err as Error).message).toContain(option);
    });
  }

  it('refuses unknown columns, naming the column and the side', async () => {
    await expect(asOfJoin({ ...base(), columns: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', context: { column: 'nope' } });
    await expect(asOfJoin({ ...base(), rightTime: 'label_ts' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', context: { column: 'label_ts' } });
    await expect(asOfJoin({ ...base(), leftTime: 'event_ts' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', context: { column: 'event_ts', side: 'left' } });
    await expect(asOfJoin({ ...base(), on: ['entity_id', 'nope'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', context: { column: 'nope' } });
  });
});
