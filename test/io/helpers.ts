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

/** mulberry32: a tiny seeded PRNG (never Math.random in tests). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The bytes as a standalone ArrayBuffer (hyparquet wants one). */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
