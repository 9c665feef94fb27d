import { describe, expect, it } from 'vitest';
import { bindExpression, fileMightMatch, fileMustMatch, manifestMightMatch, parseFilter, projectInclusive } from '../../src/expr/index.js';
import { literalToBytes } from '../../src/spec/bounds.js';
import type { DataFile, FieldSummary } from '../../src/spec/manifest.js';
import type { PartitionSpec } from '../../src/spec/partition.js';
import type { PrimitiveType, Schema, StructType } from '../../src/spec/types.js';
import type { Literal } from '../../src/spec/values.js';

// Modelled on the cases of Java's TestInclusiveMetricsEvaluator (written afresh).
const schema: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'int' } },
    { id: 2, name: 'no_stats', required: false, type: { type: 'int' } },
    { id: 3, name: 'required', required: true, type: { type: 'string' } },
    { id: 4, name: 'all_nulls', required: false, type: { type: 'string' } },
    { id: 5, name: 'some_nulls', required: false, type: { type: 'string' } },
    { id: 6, name: 'no_nulls', required: false, type: { type: 'string' } },
    { id: 7, name: 'all_nans', required: false, type: { type: 'double' } },
    { id: 8, name: 'some_nans', required: false, type: { type: 'float' } },
    { id: 9, name: 'no_nans', required: false, type: { type: 'float' } },
    { id: 10, name: 'all_nulls_double', required: false, type: { type: 'double' } },
    { id: 11, name: 'all_nans_v1_stats', required: false, type: { type: 'float' } },
    { id: 12, name: 'nan_and_null_only', required: false, type: { type: 'double' } },
    { id: 13, name: 'no_nan_stats', required: false, type: { type: 'double' } },
    { id: 14, name: 'str', required: false, type: { type: 'string' } },
    { id: 15, name: 'ts', required: false, type: { type: 'timestamp' } },
  ],
};

function typeOf(id: number): PrimitiveType {
  return schema.fields.find((f) => f.id === id)?.type as PrimitiveType;
}

function bounds(entries: [number, Literal][]): Map<number, Uint8Array> {
  return new Map(entries.map(([id, v]) => [id, literalToBytes(typeOf(id), v)]));
}

const FILE: DataFile = {
  content: 0,
  filePath: 'file.parquet',
  fileFormat: 'PARQUET',
  partition: [],
  recordCount: 50,
  fileSizeInBytes: 10,
  valueCounts: new Map([
    [4, 50], [5, 50], [6, 50], [7, 50], [8, 50], [9, 50], [10, 50], [11, 50], [12, 50], [13, 50], [14, 50],
  ]),
  nullValueCounts: new Map([
    [4, 50], [5, 10], [6, 0], [7, 0], [8, 0], [9, 0], [10, 50], [11, 0], [12, 1], [14, 0],
  ]),
  nanValueCounts: new Map([
    [7, 50], [8, 1], [9, 0], [12, 49],
  ]),
  lowerBounds: bounds([
    [1, 30], [7, NaN], [8, 7], [9, 7], [11, NaN], [13, 1],
    [14, 'abc'],
  ]),
  upperBounds: bounds([
    [1, 79], [7, NaN], [8, 22], [9, 22], [11, NaN], [13, 2],
    [14, 'abe'],
  ]),
};

function might(filter: string, file: DataFile = FILE): boolean {
  return fileMightMatch(bindExpression(parseFilter(filter), schema), file, schema);
}

