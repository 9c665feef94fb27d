import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeNameMapping, fileColumnsFor, readParquet, readParquetMetadata, resolveBatch, writeParquet } from '../../src/io/index.js';
import type { Schema } from '../../src/spec/types.js';
import { batchFromRows, rowsOf } from './datagen.js';
import { tableOf } from './helpers.js';

// The schema a file was written with …
const written: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'int' } },
    { id: 2, name: 'name', required: false, type: { type: 'string' } },
    { id: 3, name: 'score', required: false, type: { type: 'float' } },
    { id: 4, name: 'gone', required: false, type: { type: 'string' } },
    {
      id: 5,
      name: 'loc',
      required: false,
      type: { type: 'struct', fields: [{ id: 6, name: 'lat', required: false, type: { type: 'float' } }] },
    },
    { id: 9, name: 'amount', required: false, type: { type: 'decimal', precision: 9, scale: 2 } },
  ],
};

// … and the table's schema now: renamed, promoted, dropped, added, reordered.
const current: Schema = {
  schemaId: 4,
  fields: [
    { id: 2, name: 'label', required: false, type: { type: 'string' } },
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 3, name: 'score', required: false, type: { type: 'double' } },
    {
      id: 5,
      name: 'location',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 6, name: 'latitude', required: false, type: { type: 'double' } },
          { id: 7, name: 'lon', required: false, type: { type: 'double' } },
          { id: 12, name: 'srid', required: false, type: { type: 'int' }, initialDefault: 4326 },
        ],
      },
    },
    { id: 9, name: 'amount', required: false, type: { type: 'decimal', precision: 20, scale: 2 } },
    { id: 10, name: 'added', required: false, type: { type: 'string' } },
    { id: 11, name: 'level', required: false, type: { type: 'int' }, initialDefault: 42 },
    { id: 13, name: 'region', required: false, type: { type: 'string' } },
  ],
};

const rows = [
  { id: 1, name: 'a', score: 1.5, gone: 'x', loc: { lat: 10.25 }, amount: 12345n },
  { id: 2, name: null, score: null, gone: null, loc: null, amount: null },
  { id: 3, name: 'c', score: -0.5, gone: 'z', loc: { lat: null }, amount: -5n },
];

function fileBytes(): Uint8Array {
  return writeParquet(new arrow.Table([batchFromRows(written, rows)]));
}

