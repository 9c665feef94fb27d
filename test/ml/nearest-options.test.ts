/**
 * `nearest` checks its options before scanning: the query's dimension against the column's
 * recorded dimension (so a wrong query is refused even when no row would be scanned: an empty
 * table, a filter matching nothing), k, the metric, the query's values and unknown options.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type NearestOptions, type Table, Warehouse } from 'floe';
import { DIM, rows } from './fixtures.js';

let empty: Table;
let full: Table;
const query = Float32Array.from({ length: DIM }, (_, i) => i / DIM);

beforeAll(async () => {
  const wh = await Warehouse.open('memory://nearest-options');
  await wh.createNamespace('ml');
  const schema = rows(1, 0, () => 0).schema;
  empty = await wh.createTable('ml.empty', schema);
  full = await wh.createTable('ml.full', schema);
  await full.append(rows(20, 0, () => 0.25));
});

async function refusal(table: Table, options: Record<string, unknown>): Promise<{ code?: string; message: string; context?: Record<string, unknown> }> {
  return table.nearest(options as unknown as NearestOptions).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as { code?: string; message: string; context?: Record<string, unknown> },
  );
}

describe('nearest refuses a query of the wrong dimension before scanning', () => {
  const cases: [string, () => Table, Record<string, unknown>][] = [
    ['an empty table', () => empty, {}],
    ['a filter matching no row', () => full, { filter: 'id < 0' }],
    ['a table with rows', () => full, {}],
  ];
  for (const [label, table, extra] of cases) {
    it(label, async () => {
      const err = await refusal(table(), { column: 'emb', query: [1, 2, 3], k: 3, ...extra });
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option: 'query', column: 'emb', dim: DIM, queryDim: 3 } });
      expect(err.message).toMatch(/3 dimensions.*emb has 8/);
    });
  }

  it('answers a right query on an empty table or an empty filter with no hits', async () => {
    expect(await empty.nearest({ column: 'emb', query, k: 3 })).toEqual([]);
    expect(await full.nearest({ column: 'emb', query, k: 3, filter: 'id < 0' })).toEqual([]);
  });

  it('refuses a column that is not a vector column, or is not there, even on an empty table', async () => {
    expect(await refusal(empty, { column: 'weight', query: [1], k: 1 })).toMatchObject({ code: 'UNSUPPORTED', context: { column: 'weight' } });
    expect(await refusal(empty, { column: 'nope', query, k: 1 })).toMatchObject({ code: 'INVALID_ARGUMENT', context: { column: 'nope' } });
  });
});

describe('nearest option checks', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['k', { k: 0 }],
    ['k', { k: -1 }],
    ['k', { k: 2.5 }],
    ['k', { k: '3' }],
    ['metric', { metric: 'euclidean' }],
    ['query', { query: 'abc' }],
    ['query', { query: [] }],
    ['query[2]', { query: [0, 0, Number.NaN, 0, 0, 0, 0, 0] }],
    ['query', { query: Float32Array.of(0, 0, Number.POSITIVE_INFINITY, 0, 0, 0, 0, 0) }],
    ['column', { column: '' }],
    ['columns', { columns: 'id' }],
    ['colums', { colums: ['id'] }],
  ];
  for (const [option, patch] of bad) {
    it(`refuses a bad ${option}: ${JSON.stringify(patch, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, async () => {
      for (const table of [empty, full]) {
        const err = await refusal(table, { column: 'emb', query, k: 3, ...patch });
        expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option } });
        expect(err.message).toContain(option);
      }
    });
  }
});