describe('fileMightMatch', () => {
  it('uses null counts', () => {
    expect(might('all_nulls IS NOT NULL')).toBe(false);
    expect(might('some_nulls IS NOT NULL')).toBe(true);
    expect(might('no_nulls IS NOT NULL')).toBe(true);
    expect(might('all_nulls IS NULL')).toBe(true);
    expect(might('no_nulls IS NULL')).toBe(false);
    expect(might('no_stats IS NULL')).toBe(true);
    expect(might("all_nulls = 'a'")).toBe(false);
    expect(might("all_nulls < 'a'")).toBe(false);
    expect(might("all_nulls LIKE 'a%'")).toBe(false);
    expect(might("all_nulls NOT LIKE 'a%'")).toBe(false);
    expect(might("all_nulls != 'a'")).toBe(false);
    expect(might("all_nulls IN ('a', 'b')")).toBe(false);
    expect(might("all_nulls NOT IN ('a', 'b')")).toBe(false);
    expect(might("some_nulls != 'a'")).toBe(true);
  });

  it('uses NaN counts', () => {
    expect(might('all_nans IS NAN')).toBe(true);
    expect(might('all_nans IS NOT NAN')).toBe(false);
    expect(might('no_nans IS NAN')).toBe(false);
    expect(might('some_nans IS NAN')).toBe(true);
    expect(might('all_nulls_double IS NAN')).toBe(false);
    expect(might('nan_and_null_only IS NOT NAN')).toBe(true);
    expect(might('no_nan_stats IS NAN')).toBe(true);
    expect(might('all_nans < 1')).toBe(false);
    expect(might('all_nans >= 1')).toBe(false);
    expect(might('all_nans = 1')).toBe(false);
    expect(might('all_nans IN (1, 2)')).toBe(false);
    expect(might('all_nans != 1')).toBe(true);
    expect(might('all_nans NOT IN (1, 2)')).toBe(true);
    expect(might('NOT (all_nans < 1)')).toBe(true); // NaN is not < 1
  });

  it('ignores NaN bounds written by old writers', () => {
    expect(might('all_nans_v1_stats < 1')).toBe(true);
    expect(might('all_nans_v1_stats > 1')).toBe(true);
    expect(might('all_nans_v1_stats = 1')).toBe(true);
  });

  it('compares with lower and upper bounds', () => {
    expect(might('id < 30')).toBe(false);
    expect(might('id < 31')).toBe(true);
    expect(might('id <= 29')).toBe(false);
    expect(might('id <= 30')).toBe(true);
    expect(might('id > 79')).toBe(false);
    expect(might('id > 78')).toBe(true);
    expect(might('id >= 80')).toBe(false);
    expect(might('id >= 79')).toBe(true);
    expect(might('id = 29')).toBe(false);
    expect(might('id = 30')).toBe(true);
    expect(might('id = 79')).toBe(true);
    expect(might('id = 80')).toBe(false);
    expect(might('id != 5')).toBe(true);
    expect(might('NOT (id = 5)')).toBe(true);
    expect(might('id IN (5, 6)')).toBe(false);
    expect(might('id IN (5, 30)')).toBe(true);
    expect(might('id IN (80, 81)')).toBe(false);
    expect(might('id NOT IN (30, 40)')).toBe(true);
    expect(might('id < 30 OR id > 79')).toBe(false);
    expect(might('id < 30 OR id = 50')).toBe(true);
    expect(might('id > 5 AND id < 30')).toBe(false);
    expect(might('no_stats < 5 AND id >= 80')).toBe(false);
    expect(might('no_stats < 5')).toBe(true);
    expect(might('some_nans < 7')).toBe(false);
    expect(might('some_nans <= 7')).toBe(true);
    expect(might('no_nan_stats = 1.5')).toBe(true);
    expect(might('no_nan_stats = 2.5')).toBe(false);
  });

  it('passes an in with more values than the limit', () => {
    const many = Array.from({ length: 250 }, (_, k) => k + 100).join(', ');
    expect(might(`id IN (${many})`)).toBe(true);
    expect(might('id IN (1, 2, 3)')).toBe(false);
  });

  it('prunes notEq / notIn when every value is the literal', () => {
    const file: DataFile = {
      ...FILE,
      valueCounts: new Map([[14, 50], [9, 50]]),
      nullValueCounts: new Map([[14, 0], [9, 0]]),
      nanValueCounts: new Map([[9, 0]]),
      lowerBounds: bounds([[14, 'abc'], [1, 5], [9, 1.5]]),
      upperBounds: bounds([[14, 'abc'], [1, 5], [9, 1.5]]),
    };
    expect(might("str != 'abc'", file)).toBe(false);
    expect(might("str != 'abd'", file)).toBe(true);
    expect(might("str NOT IN ('x', 'abc')", file)).toBe(false);
    expect(might('id != 5', file)).toBe(false);
    expect(might('no_nans != 1.5', file)).toBe(false);
    // NaN count unknown for a float: a NaN would differ
    expect(might('no_nans != 1.5', { ...file, nanValueCounts: new Map() })).toBe(true);
  });

  it('handles startsWith and notStartsWith with truncated bounds', () => {
    // str bounds are ['abc', 'abe']
    expect(might("str LIKE 'a%'")).toBe(true);
    expect(might("str LIKE 'ab%'")).toBe(true);
    expect(might("str LIKE 'abd%'")).toBe(true);
    expect(might("str LIKE 'abcdefg%'")).toBe(true);
    expect(might("str LIKE 'abf%'")).toBe(false);
    expect(might("str LIKE 'abb%'")).toBe(false);
    expect(might("str LIKE 'b%'")).toBe(false);
    expect(might("str LIKE 'aa%'")).toBe(false);
    expect(might("str NOT LIKE 'ab%'")).toBe(false);
    expect(might("str NOT LIKE 'abc%'")).toBe(true);
    expect(might("str NOT LIKE 'a%'")).toBe(false);
    expect(might("str NOT LIKE 'b%'")).toBe(true);
    // a truncated upper bound 'ab' (shorter than the prefix) still bounds above
    const file: DataFile = { ...FILE, lowerBounds: bounds([[14, 'aa']]), upperBounds: bounds([[14, 'ab']]) };
    expect(might("str LIKE 'abc%'", file)).toBe(false);
    expect(might("str LIKE 'ab%'", file)).toBe(true);
    expect(might("str LIKE 'aa%'", file)).toBe(true);
  });

  it('treats missing or undecodable stats as unknown, and an empty file as matching nothing', () => {
    const bare: DataFile = { content: 0, filePath: 'x', fileFormat: 'PARQUET', partition: [], recordCount: 5, fileSizeInBytes: 1 };
    expect(might('id = 1000 AND str IS NULL AND all_nans IS NAN', bare)).toBe(true);
    expect(might('TRUE', { ...bare, recordCount: 0 })).toBe(false);
    const corrupt: DataFile = { ...bare, lowerBounds: new Map([[1, new Uint8Array([1, 2])]]), upperBounds: new Map([[14, new Uint8Array([0xff, 0xfe])]]) };
    expect(might('id < 0', corrupt)).toBe(true);
    expect(might("str > 'zzz'", corrupt)).toBe(true);
  });

  it('reads bounds written before a promotion (4-byte date bound of a timestamp)', () => {
    const file: DataFile = {
      ...FILE,
      lowerBounds: new Map([[15, literalToBytes({ type: 'date' }, 10)]]),
      upperBounds: new Map([[15, literalToBytes({ type: 'date' }, 20)]]),
    };
    const day = 86_400_000_000n;
    expect(might(`ts < ${10n * day}`, file)).toBe(false);
    expect(might(`ts <= ${10n * day}`, file)).toBe(true);
  });
});

