import { describe, expect, it } from 'vitest';
import {
  bindExpression,
  boundExpressionToString,
  evaluatePartition,
  parseFilter,
  projectInclusive,
  projectStrict,
} from '../../src/expr/index.js';
import type { PartitionSpec, Transform } from '../../src/spec/partition.js';
import { applyTransform } from '../../src/spec/transform.js';
import type { PrimitiveType } from '../../src/spec/types.js';
import { SCHEMA } from './fixtures.js';

let nextFieldId = 1000;
function spec(...fields: [string, number, Transform][]): PartitionSpec {
  return { specId: 0, fields: fields.map(([name, sourceId, transform]) => ({ name, sourceId, transform, fieldId: nextFieldId++ })) };
}

function project(filter: string, s: PartitionSpec): string {
  return boundExpressionToString(projectInclusive(bindExpression(parseFilter(filter), SCHEMA), s, SCHEMA));
}

describe('projectInclusive', () => {
  it('keeps every predicate through identity', () => {
    const s = spec(['i', 2, { kind: 'identity' }], ['s', 9, { kind: 'identity' }], ['d', 4, { kind: 'identity' }]);
    expect(project("i < 5 AND s != 'a'", s)).toBe("i < 5 AND s != 'a'");
    expect(project('i NOT IN (1, 2) OR s IS NULL', s)).toBe('i NOT IN (1, 2) OR s IS NULL');
    expect(project("s NOT LIKE 'ab%'", s)).toBe("s NOT STARTS WITH 'ab'");
    expect(project('d IS NAN OR d IS NOT NAN', s)).toBe('d IS NAN OR d IS NOT NAN');
    expect(project('id = 1', s)).toBe('TRUE');
    const p = projectInclusive(bindExpression(parseFilter('s = \'x\''), SCHEMA), s, SCHEMA);
    expect(p).toMatchObject({ ref: { fieldId: s.fields[1]?.fieldId, position: 1, type: { type: 'string' } } });
  });

  it('projects eq and in through bucket, nothing else', () => {
    const s = spec(['id_bucket', 1, { kind: 'bucket', numBuckets: 16 }]);
    const b = (v: bigint): unknown => applyTransform({ kind: 'bucket', numBuckets: 16 }, { type: 'long' }, v);
    expect(project('id = 34', s)).toBe(`id_bucket = ${String(b(34n))}`);
    expect(project('id IN (1, 2, 3)', s)).toBe(`id_bucket IN (${[...new Set([b(1n), b(2n), b(3n)])].map(String).join(', ')})`);
    expect(project('id < 34', s)).toBe('TRUE');
    expect(project('id != 34', s)).toBe('TRUE');
    expect(project('id NOT IN (1, 2)', s)).toBe('TRUE');
    expect(project("s = 'x' AND id = 34", spec(['sb', 9, { kind: 'bucket', numBuckets: 4 }]))).toMatch(/^sb = \d$/);
  });

  it('projects through truncate on ints, negative values included', () => {
    const s = spec(['i_trunc', 2, { kind: 'truncate', width: 10 }]);
    expect(project('i < 5', s)).toBe('i_trunc <= 0 OR i_trunc >= 2147483646');
    expect(project('i < 0', s)).toBe('i_trunc <= -10 OR i_trunc >= 2147483646');
    expect(project('i <= -1', s)).toBe('i_trunc <= -10 OR i_trunc >= 2147483646');
    expect(project('i > -1', s)).toBe('i_trunc >= 0');
    expect(project('i >= -11', s)).toBe('i_trunc >= -20');
    expect(project('i = -1', s)).toBe('i_trunc = -10');
    expect(project('i IN (-1, -5, 15)', s)).toBe('i_trunc IN (-10, 10)');
    expect(project('i != 5', s)).toBe('TRUE');
    expect(project('i < -2147483648', s)).toBe('FALSE');
    // truncate[10] of -2^31 wraps to 2^31 - 2 (as Java's int arithmetic does): keep those partitions
    expect(project('i < -2147483630', s)).toBe('i_trunc <= -2147483640 OR i_trunc >= 2147483646');
    expect(project('i < -2147483640', s)).toBe('TRUE'); // its own truncation wraps
    expect(project('i > 2147483647', s)).toBe('FALSE');
  });

  it('projects through truncate on longs and decimals', () => {
    expect(project('id >= -3', spec(['t', 1, { kind: 'truncate', width: 4 }]))).toBe('t >= -4');
    // decimal(9,2) with W=50: 10.65 → 10.50 (spec example)
    expect(project('dec = 10.65', spec(['t', 5, { kind: 'truncate', width: 50 }]))).toBe('t = 1050');
    expect(project('dec > 10.65', spec(['t', 5, { kind: 'truncate', width: 50 }]))).toBe('t >= 1050');
    expect(project('dec < -0.01', spec(['t', 5, { kind: 'truncate', width: 50 }]))).toBe('t <= -50');
  });

  it('projects through truncate on strings', () => {
    const s = spec(['s_trunc', 9, { kind: 'truncate', width: 3 }]);
    expect(project("s LIKE 'ab%'", s)).toBe("s_trunc STARTS WITH 'ab'");
    expect(project("s LIKE 'abc%'", s)).toBe("s_trunc STARTS WITH 'abc'");
    expect(project("s LIKE 'abcd%'", s)).toBe("s_trunc = 'abc'");
    expect(project("s NOT LIKE 'ab%'", s)).toBe("s_trunc NOT STARTS WITH 'ab'");
    expect(project("s NOT LIKE 'abcd%'", s)).toBe('TRUE');
    expect(project("s < 'abcz'", s)).toBe("s_trunc <= 'abc'");
    expect(project("s > 'abcz'", s)).toBe("s_trunc >= 'abc'");
    expect(project("s = 'abcdef'", s)).toBe("s_trunc = 'abc'");
    expect(project("s IN ('abcd', 'abce', 'x')", s)).toBe("s_trunc IN ('abc', 'x')");
    expect(project("s != 'abcdef'", s)).toBe('TRUE');
    // code points, not UTF-16 units: '😀😀😀' has 3 code points
    expect(project("s LIKE '😀😀😀%'", s)).toBe("s_trunc STARTS WITH '😀😀😀'");
    expect(project("s LIKE '😀😀😀😀%'", s)).toBe("s_trunc = '😀😀😀'");
  });

  it('projects through day / hour / month / year of timestamps, with care before 1970', () => {
    const day = spec(['ts_day', 7, { kind: 'day' }]);
    expect(project("ts >= '2026-01-01'", day)).toBe('ts_day >= 20454');
    expect(project("ts < '2026-01-01'", day)).toBe('ts_day <= 20453');
    expect(project("ts > '2026-01-01'", day)).toBe('ts_day >= 20454');
    expect(project("ts <= '2026-01-01'", day)).toBe('ts_day <= 20454');
    expect(project("ts = '2026-01-01T10:00:00'", day)).toBe('ts_day = 20454');
    // before the epoch, old Java writers may have put the row one day higher
    expect(project("ts < '1970-01-01'", day)).toBe('ts_day <= 0');
    expect(project("ts <= '1969-12-30T12:00:00'", day)).toBe('ts_day <= -1');
    expect(project("ts = '1969-12-31T12:00:00'", day)).toBe('ts_day IN (-1, 0)');
    expect(project("ts IN ('1969-12-31T12:00:00', '2026-01-01')", day)).toBe('ts_day IN (-1, 20454, 0)');
    expect(project("ts >= '1969-12-31T12:00:00'", day)).toBe('ts_day >= -1');
    expect(project('ts != 0', day)).toBe('TRUE');
    expect(project('ts IS NULL', day)).toBe('ts_day IS NULL');
    const hour = spec(['ts_hour', 7, { kind: 'hour' }]);
    expect(project("ts < '2026-01-01T10:00:00'", hour)).toBe(`ts_hour <= ${20454 * 24 + 9}`);
    expect(project("ts > '2026-01-01T10:59:59.999999'", hour)).toBe(`ts_hour >= ${20454 * 24 + 11}`);
    const month = spec(['ts_month', 8, { kind: 'month' }]);
    expect(project("tstz >= '2026-03-15T00:00:00Z'", month)).toBe(`ts_month >= ${56 * 12 + 2}`);
    expect(project("tstz < '1969-12-01'", month)).toBe('ts_month <= -1');
    const year = spec(['ts_year', 15, { kind: 'year' }]);
    expect(project("tsns < '2026-01-01'", year)).toBe('ts_year <= 55');
  });

  it('projects through year / month / day of dates', () => {
    const y = spec(['y', 6, { kind: 'year' }]);
    expect(project("day < '1969-06-01'", y)).toBe('y <= 0');
    expect(project("day >= '1969-06-01'", y)).toBe('y >= -1');
    expect(project("day = '1969-06-01'", y)).toBe('y IN (-1, 0)');
    expect(project("day < '2026-01-01'", y)).toBe('y <= 55');
    expect(project("day < '2026-01-02'", y)).toBe('y <= 56');
    // day of a date is the date: no widening needed before 1970
    const d = spec(['d', 6, { kind: 'day' }]);
    expect(project("day < '1969-12-01'", d)).toBe('d <= -32');
    expect(project("day = '1969-12-01'", d)).toBe('d = -31');
  });

  it('projects nothing through void, and and-s every field of a source', () => {
    expect(project('i = 5 AND i IS NULL', spec(['v', 2, { kind: 'void' }]))).toBe('TRUE');
    const two = spec(['i_b', 2, { kind: 'bucket', numBuckets: 2 }], ['i_t', 2, { kind: 'truncate', width: 10 }]);
    expect(project('i = 15', two)).toMatch(/^i_b = \d AND i_t = 10$/);
    expect(project('i = 15 OR i > 100', two)).toMatch(/^i_b = \d AND i_t = 10 OR i_t >= 100$/);
    expect(project('FALSE', two)).toBe('FALSE');
    expect(project('NOT (i < 5)', two)).toBe('i_t >= 0');
  });

  it('keeps every partition that holds a matching row (spot check)', () => {
    const s = spec(['ts_day', 7, { kind: 'day' }], ['i_t', 2, { kind: 'truncate', width: 10 }]);
    const bound = bindExpression(parseFilter("ts < '1970-01-01' AND i > -11"), SCHEMA);
    const projected = projectInclusive(bound, s, SCHEMA);
    const row = { ts: -1n, i: -10 };
    const tuple = [applyTransform({ kind: 'day' }, { type: 'timestamp' }, row.ts), applyTransform({ kind: 'truncate', width: 10 }, { type: 'int' } as PrimitiveType, row.i)];
    expect(evaluatePartition(projected, tuple)).toBe(true);
    expect(evaluatePartition(projected, [1, -10])).toBe(false);
    expect(evaluatePartition(projected, [null, -10])).toBe(false);
  });
});

