/**
 * Nothing a user hands the public API is mishandled: a malformed filter, option or argument is
 * refused with a typed error naming what is wrong, and the table is unchanged (same version,
 * same snapshots, same rows). Before these checks a malformed filter deleted every row.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Dataset, MemoryStore, Table, Warehouse, and, eq, nearest, not, or, parseFilter, type Expression } from 'floe';
import { metadataChange } from '../../src/transaction/index.js';
import { columnData } from '../expr/arrow-helpers.js';
import { failure } from '../support/failure.js';

async function fresh(name = 'mal'): Promise<{ wh: Warehouse; t: Table }> {
  const wh = await Warehouse.open(`memory://${name}`, { store: new MemoryStore() });
  await wh.createNamespace('b');
  const t = await wh.createTable(
    'b.t',
    new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('name', new arrow.Utf8(), true)]),
  );
  await t.append(new arrow.Table({ id: arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()), name: arrow.vectorFromArray(['a', 'b', 'c']) }));
  return { wh, t };
}

/** Version, snapshot ids, refs and rows of the table as committed (loaded anew). */
async function history(wh: Warehouse, name = 'b.t'): Promise<string> {
  const t = await wh.loadTable(name);
  const rows = (await t.scan().toArrow()).toArray().map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)));
  return `${t.version}|${t.snapshots().map((s) => s.snapshotId).join(',')}|${Object.keys(t.refs()).sort().join(',')}|${JSON.stringify(t.properties())}|${rows.sort().join(';')}`;
}

async function ids(t: Table, filter?: Expression | string): Promise<bigint[]> {
  const rows = await t.scan(filter === undefined ? {} : { filter }).toArrow();
  return [...(rows.getChild('id') ?? [])].map((v) => BigInt(v as bigint)).sort((a, b) => (a < b ? -1 : 1));
}

function cyclic(): unknown {
  const n: { kind: string; child?: unknown } = { kind: 'not' };
  n.child = n;
  return n;
}

function deeplyNested(levels: number): Expression {
  let e: Expression = eq('id', 1);
  for (let i = 0; i < levels; i++) e = i % 2 === 0 ? and(e, eq('name', 'a')) : or(e, eq('name', 'b'));
  return e;
}

/** Malformed filters, each with a pattern its error message must match. */
const MALFORMED: readonly [string, unknown, RegExp][] = [
  ['a plain object of the wrong shape', { kind: 'eq', column: 'id', value: 1 }, /kind/],
  ['an empty object', {}, /kind/],
  ['a String object', new String('id = 1'), /String/],
  ['undefined', undefined, /missing|undefined/],
  ['null', null, /null/],
  ['a number', 42, /number/],
  ['an unknown op', { kind: 'literal', op: 'equals', column: 'id', value: 1 }, /op/],
  ['a missing column', { kind: 'literal', op: 'eq', value: 1 }, /column/],
  ['an object literal value', { kind: 'literal', op: 'eq', column: 'id', value: {} }, /value/],
  ['a NaN literal value', { kind: 'literal', op: 'eq', column: 'id', value: Number.NaN }, /value/],
  ['an and without children', { kind: 'and', children: [] }, /children/],
  ['a bad child deep inside', { kind: 'not', child: { kind: 'or', children: [{ kind: 'true' }, { kind: 'literal', op: 'eq', column: 'id' }] } }, /child\.children\[1\]\.value/],
  ['an unknown key', { kind: 'literal', op: 'eq', column: 'id', value: 1, negate: true }, /negate/],
  ['a cyclic object', cyclic(), /256/],
  ['a built expression nested 5,000 deep', deeplyNested(5000), /256/],
];

