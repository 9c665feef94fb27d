/**
 * Vector columns whose files hold a plain `list<float>` (as other engines write them): once the
 * table records the dimension (`floe.column.<field-id>.vector-dimension`), datasets, typed-array
 * views and `nearest` see fixed-size lists.
 */
import * as arrow from 'apache-arrow';
import { expect, it } from 'vitest';
import { Warehouse, vectorColumn } from 'floe';
import { collect } from './fixtures.js';

it('reads list<float> files as FixedSizeList<Float32>[d] once the dimension is recorded', async () => {
  const wh = await Warehouse.open('memory://ml-plain-list');
  await wh.createNamespace('ml');
  const vectors = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.9, 0.1, 0]];
  const data = new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from([0n, 1n, 2n, 3n])),
    emb: arrow.vectorFromArray(vectors, new arrow.List(new arrow.Field('element', new arrow.Float32(), true))),
  });
  const table = await wh.createTable('ml.lists', data.schema);
  await table.append(data);
  const embId = table.schema().fields.find((f) => f.name === 'emb')!.id;
  await table.setProperties({ [`floe.column.${embId}.vector-dimension`]: '3' });

  const ds = await table.dataset({ batchSize: 3 });
  const batches = await collect(ds.reader());
  expect(arrow.DataType.isFixedSizeList(batches[0]!.schema.fields[1]!.type)).toBe(true);
  const all = batches.flatMap((b) => {
    const v = vectorColumn(b, 'emb');
    return Array.from({ length: v.rows }, (_, r) => Array.from(v.values.subarray(r * 3, r * 3 + 3)));
  });
  expect(all.map((v) => v.map((x) => Math.round(x * 10) / 10))).toEqual(vectors);
  const hits = await table.nearest({ column: 'emb', query: [1, 0, 0], k: 2, metric: 'cosine', columns: ['id'] });
  expect(hits.map((h) => Number(h.row.id))).toEqual([0, 3]);
});