describe('resolveBatch (spec §Column Projection)', () => {
  it('reads by field id: renamed, promoted, dropped, added (null / initial-default / constant), nested', () => {
    const file = readParquet(fileBytes());
    const out = resolveBatch(file.batches[0]!, { readSchema: current, constants: new Map([[13, 'eu']]) });
    expect(out.schema.fields.map((f) => f.name)).toEqual(['label', 'id', 'score', 'location', 'amount', 'added', 'level', 'region']);
    expect(out.schema.fields.map((f) => String(f.type))).toEqual([
      'Utf8',
      'Int64',
      'Float64',
      'Struct<{latitude:Float64, lon:Float64, srid:Int32}>',
      'Decimal[20e+2]',
      'Utf8',
      'Int32',
      'Utf8',
    ]);
    expect(rowsOf(current, out)).toEqual([
      { label: 'a', id: 1n, score: 1.5, location: { latitude: 10.25, lon: null, srid: 4326 }, amount: 12345n, added: null, level: 42, region: 'eu' },
      { label: null, id: 2n, score: null, location: null, amount: null, added: null, level: 42, region: 'eu' },
      { label: 'c', id: 3n, score: -0.5, location: { latitude: null, lon: null, srid: 4326 }, amount: -5n, added: null, level: 42, region: 'eu' },
    ]);
  });

  it('a null constant fills nulls; a file column wins over a constant', () => {
    const file = readParquet(fileBytes());
    const out = resolveBatch(file.batches[0]!, { readSchema: current, constants: new Map<number, string | null>([[13, null], [2, 'ignored']]) });
    const region = out.getChild('region')!;
    expect([0, 1, 2].map((i) => region.get(i))).toEqual([null, null, null]);
    expect(out.getChild('label')!.get(0)).toBe('a');
  });

  it('reads a column of type unknown as nulls, ignoring the file column with its id (spec §Parquet)', () => {
    const readSchema: Schema = { schemaId: 5, fields: [current.fields[1]!, { id: 2, name: 'label', required: false, type: { type: 'unknown' } }] };
    expect(fileColumnsFor(readParquetMetadata(fileBytes()).arrowSchema, readSchema)).toEqual(['id']);
    const out = resolveBatch(readParquet(fileBytes()).batches[0]!, { readSchema });
    expect(out.schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Null']);
    expect(rowsOf(readSchema, out)).toEqual([
      { id: 1n, label: null },
      { id: 2n, label: null },
      { id: 3n, label: null },
    ]);
  });

  it('projects file columns by id, dropping what the read schema lacks', () => {
    const meta = readParquetMetadata(fileBytes());
    expect(fileColumnsFor(meta.arrowSchema, current)).toEqual(['id', 'name', 'score', 'loc', 'amount']);
    const projected: Schema = { schemaId: 4, fields: [current.fields[3]!, current.fields[0]!] };
    const cols = fileColumnsFor(meta.arrowSchema, projected);
    expect(cols).toEqual(['name', 'loc']);
    const out = resolveBatch(readParquet(fileBytes(), { columns: cols }).batches[0]!, { readSchema: projected });
    expect(out.schema.fields.map((f) => f.name)).toEqual(['location', 'label']);
    expect(out.getChild('label')!.get(2)).toBe('c');
  });

  it('finds columns without field ids through a name mapping', () => {
    const plain = new arrow.Schema([new arrow.Field('ID', new arrow.Int32(), true), new arrow.Field('Full Name', new arrow.Utf8(), true)]);
    const bytes = writeParquet(tableOf(plain, [arrow.vectorFromArray([7, 8], new arrow.Int32()), arrow.vectorFromArray(['p', 'q'], new arrow.Utf8())]));
    const readSchema: Schema = {
      schemaId: 0,
      fields: [
        { id: 1, name: 'id', required: false, type: { type: 'long' } },
        { id: 2, name: 'name', required: false, type: { type: 'string' } },
      ],
    };
    const nameMapping = [
      { names: ['ID', 'id'], fieldId: 1 },
      { names: ['Full Name'], fieldId: 2 },
    ];
    const meta = readParquetMetadata(bytes);
    expect(fileColumnsFor(meta.arrowSchema, readSchema)).toEqual([]);
    expect(fileColumnsFor(meta.arrowSchema, readSchema, nameMapping)).toEqual(['ID', 'Full Name']);
    const out = resolveBatch(readParquet(bytes).batches[0]!, { readSchema, nameMapping });
    expect(rowsOf(readSchema, out)).toEqual([
      { id: 7n, name: 'p' },
      { id: 8n, name: 'q' },
    ]);
    // an identity-partition constant comes before the name mapping (spec rule order)
    expect(rowsOf(readSchema, resolveBatch(readParquet(bytes).batches[0]!, { readSchema, nameMapping, constants: new Map([[2, 'part']]) }))).toEqual([
      { id: 7n, name: 'part' },
      { id: 8n, name: 'part' },
    ]);
    // without a mapping, the columns are simply absent
    expect(rowsOf(readSchema, resolveBatch(readParquet(bytes).batches[0]!, { readSchema }))).toEqual([
      { id: null, name: null },
      { id: null, name: null },
    ]);
  });

  it('rejects a file column whose type cannot be read as the field type, naming field and file', () => {
    const wrong: Schema = { schemaId: 9, fields: [{ id: 2, name: 'label', required: false, type: { type: 'int' } }] };
    const file = readParquet(fileBytes());
    expect(() => resolveBatch(file.batches[0]!, { readSchema: wrong, path: 's3://b/t/data/f.parquet' })).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_MISMATCH',
        message: expect.stringMatching(/'label' \(id 2\).*s3:\/\/b\/t\/data\/f\.parquet/),
      }),
    );
  });

  it('decodes dictionary columns (as arrow-js and pyarrow write strings)', () => {
    const t = arrow.tableFromArrays({ s: ['x', 'y', 'x', 'z'] });
    expect(arrow.DataType.isDictionary(t.schema.fields[0]!.type)).toBe(true);
    const withId = new arrow.Schema([new arrow.Field('s', t.schema.fields[0]!.type, true, new Map([['PARQUET:field_id', '1']]))]);
    const bytes = writeParquet(new arrow.Table(t.batches.map((b) => new arrow.RecordBatch(withId, b.data))));
    const file = readParquet(bytes);
    expect(arrow.DataType.isDictionary(file.schema.fields[0]!.type)).toBe(true);
    const s: Schema = { schemaId: 0, fields: [{ id: 1, name: 's', required: false, type: { type: 'string' } }] };
    expect(rowsOf(s, resolveBatch(file.batches[0]!, { readSchema: s })).map((r) => r['s'])).toEqual(['x', 'y', 'x', 'z']);
  });
});

describe('decodeNameMapping', () => {
  it('decodes the spec form, nested fields included', () => {
    const m = decodeNameMapping(
      '[{"field-id": 1, "names": ["id", "record_id"]}, {"field-id": 2, "names": ["data"]}, {"names": ["extra"]},' +
        ' {"field-id": 3, "names": ["location"], "fields": [{"field-id": 4, "names": ["latitude", "lat"]}]}]',
    );
    expect(m).toEqual([
      { names: ['id', 'record_id'], fieldId: 1 },
      { names: ['data'], fieldId: 2 },
      { names: ['extra'] },
      { names: ['location'], fieldId: 3, fields: [{ names: ['latitude', 'lat'], fieldId: 4 }] },
    ]);
  });

  it('names the path of what is wrong', () => {
    expect(() => decodeNameMapping('{"names": []}')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => decodeNameMapping('[{"names": ["a"], "fields": [{"names": "b"}]}]')).toThrow(/\$\[0\]\.fields\[0\]\.names/);
    expect(() => decodeNameMapping('not json')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