describe('manifestMightMatch', () => {
  const spec: PartitionSpec = {
    specId: 0,
    fields: [
      { sourceId: 1, fieldId: 1000, name: 'id', transform: { kind: 'identity' } },
      { sourceId: 4, fieldId: 1001, name: 'all_nulls', transform: { kind: 'identity' } },
      { sourceId: 7, fieldId: 1002, name: 'all_nans', transform: { kind: 'identity' } },
      { sourceId: 13, fieldId: 1003, name: 'd', transform: { kind: 'identity' } },
      { sourceId: 14, fieldId: 1004, name: 'str', transform: { kind: 'identity' } },
      { sourceId: 5, fieldId: 1005, name: 'some_nulls', transform: { kind: 'identity' } },
    ],
  };
  const ptype: StructType = {
    type: 'struct',
    fields: spec.fields.map((f) => ({ id: f.fieldId, name: f.name, required: false, type: typeOf(f.sourceId) })),
  };
  const summaries: FieldSummary[] = [
    { containsNull: false, lowerBound: literalToBytes({ type: 'int' }, 30), upperBound: literalToBytes({ type: 'int' }, 79) },
    { containsNull: true },
    { containsNull: false, containsNan: true },
    { containsNull: false, containsNan: false, lowerBound: literalToBytes({ type: 'double' }, 1), upperBound: literalToBytes({ type: 'double' }, 2) },
    { containsNull: false, lowerBound: literalToBytes({ type: 'string' }, 'abc'), upperBound: literalToBytes({ type: 'string' }, 'abe') },
    { containsNull: true, lowerBound: literalToBytes({ type: 'string' }, 'a'), upperBound: literalToBytes({ type: 'string' }, 'z') },
  ];
  const mm = (filter: string, parts: readonly FieldSummary[] | undefined = summaries): boolean =>
    manifestMightMatch(projectInclusive(bindExpression(parseFilter(filter), schema), spec, schema), parts, ptype);

  it('uses bounds', () => {
    expect(mm('id < 30')).toBe(false);
    expect(mm('id <= 30')).toBe(true);
    expect(mm('id > 79')).toBe(false);
    expect(mm('id >= 79')).toBe(true);
    expect(mm('id = 80')).toBe(false);
    expect(mm('id = 50')).toBe(true);
    expect(mm('id IN (1, 2, 100)')).toBe(false);
    expect(mm('id IN (1, 40)')).toBe(true);
    expect(mm('id != 50 AND id NOT IN (1)')).toBe(true);
    expect(mm('no_nan_stats > 2')).toBe(false);
    expect(mm('no_nan_stats >= 2')).toBe(true);
  });

  it('uses contains_null and contains_nan', () => {
    expect(mm('all_nulls IS NULL')).toBe(true);
    expect(mm('all_nulls IS NOT NULL')).toBe(false);
    expect(mm('id IS NULL')).toBe(false);
    expect(mm("all_nulls = 'a'")).toBe(false);
    expect(mm("all_nulls LIKE 'a%'")).toBe(false);
    expect(mm("all_nulls NOT LIKE 'a%'")).toBe(true);
    expect(mm('all_nans IS NAN')).toBe(true);
    expect(mm('all_nans IS NOT NAN')).toBe(false);
    expect(mm('all_nans < 5')).toBe(false);
    expect(mm('all_nans != 5')).toBe(true);
    expect(mm('no_nan_stats IS NAN')).toBe(false);
    expect(mm('no_nan_stats IS NOT NULL')).toBe(true);
  });

  it('prunes on string prefixes', () => {
    expect(mm("str LIKE 'ab%'")).toBe(true);
    expect(mm("str LIKE 'abf%'")).toBe(false);
    expect(mm("str LIKE 'aa%'")).toBe(false);
    expect(mm("str NOT LIKE 'ab%'")).toBe(false);
    expect(mm("str NOT LIKE 'abc%'")).toBe(true);
    expect(mm("some_nulls NOT LIKE 'a%'")).toBe(true);
  });

  it('might match without summaries', () => {
    const projected = projectInclusive(bindExpression(parseFilter('id < 0'), schema), spec, schema);
    expect(manifestMightMatch(projected, undefined, ptype)).toBe(true);
    expect(mm('id < 0', summaries.slice(0, 2))).toBe(true);
  });
});