describe('a malformed filter is refused and nothing is committed', () => {
  it.each(MALFORMED)('delete(%s): INVALID_ARGUMENT, table unchanged', async (_what, filter, message) => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const e = await failure(t.delete(filter as Expression));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
    expect(e.message).toContain('delete');
    expect(await history(wh)).toBe(before);
  });

  it.each(MALFORMED)('overwrite(data, { filter: %s }): INVALID_ARGUMENT, table unchanged', async (_what, filter, message) => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const data = new arrow.Table({ id: arrow.vectorFromArray([9n], new arrow.Int64()), name: arrow.vectorFromArray(['z']) });
    const e = await failure(t.overwrite(data, { filter: filter as Expression }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
    expect(await history(wh)).toBe(before);
  });

  it.each(MALFORMED.filter(([what]) => what !== 'undefined'))('scan({ filter: %s }): INVALID_ARGUMENT', async (_what, filter, message) => {
    const { t } = await fresh();
    const e = await failure(() => t.scan({ filter: filter as Expression }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
  });

  it('a fileReader filter is validated too', async () => {
    const { t } = await fresh();
    expect((await failure(() => t.fileReader({ filter: {} as Expression }))).code).toBe('INVALID_ARGUMENT');
  });

  it('a plain object of the right shape is a valid expression and deletes exactly its rows', async () => {
    const { t } = await fresh();
    await t.delete({ kind: 'literal', op: 'eq', column: 'id', value: 1 } as Expression);
    expect(await ids(t)).toEqual([2n, 3n]);
    await t.delete({ kind: 'not', child: { kind: 'set', op: 'in', column: 'name', values: ['b'] } } as Expression);
    expect(await ids(t)).toEqual([2n]);
  });

  it('deleting every row takes an explicit TRUE', async () => {
    const { t } = await fresh();
    await t.delete('TRUE');
    expect(await ids(t)).toEqual([]);
  });

  it('a filter string nesting NOT or parentheses 5,000 deep: INVALID_ARGUMENT naming the limit, no crash', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    for (const text of [`${'NOT '.repeat(5000)}id = 1`, `${'('.repeat(5000)}id = 1${')'.repeat(5000)}`]) {
      const e = await failure(t.delete(text));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/256/);
    }
    expect(await history(wh)).toBe(before);
    // 256 levels are fine.
    expect(parseFilter(`${'NOT '.repeat(255)}id = 1`)).toEqual(not(eq('id', 1)));
  });
});

