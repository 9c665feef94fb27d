import * as arrow from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { isFloeError, NotFoundError } from '../../src/errors.js';
import {
  asyncBufferFromBytes,
  initParquetWasm,
  readParquet,
  readParquetMetadata,
  readParquetMetadataAsync,
  readParquetSchema,
  writeParquet,
  type AsyncBuffer,
} from '../../src/io/parquet.js';
import { arrayBufferOf, idField, tableOf } from './helpers.js';

function sampleTable(n: number): arrow.Table {
  const schema = new arrow.Schema(
    [idField('id', new arrow.Int64(), 1, false), idField('name', new arrow.Utf8(), 2), idField('score', new arrow.Float64(), 3)],
    new Map([['iceberg.schema', '{"type":"struct","schema-id":0,"fields":[]}']]),
  );
  return tableOf(schema, [
    arrow.vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new arrow.Int64()),
    arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `name-${i}`)), new arrow.Utf8()),
    arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i / 4), new arrow.Float64()),
  ]);
}

describe('writeParquet / readParquet', () => {
  it('needs no explicit initialisation on Node (initParquetWasm is a no-op there)', async () => {
    await expect(initParquetWasm()).resolves.toBeUndefined();
  });

  it('round-trips values, field ids and the schema metadata as footer key-value metadata', () => {
    const bytes = writeParquet(sampleTable(100));
    const meta = parquetMetadata(arrayBufferOf(bytes));
    expect(meta.key_value_metadata?.find((kv) => kv.key === 'iceberg.schema')?.value).toContain('"schema-id":0');
    expect(meta.schema.slice(1).map((s) => s.field_id)).toEqual([1, 2, 3]);
    // zstd is the default codec
    expect(meta.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('ZSTD');

    const back = readParquet(bytes);
    expect(back.numRows).toBe(100);
    expect(back.schema.fields.map((f) => f.metadata.get('PARQUET:field_id'))).toEqual(['1', '2', '3']);
    expect(back.schema.metadata.get('iceberg.schema')).toContain('"schema-id":0');
    expect(back.getChild('id')!.get(99)).toBe(99n);
    expect(back.getChild('name')!.get(7)).toBeNull();
    expect(back.getChild('name')!.get(8)).toBe('name-8');
    expect(back.getChild('score')!.get(5)).toBe(1.25);
  });

  it('explicit key-value metadata wins over the schema metadata', () => {
    const mine = '{"type":"struct","schema-id":7,"fields":[]}';
    const bytes = writeParquet(sampleTable(3), { keyValueMetadata: { 'iceberg.schema': mine, other: 'y' } });
    const kv = readParquetSchema(bytes).metadata;
    expect(kv.get('iceberg.schema')).toBe(mine);
    expect(kv.get('other')).toBe('y');
  });

  it.each(['x', '{"type":"struct","fields":[{"id":1}]}'])('rejects an iceberg.schema that is not an Iceberg schema (%s), naming the key and file', (value) => {
    // The uuid columns to mark with the UUID logical type are read from it (parquet-uuid.ts).
    let err: unknown;
    try {
      writeParquet(sampleTable(3), { keyValueMetadata: { 'iceberg.schema': value }, path: 'mem://t/data/a.parquet' });
    } catch (e) {
      err = e;
    }
    expect(isFloeError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toContain("'iceberg.schema'");
    expect((err as Error).message).toContain('mem://t/data/a.parquet');
  });

  it.each(['zstd', 'snappy', 'gzip', 'lz4', 'uncompressed'] as const)('writes %s', (compression) => {
    const bytes = writeParquet(sampleTable(50), { compression });
    const codec = parquetMetadata(arrayBufferOf(bytes)).row_groups[0]!.columns[0]!.meta_data!.codec;
    expect(codec).toBe({ zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', lz4: 'LZ4_RAW', uncompressed: 'UNCOMPRESSED' }[compression]);
    expect(readParquet(bytes).numRows).toBe(50);
  });

  it('is readable by hyparquet (snappy)', async () => {
    const bytes = writeParquet(sampleTable(10), { compression: 'snappy' });
    const rows = (await parquetReadObjects({ file: arrayBufferOf(bytes) })) as Record<string, unknown>[];
    expect(rows).toHaveLength(10);
    expect(rows[3]).toEqual({ id: 3n, name: 'name-3', score: 0.75 });
  });

  it('splits row groups, selects row groups and projects columns', async () => {
    const bytes = writeParquet(sampleTable(1000), { rowGroupRows: 300 });
    const meta = readParquetMetadata(bytes, 'mem://a.parquet');
    expect(meta.numRows).toBe(1000);
    expect(meta.rowGroups.map((g) => g.numRows)).toEqual([300, 300, 300, 100]);
    expect(meta.keyValueMetadata.get('iceberg.schema')).toContain('"schema-id":0');
    expect(meta.arrowSchema.fields.map((f) => f.metadata.get('PARQUET:field_id'))).toEqual(['1', '2', '3']);
    expect(meta.createdBy).toMatch(/parquet-rs/);

    const part = readParquet(bytes, { rowGroups: [1, 3], columns: ['score', 'id'] });
    expect(part.numRows).toBe(400);
    // parquet-wasm returns columns in file order whatever the order asked
    expect(part.schema.fields.map((f) => f.name)).toEqual(['id', 'score']);
    expect(part.getChild('id')!.get(0)).toBe(300n);
    expect(part.getChild('id')!.get(300)).toBe(900n);

    const batched = readParquet(bytes, { batchSize: 128, rowGroups: [0] });
    expect(batched.batches.map((b) => b.numRows)).toEqual([128, 128, 44]);
    // by default a batch holds up to 64 Ki rows (arrow-rs's own default is 1024), across row groups
    expect(readParquet(bytes).batches.map((b) => b.numRows)).toEqual([1000]);
  });

  it('writes an empty table as a file with no rows', async () => {
    const empty = new arrow.Table(sampleTable(1).schema);
    const bytes = writeParquet(empty);
    expect(readParquet(bytes).numRows).toBe(0);
    expect(readParquetMetadata(bytes).numRows).toBe(0);
    expect(readParquetMetadata(bytes).rowGroups).toEqual([]);
  });

  it('reports corrupt bytes as CorruptFileError with the path', () => {
    const bytes = writeParquet(sampleTable(10));
    for (const bad of [new Uint8Array([1, 2, 3]), bytes.slice(0, bytes.length - 20), bytes.slice(10)]) {
      let caught: unknown;
      try {
        readParquet(bad, { path: 's3://b/t/data/x.parquet' });
      } catch (e) {
        caught = e;
      }
      expect(isFloeError(caught, 'CORRUPT_FILE')).toBe(true);
      expect((caught as Error).message).toContain('s3://b/t/data/x.parquet');
    }
  });

  it('rejects unknown columns and out-of-range row groups before calling into wasm', async () => {
    const bytes = writeParquet(sampleTable(10));
    expect(() => readParquet(bytes, { columns: ['nope'] })).toThrow(/column 'nope'/);
    expect(() => readParquet(bytes, { rowGroups: [-1] })).toThrow(/out of range/);
    // parquet-wasm would panic on an out-of-range row group; the footer is checked first.
    expect(() => readParquet(bytes, { rowGroups: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(readParquet(bytes).numRows).toBe(10);
    expect(() => writeParquet(sampleTable(1), { rowGroupRows: 0 })).toThrow(/rowGroupRows/);
  });
});

describe('readParquetMetadataAsync (byte ranges)', () => {
  function counting(bytes: Uint8Array): AsyncBuffer & { requests: [number, number | undefined][] } {
    const inner = asyncBufferFromBytes(bytes);
    const requests: [number, number | undefined][] = [];
    return {
      byteLength: inner.byteLength,
      requests,
      async slice(start: number, end?: number) {
        requests.push([start, end]);
        return inner.slice(start, end);
      },
    };
  }

  it('fetches only the tail of the file', async () => {
    const bytes = writeParquet(sampleTable(50_000), { rowGroupRows: 10_000, compression: 'uncompressed' });
    expect(bytes.length).toBeGreaterThan(10 * 64 * 1024);
    const src = counting(bytes);
    const meta = await readParquetMetadataAsync(src);
    expect(src.requests).toHaveLength(1);
    expect(meta.numRows).toBe(50_000);
    expect(meta.rowGroups).toHaveLength(5);
    const fetched = src.requests.reduce((n, [s, e]) => n + ((e ?? bytes.length) - s), 0);
    expect(fetched).toBeLessThan(bytes.length / 10);
    expect(Math.min(...src.requests.map(([s]) => s))).toBeGreaterThan(bytes.length / 2);
  });

  it('passes a Floe error from the range reader through and wraps any other as CorruptFileError', async () => {
    const bytes = writeParquet(sampleTable(10));
    const failing = (e: unknown): AsyncBuffer => ({ byteLength: bytes.length, slice: () => Promise.reject(e) });
    await expect(readParquetMetadataAsync(failing(new NotFoundError('s3://b/x.parquet')))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readParquetMetadataAsync(failing(new Error('network down')), 'p.parquet')).rejects.toMatchObject({
      code: 'CORRUPT_FILE',
      message: expect.stringContaining('network down'),
    });
    const short: AsyncBuffer = { byteLength: bytes.length, slice: () => new ArrayBuffer(2) };
    await expect(readParquetMetadataAsync(short)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    expect(() => readParquetMetadata(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'CORRUPT_FILE' }));
  });
});

describe('footer parsing', () => {
  it('agrees with hyparquet on large footers (second range read) and many row groups', async () => {
    const wide = new arrow.Schema(
      Array.from({ length: 300 }, (_, i) => idField(`column_with_a_rather_long_name_${i}`, new arrow.Int32(), i + 1)),
    );
    const table = tableOf(
      wide,
      wide.fields.map((_, c) => arrow.vectorFromArray(Int32Array.from({ length: 40 }, (_, i) => i * c))),
    );
    const bytes = writeParquet(table, { rowGroupRows: 10, keyValueMetadata: { big: 'x'.repeat(70_000) } });
    const hy = parquetMetadata(arrayBufferOf(bytes));
    const requests: number[] = [];
    const meta = await readParquetMetadataAsync({
      byteLength: bytes.length,
      slice: (s, e) => {
        requests.push(s);
        return bytes.slice(s, e).buffer;
      },
    });
    expect(requests).toHaveLength(2);
    expect(meta.numRows).toBe(Number(hy.num_rows));
    expect(meta.rowGroups.map((g) => g.numRows)).toEqual(hy.row_groups.map((g) => Number(g.num_rows)));
    expect(meta.rowGroups.map((g) => g.uncompressedSizeBytes)).toEqual(hy.row_groups.map((g) => Number(g.total_byte_size)));
    expect(meta.keyValueMetadata.get('big')).toHaveLength(70_000);
    expect(meta.arrowSchema.fields).toHaveLength(300);
    expect(readParquet(bytes, { rowGroups: [3], columns: ['column_with_a_rather_long_name_7'] }).getChildAt(0)!.get(1)).toBe(31 * 7);
  });
});
