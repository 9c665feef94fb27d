import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnsupportedError } from '../../src/errors.js';
import {
  decodePartitionFields,
  decodePartitionSpec,
  decodeSortOrder,
  encodePartitionSpec,
  encodeSortOrder,
  literalFromString,
  parsePartitionSpec,
  partitionPath,
  partitionType,
  samePartitionFields,
  UNPARTITIONED_SPEC,
  UNSORTED_ORDER,
  type Schema,
} from '../../src/spec/index.js';

const SCHEMA: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'ts', required: false, type: { type: 'timestamptz' } },
    { id: 2, name: 'user_id', required: false, type: { type: 'long' } },
    { id: 3, name: 'name', required: false, type: { type: 'string' } },
    { id: 4, name: 'cat', required: false, type: { type: 'string' } },
    { id: 5, name: 'price', required: false, type: { type: 'decimal', precision: 9, scale: 2 } },
    { id: 6, name: 'loc', required: false, type: { type: 'struct', fields: [{ id: 7, name: 'city', required: false, type: { type: 'string' } }] } },
    { id: 8, name: 'tags', required: false, type: { type: 'list', elementId: 9, element: { type: 'string' }, elementRequired: false } },
    { id: 10, name: 'Event Date', required: false, type: { type: 'date' } },
    { id: 11, name: 'score', required: false, type: { type: 'double' } },
    { id: 12, name: 'seen', required: false, type: { type: 'timestamp' } },
  ],
};
const OPTS = { specId: 0, lastPartitionId: 999 };

describe('parsePartitionSpec', () => {
  it('builds fields with Java default names and fresh ids', () => {
    const spec = parsePartitionSpec('day(ts), bucket(16, user_id), truncate(4, name), identity(cat), loc.city', SCHEMA, OPTS);
    expect(spec).toEqual({
      specId: 0,
      fields: [
        { sourceId: 1, fieldId: 1000, name: 'ts_day', transform: { kind: 'day' } },
        { sourceId: 2, fieldId: 1001, name: 'user_id_bucket', transform: { kind: 'bucket', numBuckets: 16 } },
        { sourceId: 3, fieldId: 1002, name: 'name_trunc', transform: { kind: 'truncate', width: 4 } },
        { sourceId: 4, fieldId: 1003, name: 'cat', transform: { kind: 'identity' } },
        { sourceId: 7, fieldId: 1004, name: 'loc.city', transform: { kind: 'identity' } },
      ],
    });
  });

  it('accepts plural Spark names, either argument order, aliases, quoting', () => {
    const spec = parsePartitionSpec('days(ts) AS d, bucket(user_id, 8), truncate(price, 50), year(`Event Date`), void(score)', SCHEMA, {
      specId: 3,
      lastPartitionId: 1010,
    });
    expect(spec.specId).toBe(3);
    expect(spec.fields.map((f) => [f.name, f.fieldId])).toEqual([
      ['d', 1011],
      ['user_id_bucket', 1012],
      ['price_trunc', 1013],
      ['Event Date_year', 1014],
      ['score_null', 1015],
    ]);
  });

  it('empty text is unpartitioned', () => {
    expect(parsePartitionSpec('  ', SCHEMA, OPTS)).toEqual({ specId: 0, fields: [] });
  });

  it('rejects what Java rejects', () => {
    const bad = (text: string): void => {
      expect(() => parsePartitionSpec(text, SCHEMA, OPTS), text).toThrow(InvalidArgumentError);
    };
    bad('day(nope)'); // no such column
    bad('hour(user_id)'); // transform does not apply
    bad('bucket(score, 4)'); // doubles are not bucketed
    bad('loc'); // not primitive
    bad('tags.element'); // inside a list
    bad('day(ts), hour(ts)'); // redundant time partitions
    bad('cat, cat'); // same field twice
    bad('bucket(0, user_id)'); // non-positive buckets
    bad('day(ts) as cat'); // name of another column
    bad('frobnicate(ts)');
    bad('day(ts');
  });
});

