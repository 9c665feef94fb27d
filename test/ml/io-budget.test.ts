/**
 * What a training read costs in requests: planning reads footers by range, and reading a file's
 * row groups one after another fetches the file once (the dataset's small file cache).
 */
import { expect, it } from 'vitest';
import { Table, instrumented, openLocation } from 'floe';
import { collect, embeddingsTable, ids } from './fixtures.js';

it('reads each data file once per unshuffled pass, however many row groups it has', async () => {
  const { table, nextId } = await embeddingsTable({ seed: 16, commits: 3, rowGroupRows: 10 });
  const io = instrumented(openLocation(table.uri).store);
  const counted = await Table.load(table.uri, { store: io });
  const ds = await counted.dataset({ batchSize: 16, columns: ['id'] });
  expect(ds.spec.files.every((f) => f.rowGroups.length >= 4)).toBe(true);
  const isData = (p: string): boolean => p.endsWith('.parquet');
  const footerReads = io.snapshot().events.filter((e) => e.op === 'get' && isData(e.path));
  expect(footerReads.length).toBeGreaterThanOrEqual(3);
  expect(footerReads.every((e) => e.bytes < 70_000)).toBe(true);
  io.reset();
  const got = ids(await collect(ds.reader()));
  expect(new Set(got).size).toBe(nextId);
  const dataGets = io.snapshot().events.filter((e) => e.op === 'get' && isData(e.path));
  expect(dataGets.length).toBe(3);
});