describe('scan options are validated', () => {
  const bad: readonly [string, Record<string, unknown>, RegExp][] = [
    ['snapshotId {}', { snapshotId: {} }, /snapshotId/],
    ['columns as a string', { columns: 'id' }, /columns/],
    ['concurrency NaN', { concurrency: Number.NaN }, /concurrency/],
    ['concurrency 0', { concurrency: 0 }, /concurrency/],
    ['limit as a string', { limit: '5' }, /limit/],
    ['limit NaN', { limit: Number.NaN }, /limit/],
    ['ref as a number', { ref: 5 }, /ref/],
    ['asOf as an object', { asOf: {} }, /asOf/],
    ['caseSensitive as a string', { caseSensitive: 'no' }, /caseSensitive/],
    ['a misspelt option', { snapshotID: 5n }, /snapshotID/],
  ];
  it.each(bad)('scan({ %s }): INVALID_ARGUMENT naming the option', async (_what, options, message) => {
    const { t } = await fresh();
    const e = await failure(() => t.scan(options as never));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
  });

  it('scan(null) or a non-object: INVALID_ARGUMENT', async () => {
    const { t } = await fresh();
    expect((await failure(() => t.scan(null as never))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(() => t.scan('id = 1' as never))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('locations with control characters', () => {
  it('Table.load and Warehouse.open of a URI with NUL: INVALID_ARGUMENT naming the argument', async () => {
    for (const uri of ['memory://x/a\u0000b', 'file:///tmp/a\u0000b', '/tmp/a\u0000b', 'file:///tmp/a%00b', 's3://bucket/a\nb']) {
      const e1 = await failure(Table.load(uri));
      expect(e1.code, uri).toBe('INVALID_ARGUMENT');
      expect(e1.message, uri).toMatch(/uri/);
      const e2 = await failure(Warehouse.open(uri));
      expect(e2.code, uri).toBe('INVALID_ARGUMENT');
      expect(e2.message, uri).toMatch(/uri/);
    }
    expect((await failure(Table.load('file:///tmp/%zz'))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(Table.load(undefined as never))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('refs, rollback and expiry', () => {
  it('removeRef of an unknown ref: REF_NOT_FOUND, nothing committed', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const e = await failure(t.removeRef('nope'));
    expect(e.code).toBe('REF_NOT_FOUND');
    expect(e.message).toContain('nope');
    expect(await history(wh)).toBe(before);
  });

  it('rollbackTo a tag or a branch rolls back to its snapshot', async () => {
    const { t } = await fresh();
    await t.createTag('v1');
    await t.createBranch('b1');
    await t.delete('id = 1');
    const rolled = await t.rollbackTo('v1');
    expect(rolled.snapshotId).toBe(t.refs()['v1']!.snapshotId);
    expect(await ids(t)).toEqual([1n, 2n, 3n]);
    await t.delete('id = 2');
    await t.rollbackTo('b1');
    expect(await ids(t)).toEqual([1n, 2n, 3n]);
  });

  it('rollbackTo an unknown ref or snapshot: a typed error, nothing committed', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    expect((await failure(t.rollbackTo('nope'))).code).toBe('REF_NOT_FOUND');
    expect((await failure(t.rollbackTo('12345'))).code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await failure(t.rollbackTo({} as never))).code).toBe('INVALID_ARGUMENT');
    expect(await history(wh)).toBe(before);
  });

  it('expireSnapshots with malformed options: INVALID_ARGUMENT naming the option, nothing committed', async () => {
    const { wh, t } = await fresh();
    await t.append(new arrow.Table({ id: arrow.vectorFromArray([4n], new arrow.Int64()), name: arrow.vectorFromArray(['d']) }));
    const before = await history(wh);
    for (const [options, name] of [
      [{ olderThanMs: Number.NaN }, 'olderThanMs'],
      [{ olderThanMs: '2026-01-01' }, 'olderThanMs'],
      [{ retainLast: 0 }, 'retainLast'],
      [{ cleanFiles: 'no' }, 'cleanFiles'],
      [{ olderThan: 5 }, 'olderThan'],
    ] as const) {
      const e = await failure(t.expireSnapshots(options as never));
      expect(e.code, name).toBe('INVALID_ARGUMENT');
      expect(e.message, name).toContain(name);
    }
    expect(await history(wh)).toBe(before);
  });
});

describe('commit.retry.* properties', () => {
  it('setProperties with a malformed commit.retry value: INVALID_ARGUMENT naming it, nothing committed', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    for (const [key, value] of [
      ['commit.retry.num-retries', 'abc'],
      ['commit.retry.num-retries', '-1'],
      ['commit.retry.min-wait-ms', '1.5'],
      ['commit.retry.max-wait-ms', ''],
      ['commit.retry.total-timeout-ms', 'NaN'],
      ['commit.retry.num-retries', 5],
    ] as const) {
      const e = await failure(t.setProperties({ [key]: value } as never));
      expect(e.code, `${key}=${value}`).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(key);
    }
    expect(await history(wh)).toBe(before);
    await t.setProperties({ 'commit.retry.num-retries': '7' });
    expect(t.properties()['commit.retry.num-retries']).toBe('7');
  });

  it('createTable with a malformed commit.retry value: INVALID_ARGUMENT, no table', async () => {
    const { wh } = await fresh();
    const e = await failure(wh.createTable('b.u', { id: 'long' }, { properties: { 'commit.retry.min-wait-ms': 'soon' } }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('commit.retry.min-wait-ms');
    expect(await wh.tableExists('b.u')).toBe(false);
  });
});

describe('commit.retry.* stored by another writer', () => {
  it('a malformed stored value fails the commit that needs a retry with VALIDATION naming it, and is never read as the default', async () => {
    const { wh, t } = await fresh();
    // Another writer, not through setProperties, stored a value Floe refuses to set.
    await t.commit(() => metadataChange(() => ({ updates: [{ action: 'set-properties', updates: { 'commit.retry.num-retries': 'four' } }], result: undefined })));
    const stale = await wh.loadTable('b.t');
    await t.append(new arrow.Table({ id: arrow.vectorFromArray([4n], new arrow.Int64()), name: arrow.vectorFromArray(['d']) }));
    const before = await history(wh);
    // The stale writer loses the commit point and needs a retry, which needs the budget.
    const e = await failure(stale.append(new arrow.Table({ id: arrow.vectorFromArray([5n], new arrow.Int64()), name: arrow.vectorFromArray(['e']) })));
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain('commit.retry.num-retries');
    expect(e.message).toContain('"four"');
    expect(await history(wh)).toBe(before);
    // The commit that fixes it needs no retry, so it goes through; then the stale writer's does.
    await t.setProperties({ 'commit.retry.num-retries': '4' });
    await stale.refresh();
    await stale.append(new arrow.Table({ id: arrow.vectorFromArray([5n], new arrow.Int64()), name: arrow.vectorFromArray(['e']) }));
    expect(await ids(stale)).toEqual([1n, 2n, 3n, 4n, 5n]);
  });
});

describe('ml entry points check their filters through the same door', () => {
  it('Dataset.create and nearest refuse a malformed filter', async () => {
    const { t } = await fresh();
    expect((await failure(Dataset.create(t, { filter: {} as Expression }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(nearest(t, { column: 'id', query: new Float32Array([1]), k: 1, filter: { kind: 'eq' } as unknown as Expression }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('upsert keys', () => {
  it('on: a single column name works like a one-element list', async () => {
    const { t } = await fresh();
    await t.upsert(new arrow.Table({ id: arrow.vectorFromArray([2n, 4n], new arrow.Int64()), name: arrow.vectorFromArray(['B', 'd']) }), { on: 'id' });
    const rows = (await t.scan().toArrow()).toArray().map((r) => `${r.id}:${r.name}`).sort();
    expect(rows).toEqual(['1:a', '2:B', '3:c', '4:d']);
  });

  it('on: empty, unknown or duplicated columns: INVALID_ARGUMENT, nothing committed', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const data = new arrow.Table({ id: arrow.vectorFromArray([2n], new arrow.Int64()), name: arrow.vectorFromArray(['B']) });
    for (const on of [[], '', ['nope'], ['id', 'id'], 5, undefined]) {
      const e = await failure(t.upsert(data, { on } as never));
      expect(e.code, JSON.stringify(on)).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/\bon\b|nope/);
    }
    expect(await history(wh)).toBe(before);
  });
});

describe('createTable takes the schema shorthand of floe create --schema', () => {
  it('as an object and as a JSON string, with vector columns', async () => {
    const { wh } = await fresh();
    const a = await wh.createTable('b.a', { user_id: 'long not null', ts: 'timestamptz', emb: 'vector(3)', tags: 'list<string>' });
    expect(a.schema().fields.map((f) => [f.id, f.name, f.required])).toEqual([
      [1, 'user_id', true],
      [2, 'ts', false],
      [3, 'emb', false],
      [4, 'tags', false],
    ]);
    expect([...a.vectorDimensions()]).toEqual([[3, 3]]);
    const b = await wh.createTable('b.b', '{"user_id":"long not null","d":"decimal(38,10)"}');
    expect(b.schema().fields[1]!.type).toEqual({ type: 'decimal', precision: 38, scale: 10 });
  });

  it('a malformed shorthand: INVALID_ARGUMENT naming the column, no table', async () => {
    const { wh } = await fresh();
    for (const [schema, message] of [
      [{ id: 'long', x: 'lng' }, /\bx\b/],
      [{ id: 5 }, /\bid\b/],
      [{}, /no columns/],
      ['{"id":', /JSON/],
      [42, /schema/],
    ] as const) {
      const e = await failure(wh.createTable('b.c', schema as never));
      expect(e.code, String(schema)).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(message);
    }
    expect(await wh.tableExists('b.c')).toBe(false);
  });
});

describe('numeric literals keep their exact text', () => {
  async function decimalTable(): Promise<Table> {
    const wh = await Warehouse.open('memory://dec', { store: new MemoryStore() });
    await wh.createNamespace('b');
    const t = await wh.createTable('b.d', { id: 'long not null', d: 'decimal(38,10)' });
    const unscaled = [123456789012345678901234567890n, 123456789012345678901234567891n, 10n ** 10n];
    const ids = [9007199254740993n, 9007199254740992n, 1n];
    await t.append(new arrow.Table({
      id: arrow.makeVector(columnData(new arrow.Int64(), ids)),
      d: arrow.makeVector(columnData(new arrow.Decimal(10, 38, 128), unscaled)),
    }));
    return t;
  }

  it('a decimal(38,10) filter with a 30-digit unquoted literal returns exactly its row; delete removes exactly it', async () => {
    const t = await decimalTable();
    expect(await ids(t, 'd = 12345678901234567890.1234567890')).toEqual([9007199254740993n]);
    expect(await ids(t, 'd = 12345678901234567890.1234567891')).toEqual([9007199254740992n]);
    expect(await ids(t, 'd > 12345678901234567890.1234567890')).toEqual([9007199254740992n]);
    expect(await ids(t, 'd IN (12345678901234567890.12345678905, 1.0)')).toEqual([1n]);
    expect(await ids(t, 'd = -12345678901234567890.1234567890')).toEqual([]);
    await t.delete('d = 12345678901234567890.1234567890');
    expect(await ids(t)).toEqual([1n, 9007199254740992n]);
  });

  it('a long filter with an integer beyond 2^53 is exact', async () => {
    const t = await decimalTable();
    expect(await ids(t, 'id = 9007199254740993')).toEqual([9007199254740993n]);
    expect(await ids(t, 'id = 9007199254740993.0')).toEqual([9007199254740993n]);
    expect(await ids(t, 'id < 9007199254740992.5')).toEqual([1n, 9007199254740992n]);
  });
});
