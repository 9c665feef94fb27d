/**
 * What the iceberg-js tests share: a client of a served warehouse whose every response the
 * harness validates, the IcebergError a call fails with, and rows read back through Floe.
 */
import * as arrow from 'apache-arrow';
import { IcebergError, IcebergRestCatalog, type TableSchema } from 'iceberg-js';
import { expect } from 'vitest';
import type { Served } from './harness.js';

/** The schema the tests create tables with. */
export const SCHEMA: TableSchema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 's', type: 'string', required: false },
  ],
};

/** An iceberg-js client of the served warehouse, every response validated by the harness. */
export function clientOf(s: Served, warehouse: string = s.server.prefix): IcebergRestCatalog {
  return new IcebergRestCatalog({ baseUrl: s.server.url, warehouse, fetch: s.fetch });
}

/** The IcebergError a promise rejects with (the test fails when it resolves). */
export async function failure(p: Promise<unknown>): Promise<IcebergError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(IcebergError);
  return e as IcebergError;
}

/** Rows of SCHEMA with the given ids. */
export function rows(ids: bigint[]): arrow.Table {
  return arrow.tableFromArrays({ id: BigInt64Array.from(ids), s: ids.map((i) => `r${i}`) });
}

/** The ids of a table's rows, read through Floe's library, sorted. */
export async function idsOf(s: Served, name: string): Promise<bigint[]> {
  const t = await (await s.wh.loadTable(name)).scan().toArrow();
  return [...(t.getChild('id')!.toArray() as BigInt64Array)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
