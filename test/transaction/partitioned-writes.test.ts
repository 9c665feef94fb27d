/**
 * Appends split rows by partition with the spec's transforms applied to the exact values
 * (microsecond timestamps included), and every file's partition tuple is the one its rows map to.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { applyTransform, parseTransform } from '../../src/spec/index.js';

const T0 = 1_767_225_600_000_000n; // 2026-01-01T00:00:00Z in µs

describe('partitioned appends', () => {
  it('computes hour, bucket and identity partitions from exact microsecond timestamps', async () => {
    const wh = await Warehouse.open('memory://partitioned');
    await wh.createNamespace('p');
    const schema = new arrow.Schema([new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), false), new arrow.Field('v', new arrow.Int32(), false)]);
    const t = await wh.createTable('p.t', schema, { partitionBy: 'hour(ts), bucket(4, ts), ts' });
    // values that differ only below the millisecond: a ms-rounding writer would collapse them
    const ts = [T0 + 1n, T0 + 2n, T0 + 999n, T0 + 3_600_000_001n, T0 - 1n];
    await t.append(
      new arrow.Table({
        ts: arrow.makeVector({ type: new arrow.TimestampMicrosecond('UTC'), data: BigInt64Array.from(ts) } as never),
        v: arrow.vectorFromArray(ts.map((_, i) => i), new arrow.Int32()),
      }),
    );
    const plan = await t.scan().planFiles();
    expect(plan.tasks.length).toBe(ts.length); // identity on ts: one file per distinct value
    const tsType = { type: 'timestamptz' } as const;
    const expected = new Set(
      ts.map((v) => JSON.stringify([applyTransform(parseTransform('hour'), tsType, v), applyTransform(parseTransform('bucket[4]'), tsType, v), String(v)])),
    );
    const actual = new Set(plan.tasks.map((task) => JSON.stringify([task.file.partition[0], task.file.partition[1], String(task.file.partition[2])])));
    expect(actual).toEqual(expected);
    // an exact-value filter prunes to the one file and finds the row
    const scan = t.scan({ filter: `ts = '2026-01-01T00:00:00.000999Z'` });
    expect((await scan.planFiles()).tasks.length).toBe(1);
    expect([...((await scan.toArrow()).getChild('v') ?? [])]).toEqual([2]);
  });
});
