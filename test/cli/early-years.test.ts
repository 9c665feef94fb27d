/**
 * Dates and timestamps in every year a table can hold round-trip through the CLI: `floe scan`
 * to CSV and JSON lines, then `floe append` of that output, gives back the same values. Years
 * 0001–0099 were refused on the way back in (`Date.UTC` reads them as 1900–1999).
 */
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/node.js';
import { daysFromCivil } from '../../src/spec/index.js';
import { runFloe } from './in-process.js';
import { jsonLines, tempDir } from './support.js';

const root = tempDir('floe-early-years-');
const uri = `memory://cli-early-years-${process.pid}`;
const YEARS = [1, 99, 100, 1969, 9999, 10000];
const US_PER_DAY = 86_400_000_000n;

/** The last microsecond of 31 December of `year`, and midnight of 1 January. */
function rowsOf(): { id: BigInt64Array; day: Int32Array; ts: BigInt64Array; tstz: BigInt64Array } {
  const days = YEARS.flatMap((y) => [daysFromCivil(y, 1, 1), daysFromCivil(y, 12, 31)]);
  return {
    id: BigInt64Array.from(days, (_, i) => BigInt(i)),
    day: Int32Array.from(days),
    ts: BigInt64Array.from(days, (d) => BigInt(d) * US_PER_DAY + US_PER_DAY - 1n),
    tstz: BigInt64Array.from(days, (d) => BigInt(d) * US_PER_DAY + 3_723_000_001n),
  };
}

const SCHEMA = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('day', new arrow.DateDay(), true),
  new arrow.Field('ts', new arrow.TimestampMicrosecond(), true),
  new arrow.Field('tstz', new arrow.TimestampMicrosecond('UTC'), true),
]);

beforeAll(async () => {
  const wh = await Warehouse.open(uri);
  await wh.createNamespace('t');
  for (const name of ['t.src', 't.from_csv', 't.from_jsonl']) await wh.createTable(name, SCHEMA);
  const r = rowsOf();
  const data = (type: arrow.DataType, values: Int32Array | BigInt64Array): arrow.Vector => arrow.makeVector(arrow.makeData({ type, length: values.length, nullCount: 0, data: values } as never));
  const t = await wh.loadTable('t.src');
  await t.append(new arrow.Table({ id: arrow.makeVector(r.id), day: data(new arrow.DateDay(), r.day), ts: data(new arrow.TimestampMicrosecond(), r.ts), tstz: data(new arrow.TimestampMicrosecond('UTC'), r.tstz) }));
});

async function rows(table: string): Promise<Record<string, unknown>[]> {
  const r = await runFloe(['--warehouse', uri, 'scan', table, '--format', 'jsonl']);
  expect(r.code, r.stderr).toBe(0);
  return jsonLines(r.stdout).sort((a, b) => Number(a['id']) - Number(b['id']));
}

describe('dates and timestamps of early and late years', () => {
  it('print as ISO-8601 with four-digit years (and a sign beyond 9999)', async () => {
    const printed = await rows('t.src');
    expect(printed.slice(0, 4)).toEqual([
      { id: '0', day: '0001-01-01', ts: '0001-01-01T23:59:59.999999', tstz: '0001-01-01T01:02:03.000001Z' },
      { id: '1', day: '0001-12-31', ts: '0001-12-31T23:59:59.999999', tstz: '0001-12-31T01:02:03.000001Z' },
      { id: '2', day: '0099-01-01', ts: '0099-01-01T23:59:59.999999', tstz: '0099-01-01T01:02:03.000001Z' },
      { id: '3', day: '0099-12-31', ts: '0099-12-31T23:59:59.999999', tstz: '0099-12-31T01:02:03.000001Z' },
    ]);
    expect(printed.at(-1)).toEqual({ id: '11', day: '+10000-12-31', ts: '+10000-12-31T23:59:59.999999', tstz: '+10000-12-31T01:02:03.000001Z' });
  });

  it.each([['csv'], ['jsonl']])('scan to %s, then append that file: the same values come back', async (format) => {
    const file = path.join(root, `out.${format}`);
    const out = await runFloe(['--warehouse', uri, 'scan', 't.src', '--format', format, '--out', file]);
    expect(out.code, out.stderr).toBe(0);
    const back = await runFloe(['--warehouse', uri, 'append', `t.from_${format}`, file]);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    expect(await rows(`t.from_${format}`)).toEqual(await rows('t.src'));
  });
});
