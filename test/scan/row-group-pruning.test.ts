/**
 * Row groups are skipped by their Parquet statistics exactly when no row in them can match:
 * seeded random data in many small row groups, random range and equality filters on every
 * boundable type (and on types that get no bounds), pruned scans equal the row filter applied
 * to all rows.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { bindExpression, fileMightMatch, parseFilter, rowMask } from '../../src/expr/index.js';
import { conformToSchema, readParquetFooter, rowGroupMetrics, writeParquet } from '../../src/io/index.js';
import { prng } from '../support/prng.js';

const N = 600;
const DAY0 = 20_454; // 2026-01-01
const T0 = 1_767_225_600_000_000n;

function data(random: () => number): arrow.Table {
  const i = Array.from({ length: N }, (_, k) => (random() < 0.05 ? null : k + Math.floor(random() * 5)));
  const l = Array.from({ length: N }, () => BigInt(Math.floor(random() * 1000) - 500));
  const d = Array.from({ length: N }, (_, k) => DAY0 + Math.floor(k / 20));
  const ts = BigInt64Array.from({ length: N }, (_, k) => T0 + BigInt(k) * 1_000_003n);
  return new arrow.Table({
    i: arrow.vectorFromArray(i, new arrow.Int32()),
    l: arrow.vectorFromArray(l, new arrow.Int64()),
    d: arrow.makeVector({ type: new arrow.DateDay(), data: Int32Array.from(d) } as never),
    ts: arrow.makeVector({ type: new arrow.TimestampMicrosecond('UTC'), data: ts } as never),
    s: arrow.vectorFromArray(Array.from({ length: N }, (_, k) => `s${String(k).padStart(4, '0')}`), new arrow.Utf8()),
    f: arrow.vectorFromArray(Array.from({ length: N }, (_, k) => (k % 50 === 0 ? Number.NaN : k / 3)), new arrow.Float64()),
  });
}

function filters(random: () => number): string[] {
  const out: string[] = [];
  const ops = ['<', '<=', '>', '>=', '=', '!='];
  for (let q = 0; q < 60; q++) {
    const op = ops[Math.floor(random() * ops.length)]!;
    const k = Math.floor(random() * N);
    const pick = Math.floor(random() * 6);
    if (pick === 0) out.push(`i ${op} ${k}`);
    else if (pick === 1) out.push(`l ${op} ${Math.floor(random() * 1000) - 500}`);
    else if (pick === 2) out.push(`d ${op} '${new Date((DAY0 + Math.floor(k / 20)) * 86_400_000).toISOString().slice(0, 10)}'`);
    else if (pick === 3) out.push(`ts ${op} '${new Date(Number((T0 + BigInt(k) * 1_000_003n) / 1000n)).toISOString()}'`);
    else if (pick === 4) out.push(`s ${op} 's${String(k).padStart(4, '0')}'`);
    else out.push(`i IS NULL OR (f ${op} ${k / 3} AND i ${op} ${k})`);
  }
  return out;
}

describe('row-group pruning', () => {
  it('pruned scans return exactly the rows the row filter keeps, over 60 seeded filters', async () => {
    const random = prng(1121);
    const wh = await Warehouse.open('memory://row-groups');
    await wh.createNamespace('r');
    const table = data(random);
    const t = await wh.createTable('r.t', table.schema, { properties: { 'write.parquet.row-group-limit': '40' } });
    await t.append(table);
    const all = await t.scan().toArrow();
    expect(all.numRows).toBe(N);
    for (const text of filters(random)) {
      const bound = bindExpression(parseFilter(text), t.schema(), {});
      let expected = 0;
      for (const b of all.batches) expected += rowMask(bound, b, t.schema()).reduce((a, x) => a + x, 0);
      const got = (await t.scan({ filter: text }).toArrow()).numRows;
      expect(got, text).toBe(expected);
    }
  });

  it('gives bounds for int, long, date and timestamp row groups only, and they prune', async () => {
    const random = prng(7);
    const wh = await Warehouse.open('memory://row-groups-2');
    await wh.createNamespace('r');
    const table = data(random);
    const t = await wh.createTable('r.t', table.schema);
    const schema = t.schema();
    const ids = Object.fromEntries(schema.fields.map((f) => [f.name, f.id]));
    const bytes = writeParquet(conformToSchema(table, schema, {}), { rowGroupRows: 100 });
    const metrics = rowGroupMetrics(readParquetFooter(bytes), schema);
    expect(metrics.length).toBe(6);
    for (const m of metrics) {
      expect([...m.lowerBounds!.keys()].sort()).toEqual([ids['i'], ids['l'], ids['d'], ids['ts']].sort());
    }
    const bound = bindExpression(parseFilter('i >= 550'), schema, {});
    const file = { content: 0 as const, filePath: 'x', fileFormat: 'PARQUET', partition: [], fileSizeInBytes: bytes.length };
    const kept = metrics.filter((m) => fileMightMatch(bound, { ...file, ...m }, schema)).length;
    expect(kept).toBe(1);
  });
});