describe('partitionType and partitionPath', () => {
  const spec = parsePartitionSpec('day(ts), bucket(16, user_id), truncate(4, name), cat, hour(seen) as h, price', SCHEMA, {
    specId: 1,
    lastPartitionId: 999,
  });

  it('types tuples with the partition ids and transform result types, all optional', () => {
    expect(partitionType(spec, SCHEMA)).toEqual({
      type: 'struct',
      fields: [
        { id: 1000, name: 'ts_day', required: false, type: { type: 'date' } },
        { id: 1001, name: 'user_id_bucket', required: false, type: { type: 'int' } },
        { id: 1002, name: 'name_trunc', required: false, type: { type: 'string' } },
        { id: 1003, name: 'cat', required: false, type: { type: 'string' } },
        { id: 1004, name: 'h', required: false, type: { type: 'int' } },
        { id: 1005, name: 'price', required: false, type: { type: 'decimal', precision: 9, scale: 2 } },
      ],
    });
  });

  it('fails when a source column is missing from the schema', () => {
    expect(() => partitionType({ specId: 0, fields: [{ sourceId: 99, fieldId: 1000, name: 'x', transform: { kind: 'identity' } }] }, SCHEMA)).toThrow(
      InvalidArgumentError,
    );
  });

  it('types a source column dropped since from an older schema', () => {
    const old = parsePartitionSpec('bucket(4, user_id)', SCHEMA, OPTS);
    const current: Schema = { schemaId: 1, fields: SCHEMA.fields.filter((f) => f.id !== 2) };
    expect(() => partitionType(old, current)).toThrow(InvalidArgumentError);
    expect(partitionType(old, [SCHEMA, current]).fields[0]?.type).toEqual({ type: 'int' });
  });

  it('writes paths as Java does', () => {
    const day = literalFromString({ type: 'date' }, '2026-01-05') as number;
    expect(partitionPath(spec, SCHEMA, [day, 3, 'abcd', 'a b/c', day * 24 + 13, 1420n])).toBe(
      'ts_day=2026-01-05/user_id_bucket=3/name_trunc=abcd/cat=a+b%2Fc/h=2026-01-05-13/price=14.20',
    );
    expect(partitionPath(spec, SCHEMA, [null, null, null, null, null, null])).toBe(
      'ts_day=null/user_id_bucket=null/name_trunc=null/cat=null/h=null/price=null',
    );
    expect(partitionPath(UNPARTITIONED_SPEC, SCHEMA, [])).toBe('');
    expect(() => partitionPath(spec, SCHEMA, [1])).toThrow(InvalidArgumentError);
  });

  it('escapes partition names too', () => {
    const s = parsePartitionSpec('`Event Date`', SCHEMA, OPTS);
    expect(partitionPath(s, SCHEMA, [0])).toBe('Event+Date=1970-01-01');
  });
});

describe('partition spec and sort order codecs', () => {
  it('round-trips a spec through JSON', () => {
    const spec = parsePartitionSpec('day(ts), bucket(16, user_id)', SCHEMA, OPTS);
    const json = encodePartitionSpec(spec);
    expect(json).toEqual({
      'spec-id': 0,
      fields: [
        { name: 'ts_day', transform: 'day', 'source-id': 1, 'field-id': 1000 },
        { name: 'user_id_bucket', transform: 'bucket[16]', 'source-id': 2, 'field-id': 1001 },
      ],
    });
    expect(decodePartitionSpec(json)).toEqual(spec);
  });

  it('assigns v1 field ids from 1000 when they are missing', () => {
    const spec = decodePartitionFields(
      [
        { name: 'x', transform: 'identity', 'source-id': 1 },
        { name: 'y', transform: 'void', 'source-id': 2 },
      ],
      0,
    );
    expect(spec.fields.map((f) => f.fieldId)).toEqual([1000, 1001]);
  });

  it('reports unknown transforms as unsupported, with the path', () => {
    let error: unknown;
    try {
      decodePartitionSpec({ 'spec-id': 0, fields: [{ name: 'x', transform: 'zorder', 'source-id': 1, 'field-id': 1000 }] }, 'f.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).context).toEqual({ file: 'f.json', path: 'fields[0].transform' });
  });

  it('samePartitionFields compares sources, transforms and names, not ids', () => {
    const a = parsePartitionSpec('day(ts), cat', SCHEMA, OPTS);
    const b = parsePartitionSpec('day(ts), cat', SCHEMA, { specId: 5, lastPartitionId: 2000 });
    expect(samePartitionFields(a, b)).toBe(true);
    expect(samePartitionFields(a, parsePartitionSpec('hour(ts), cat', SCHEMA, OPTS))).toBe(false);
    expect(samePartitionFields(a, parsePartitionSpec('day(ts) as d, cat', SCHEMA, OPTS))).toBe(false);
    expect(samePartitionFields(a, parsePartitionSpec('day(ts)', SCHEMA, OPTS))).toBe(false);
  });

  it('round-trips sort orders', () => {
    const json = {
      'order-id': 1,
      fields: [
        { transform: 'identity', 'source-id': 2, direction: 'asc', 'null-order': 'nulls-first' },
        { transform: 'bucket[4]', 'source-id': 3, direction: 'desc', 'null-order': 'nulls-last' },
      ],
    };
    const order = decodeSortOrder(json);
    expect(order.fields[1]).toEqual({ sourceId: 3, transform: { kind: 'bucket', numBuckets: 4 }, direction: 'desc', nullOrder: 'nulls-last' });
    expect(encodeSortOrder(order)).toEqual(json);
    expect(encodeSortOrder(UNSORTED_ORDER)).toEqual({ 'order-id': 0, fields: [] });
    expect(() => decodeSortOrder({ 'order-id': 1, fields: [{ transform: 'identity', 'source-id': 2, direction: 'up', 'null-order': 'nulls-first' }] })).toThrow(
      /fields\[0\]\.direction/,
    );
  });
});
