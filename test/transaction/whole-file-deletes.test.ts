/**
 * A delete whose filter covers whole files (a partition, or a file's metrics) removes them
 * without reading them; files it only partly covers are read and rewritten.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, Warehouse, instrumented } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

async function dataGets(filter: string): Promise<{ gets: number; remaining: number; operation: string }> {
  const inner = new MemoryStore();
  const seed = await Warehouse.open('memory://whole', { store: inner });
  await seed.createNamespace('w');
  const t = await seed.createTable('w.t', TABLE_SCHEMA, { partitionBy: 'cat' });
  await t.append(rows(0, 0, 10, 'a'));
  await t.append(rows(1, 0, 10, 'b'));
  const counted = instrumented(inner);
  const table = await (await Warehouse.open('memory://whole', { store: counted })).loadTable('w.t');
  counted.reset();
  const snap = await table.delete(filter);
  const gets = counted.snapshot().events.filter((e) => e.op === 'get' && e.path.endsWith('.parquet')).length;
  return { gets, remaining: (await table.scan().toArrow()).numRows, operation: snap.summary.operation };
}

describe('whole-file deletes', () => {
  it('a filter on a whole partition removes its file unread', async () => {
    expect(await dataGets("cat = 'a'")).toEqual({ gets: 0, remaining: 10, operation: 'delete' });
  });

  it('a filter every row of a file matches by its metrics removes it unread', async () => {
    expect(await dataGets('writer = 1')).toEqual({ gets: 0, remaining: 10, operation: 'delete' });
  });

  it('a filter that matches part of a file reads and rewrites it', async () => {
    expect(await dataGets("cat = 'a' AND seq < 5")).toEqual({ gets: 1, remaining: 15, operation: 'overwrite' });
  });
});