function strict(filter: string, s: PartitionSpec): string {
  return boundExpressionToString(projectStrict(bindExpression(parseFilter(filter), SCHEMA), s, SCHEMA));
}

describe('projectStrict', () => {
  it('claims only partitions where every row matches', () => {
    const id = spec(['s', 9, { kind: 'identity' }]);
    expect(strict("s = 'a' OR s IS NULL", id)).toBe("s = 'a' OR s IS NULL");
    const tr = spec(['i_t', 2, { kind: 'truncate', width: 10 }]);
    expect(strict('i < 15', tr)).toBe('i_t < 10');
    expect(strict('i <= 19', tr)).toBe('i_t < 20');
    expect(strict('i > 15', tr)).toBe('i_t > 10 AND i_t < 2147483646');
    expect(strict('i >= 10', tr)).toBe('i_t > 0 AND i_t < 2147483646');
    expect(strict('i != 15', tr)).toBe('i_t != 10');
    expect(strict('i = 15', tr)).toBe('FALSE');
    const b = spec(['b', 1, { kind: 'bucket', numBuckets: 4 }]);
    expect(strict('id = 5', b)).toBe('FALSE');
    expect(strict('id != 5', b)).toMatch(/^b != \d$/);
    const st = spec(['s_t', 9, { kind: 'truncate', width: 2 }]);
    expect(strict("s LIKE 'a%'", st)).toBe("s_t STARTS WITH 'a'");
    expect(strict("s LIKE 'abc%'", st)).toBe('FALSE');
    expect(strict("s NOT LIKE 'abc%'", st)).toBe("s_t NOT STARTS WITH 'ab'");
    expect(strict("s < 'abc'", st)).toBe("s_t < 'ab'");
  });

  it('keeps date/time projections clear of partitions before 1970', () => {
    const day = spec(['ts_day', 7, { kind: 'day' }]);
    expect(strict("ts >= '2026-01-01'", day)).toBe('ts_day > 20453 AND ts_day >= 1');
    expect(strict("ts < '2026-01-01'", day)).toBe('ts_day < 20454 AND ts_day >= 1');
    expect(strict("ts = '2026-01-01'", day)).toBe('FALSE');
    const p = projectStrict(bindExpression(parseFilter("ts < '2026-01-01'"), SCHEMA), day, SCHEMA);
    expect(evaluatePartition(p, [20000])).toBe(true);
    expect(evaluatePartition(p, [0])).toBe(false);
    expect(evaluatePartition(p, [null])).toBe(false);
    const d = spec(['d', 6, { kind: 'day' }]);
    expect(strict("day < '1969-12-01'", d)).toBe('d < -31');
  });
});