describe('fileMustMatch', () => {
  const must = (filter: string, file: DataFile = FILE): boolean => fileMustMatch(bindExpression(parseFilter(filter), schema), file, schema);

  it('proves comparisons from bounds when there are no nulls or NaNs', () => {
    // id is required with bounds [30, 79]
    expect(must('id >= 30')).toBe(true);
    expect(must('id > 30')).toBe(false);
    expect(must('id < 80')).toBe(true);
    expect(must('id <= 78')).toBe(false);
    expect(must('id != 29')).toBe(true);
    expect(must('id != 30')).toBe(false);
    expect(must('id NOT IN (1, 2, 80)')).toBe(true);
    expect(must('id NOT IN (1, 50)')).toBe(false);
    expect(must('id = 30')).toBe(false);
    expect(must('id >= 30 AND id <= 79')).toBe(true);
    expect(must('id > 100 OR id >= 30')).toBe(true);
    // no_nans (float, no nulls, no NaN) in [7, 22]
    expect(must('no_nans > 6')).toBe(true);
    // some_nans has a NaN: NaN > 6 is false
    expect(must('some_nans > 6')).toBe(false);
    expect(must('some_nans != 100')).toBe(true);
    // str has no nulls, bounds ['abc', 'abe']
    expect(must("str LIKE 'ab%'")).toBe(true);
    expect(must("str LIKE 'abc%'")).toBe(false);
    expect(must("str NOT LIKE 'b%'")).toBe(true);
    expect(must("str NOT LIKE 'aa%'")).toBe(true);
    expect(must("str NOT LIKE 'abd%'")).toBe(false);
  });

  it('needs null counts for nulls and stats for everything', () => {
    expect(must('all_nulls IS NULL')).toBe(true);
    expect(must('some_nulls IS NULL')).toBe(false);
    expect(must('no_nulls IS NOT NULL')).toBe(true);
    expect(must('some_nulls IS NOT NULL')).toBe(false);
    expect(must("some_nulls != 'zzz'")).toBe(false);
    expect(must('all_nans IS NAN')).toBe(true);
    expect(must('no_nans IS NOT NAN')).toBe(true);
    expect(must('some_nans IS NOT NAN')).toBe(false);
    expect(must('no_stats < 5')).toBe(false);
    expect(must('id = 5', { ...FILE, recordCount: 0 })).toBe(true);
    const single: DataFile = { ...FILE, lowerBounds: bounds([[1, 42]]), upperBounds: bounds([[1, 42]]) };
    expect(must('id = 42', single)).toBe(true);
    expect(must('id IN (1, 42)', single)).toBe(true);
  });
});
