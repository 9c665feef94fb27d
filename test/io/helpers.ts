// Test helpers for test/io: Arrow fields with field ids, tables from columns, a seeded PRNG.
import * as arrow from 'apache-arrow';

/** An Arrow field carrying a Parquet field id. */
export function idField(name: string, type: arrow.DataType, id: number, nullable = true): arrow.Field {
  return new arrow.Field(name, type, nullable, new Map([['PARQUET:field_id', String(id)]]));
}

/** A one-batch table from a schema and equally long vectors (in field order). */
export function tableOf(schema: arrow.Schema, columns: readonly arrow.Vector[]): arrow.Table {
  const length = columns[0]?.length ?? 0;
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length,
    nullCount: 0,
    children: columns.map((c) => c.data[0]!),
  });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

export { prng } from '../support/prng.js';

/** The bytes as a standalone ArrayBuffer (hyparquet wants one). */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
