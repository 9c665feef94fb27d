/**
 * Every Parquet data and delete file of the engine fixtures (written by parquet-mr through Spark,
 * the Iceberg Java API and Trino/Athena, by pyarrow through PyIceberg, and by DuckDB) reads with
 * the io layer: row counts match the footer, every column carries a field id, and the fixture's
 * rows resolve by id against its `iceberg.schema` where the file has one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { fieldIdOf, readParquet, readParquetMetadata, readParquetMetadataAsync, resolveBatch } from '../../src/io/index.js';
import { decodeSchema } from '../../src/spec/schema.js';
import { parseJson } from '../../src/util/json.js';
import { arrayBufferOf } from './helpers.js';

const ROOT = path.resolve(__dirname, '../fixtures/iceberg');

function parquetFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...parquetFiles(p));
    else if (name.endsWith('.parquet')) out.push(p);
  }
  return out;
}

const files = readdirSync(ROOT)
  .filter((d) => statSync(path.join(ROOT, d)).isDirectory())
  .flatMap((d) => parquetFiles(path.join(ROOT, d, 'data')))
  .sort();

describe('engine-written parquet files', () => {
  it('finds the fixture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s', async (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const hy = parquetMetadata(arrayBufferOf(bytes));
    const meta = readParquetMetadata(bytes, file);
    expect(meta.numRows).toBe(Number(hy.num_rows));
    expect(meta.rowGroups.map((g) => g.numRows)).toEqual(hy.row_groups.map((g) => Number(g.num_rows)));
    expect(meta.createdBy).toBe(hy.created_by);
    const asyncMeta = await readParquetMetadataAsync(
      { byteLength: bytes.length, slice: (s, e) => bytes.slice(s, e).buffer },
      file,
    );
    expect(asyncMeta.numRows).toBe(meta.numRows);

    const table = readParquet(bytes, { path: file });
    expect(table.numRows).toBe(meta.numRows);
    for (const f of table.schema.fields) expect(fieldIdOf(f), f.name).toBeDefined();

    const icebergSchema = meta.keyValueMetadata.get('iceberg.schema');
    if (icebergSchema !== undefined) {
      const schema = decodeSchema(parseJson(icebergSchema), file);
      let rows = 0;
      for (const b of table.batches) {
        const r = resolveBatch(b, { readSchema: schema, path: file });
        expect(r.schema.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
        rows += r.numRows;
      }
      expect(rows).toBe(meta.numRows);
    }
  });

  it('reads Spark-sanitised column names by field id', () => {
    const file = files.find((f) => f.endsWith('bunnies-initial.parquet'))!;
    const table = readParquet(new Uint8Array(readFileSync(file)));
    expect(table.schema.fields[0]!.name).toBe('Breed_x20Name');
    const schema = {
      schemaId: 0,
      fields: [
        { id: 1, name: 'Breed Name', required: false, type: { type: 'string' as const } },
        { id: 4, name: 'Lifespan', required: false, type: { type: 'long' as const } },
      ],
    };
    const r = resolveBatch(table.batches[0]!, { readSchema: schema });
    expect(r.getChild('Breed Name')!.get(0)).toEqual(expect.any(String));
    expect(r.getChild('Breed Name')!.nullCount).toBe(0);
  });
});
