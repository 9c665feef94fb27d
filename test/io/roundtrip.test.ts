import * as arrow from 'apache-arrow';
import { parquetMetadata, parquetReadObjects, parquetSchema, type SchemaTree } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  arrowSchemaFromIceberg,
  fieldIdOf,
  icebergSchemaFromArrow,
  readParquet,
  readParquetMetadata,
  resolveBatch,
  writeParquet,
} from '../../src/io/index.js';
import { decodeSchema, indexById, sameType } from '../../src/spec/schema.js';
import type { NestedField, Schema } from '../../src/spec/types.js';
import { parseJson } from '../../src/util/json.js';
import { allPrimitiveFields, batchFromRows, randomRows, rowsOf } from './datagen.js';
import { arrayBufferOf, prng } from './helpers.js';

const nested: NestedField[] = [
  { id: 1, name: 'id', required: true, type: { type: 'long' } },
  {
    id: 2,
    name: 'point',
    required: false,
    type: {
      type: 'struct',
      fields: [
        { id: 3, name: 'x', required: true, type: { type: 'double' } },
        { id: 4, name: 'label', required: false, type: { type: 'string' } },
        {
          id: 5,
          name: 'inner',
          required: false,
          type: { type: 'struct', fields: [{ id: 6, name: 'when', required: false, type: { type: 'timestamptz' } }] },
        },
      ],
    },
  },
  { id: 7, name: 'tags', required: false, type: { type: 'list', elementId: 8, element: { type: 'string' }, elementRequired: false } },
  {
    id: 9,
    name: 'attrs',
    required: false,
    type: { type: 'map', keyId: 10, key: { type: 'string' }, valueId: 11, value: { type: 'long' }, valueRequired: false },
  },
  {
    id: 12,
    name: 'events',
    required: false,
    type: {
      type: 'list',
      elementId: 13,
      elementRequired: true,
      element: {
        type: 'struct',
        fields: [
          { id: 14, name: 'kind', required: true, type: { type: 'int' } },
          { id: 15, name: 'amount', required: false, type: { type: 'decimal', precision: 12, scale: 3 } },
        ],
      },
    },
  },
  {
    id: 16,
    name: 'nested_map',
    required: false,
    type: {
      type: 'map',
      keyId: 17,
      key: { type: 'int' },
      valueId: 18,
      valueRequired: false,
      value: { type: 'list', elementId: 19, element: { type: 'uuid' }, elementRequired: false },
    },
  },
];

const schema: Schema = { schemaId: 3, fields: [...nested, ...allPrimitiveFields(100)], identifierFieldIds: [1] };

/** The schema with the canonical `arrow.uuid` extension on every FixedSizeBinary(16) field. */
function withUuidExtension(s: arrow.Schema): arrow.Schema {
  return new arrow.Schema(
    s.fields.map((f) =>
      arrow.DataType.isFixedSizeBinary(f.type) && f.type.byteWidth === 16
        ? new arrow.Field(f.name, f.type, f.nullable, new Map([...f.metadata, ['ARROW:extension:name', 'arrow.uuid'], ['ARROW:extension:metadata', '']]))
        : f,
    ),
    s.metadata,
  );
}

function allIds(s: Schema): number[] {
  return [...indexById(s).keys()].sort((a, b) => a - b);
}

describe('every Iceberg type round-trips through Parquet', () => {
  const rows = randomRows(schema, 300, prng(42));
  const batch = batchFromRows(schema, rows);
  const bytes = writeParquet(new arrow.Table([batch]), { rowGroupRows: 100 });

  it('reads back the same values (nulls, NaN, -0, nested struct/list/map)', () => {
    const back = readParquet(bytes);
    expect(back.numRows).toBe(300);
    const resolved = new arrow.Table(back.batches.map((b) => resolveBatch(b, { readSchema: schema })));
    expect(rowsOf(schema, resolved)).toEqual(rows);
  });

  it('writes the field id of every column, list element, map key and map value (hyparquet)', () => {
    const meta = parquetMetadata(arrayBufferOf(bytes));
    const ids = meta.schema.map((e) => e.field_id).filter((id): id is number => id !== undefined);
    expect([...ids].sort((a, b) => a - b)).toEqual(allIds(schema));
    // the repeated groups of lists and maps carry none, every other node does
    for (const e of meta.schema.slice(1)) {
      if (e.repetition_type === 'REPEATED') expect(e.field_id).toBeUndefined();
      else expect(e.field_id, e.name).toBeDefined();
    }
  });

  it('stores iceberg.schema in the footer, decoding to the same schema', () => {
    const kv = readParquetMetadata(bytes).keyValueMetadata;
    const decoded = decodeSchema(parseJson(kv.get('iceberg.schema')!));
    expect(decoded.schemaId).toBe(3);
    expect(sameType({ type: 'struct', fields: decoded.fields }, { type: 'struct', fields: schema.fields })).toBe(true);
    expect(decoded.identifierFieldIds).toEqual([1]);
  });

  it('maps spec types to the spec Parquet physical types', () => {
    const meta = parquetMetadata(arrayBufferOf(bytes));
    const byName = new Map(meta.schema.map((e) => [e.name, e]));
    expect(byName.get('c_decimal_9')!.type).toBe('INT32');
    expect(byName.get('c_decimal_18')!.type).toBe('INT64');
    expect(byName.get('c_decimal_38')!.type).toBe('FIXED_LEN_BYTE_ARRAY');
    expect(byName.get('c_decimal_38')!.type_length).toBe(16);
    expect(byName.get('c_timestamp')!.logical_type).toMatchObject({ type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' });
    expect(byName.get('c_timestamptz')!.logical_type).toMatchObject({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' });
    expect(byName.get('c_time')!.logical_type).toMatchObject({ type: 'TIME', unit: 'MICROS' });
    expect(byName.get('c_date')!.logical_type).toMatchObject({ type: 'DATE' });
    expect(byName.get('c_uuid')!.type_length).toBe(16);
    expect(byName.get('c_string')!.logical_type).toMatchObject({ type: 'STRING' });
    expect(byName.get('tags')!.converted_type).toBe('LIST');
    expect(byName.get('attrs')!.converted_type).toBe('MAP');
    expect(byName.get('id')!.repetition_type).toBe('REQUIRED');
  });

  it('writes maps as the spec\'s 3-level MAP: `<name> (MAP) { repeated group key_value { required key; value } }`', () => {
    // Iceberg spec §Parquet: map → "3-level map" (parquet-format LogicalTypes.md "Maps": the
    // repeated group is named key_value), as Java writes it.
    const tree = parquetSchema(parquetMetadata(arrayBufferOf(bytes)));
    const shape = (t: SchemaTree): unknown => ({
      name: t.element.name,
      ...(t.element.repetition_type !== undefined && { rep: t.element.repetition_type }),
      ...(t.element.converted_type !== undefined && { conv: t.element.converted_type }),
      ...(t.element.field_id !== undefined && { id: t.element.field_id }),
      ...(t.children.length > 0 && { children: t.children.map(shape) }),
    });
    const byName = (name: string): unknown => shape(tree.children.find((c) => c.element.name === name)!);
    expect(byName('attrs')).toEqual({
      name: 'attrs', rep: 'OPTIONAL', conv: 'MAP', id: 9,
      children: [{ name: 'key_value', rep: 'REPEATED', children: [
        { name: 'key', rep: 'REQUIRED', conv: 'UTF8', id: 10 },
        { name: 'value', rep: 'OPTIONAL', id: 11 },
      ] }],
    });
    expect(byName('nested_map')).toEqual({
      name: 'nested_map', rep: 'OPTIONAL', conv: 'MAP', id: 16,
      children: [{ name: 'key_value', rep: 'REPEATED', children: [
        { name: 'key', rep: 'REQUIRED', id: 17 },
        { name: 'value', rep: 'OPTIONAL', conv: 'LIST', id: 18, children: [{ name: 'list', rep: 'REPEATED', children: [{ name: 'element', rep: 'OPTIONAL', id: 19 }] }] },
      ] }],
    });
  });

  it('writes uuid as FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type, also in a map value list; decimal(38) FLBA(16) keeps DECIMAL', () => {
    // Spec §Parquet type table: uuid → `fixed_len_byte_array[16]` + `UUID`.
    const byName = new Map(parquetMetadata(arrayBufferOf(bytes)).schema.map((e) => [e.name, e]));
    const u = byName.get('c_uuid')!;
    expect([u.type, u.type_length, u.logical_type, u.converted_type]).toEqual(['FIXED_LEN_BYTE_ARRAY', 16, { type: 'UUID' }, undefined]);
    const inMap = parquetMetadata(arrayBufferOf(bytes)).schema.find((e) => e.field_id === 19)!;
    expect([inMap.type, inMap.type_length, inMap.logical_type]).toEqual(['FIXED_LEN_BYTE_ARRAY', 16, { type: 'UUID' }]);
    const d = byName.get('c_decimal_38')!;
    expect([d.type, d.type_length, d.logical_type]).toEqual(['FIXED_LEN_BYTE_ARRAY', 16, { type: 'DECIMAL', scale: 10, precision: 38 }]);
  });

  it('arrowSchemaFromIceberg and icebergSchemaFromArrow invert each other (ids taken from the fields)', () => {
    const back = icebergSchemaFromArrow(arrowSchemaFromIceberg(schema), { schemaId: 3 });
    // uuid has no Arrow type of its own: it comes back as fixed[16]
    const expected = JSON.parse(JSON.stringify(schema.fields).replaceAll('{"type":"uuid"}', '{"type":"fixed","length":16}'));
    expect(sameType({ type: 'struct', fields: back.schema.fields }, { type: 'struct', fields: expected })).toBe(true);
    expect(back.lastColumnId).toBe(Math.max(...allIds(schema)));
    expect(back.vectorDimensions.size).toBe(0);
  });
});

describe('FixedSizeList<Float32> embeddings', () => {
  const vecSchema: Schema = {
    schemaId: 0,
    fields: [
      { id: 1, name: 'id', required: true, type: { type: 'int' } },
      { id: 2, name: 'embedding', required: false, type: { type: 'list', elementId: 3, element: { type: 'float' }, elementRequired: true } },
    ],
  };
  const dims = new Map([[2, 8]]);

  it('round-trips as FixedSizeList[8]<Float32>, and reads as a plain list without the dimension', () => {
    const rows = randomRows(vecSchema, 50, prng(7), { vectorDimensions: dims });
    const batch = batchFromRows(vecSchema, rows, { vectorDimensions: dims });
    expect(String(batch.schema.fields[1]!.type)).toBe('FixedSizeList[8]<Float32>');
    const bytes = writeParquet(new arrow.Table([batch]));
    // Parquet sees a LIST with element ids, so other engines read an ordinary list<float>
    const meta = parquetMetadata(arrayBufferOf(bytes));
    expect(meta.schema.find((e) => e.name === 'embedding')!.converted_type).toBe('LIST');
    expect(meta.schema.find((e) => e.name === 'element')!.field_id).toBe(3);

    const back = readParquet(bytes);
    const asVectors = resolveBatch(back.batches[0]!, { readSchema: vecSchema, vectorDimensions: dims });
    expect(String(asVectors.schema.fields[1]!.type)).toBe('FixedSizeList[8]<Float32>');
    expect(rowsOf(vecSchema, asVectors)).toEqual(rows);
    const asLists = resolveBatch(back.batches[0]!, { readSchema: vecSchema });
    expect(String(asLists.schema.fields[1]!.type)).toBe('List<Float32>');
    expect(rowsOf(vecSchema, asLists)).toEqual(rows);
  });

  it('reads a plain list column written by another engine as vectors, rejecting a wrong length', () => {
    const rows = randomRows(vecSchema, 20, prng(8), { vectorDimensions: dims });
    const asList = batchFromRows(vecSchema, rows);
    expect(String(asList.schema.fields[1]!.type)).toBe('List<Float32>');
    const bytes = writeParquet(new arrow.Table([asList]));
    const resolved = resolveBatch(readParquet(bytes).batches[0]!, { readSchema: vecSchema, vectorDimensions: dims });
    expect(String(resolved.schema.fields[1]!.type)).toBe('FixedSizeList[8]<Float32>');
    expect(rowsOf(vecSchema, resolved)).toEqual(rows);
    expect(() => resolveBatch(readParquet(bytes).batches[0]!, { readSchema: vecSchema, vectorDimensions: new Map([[2, 4]]) })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining('embedding') }),
    );
  });

  it('icebergSchemaFromArrow records the dimension and assigns ids as Java does', () => {
    const arrowSchema = new arrow.Schema([
      new arrow.Field('id', new arrow.Int64(), false),
      new arrow.Field('point', new arrow.Struct([new arrow.Field('x', new arrow.Float64(), true), new arrow.Field('y', new arrow.Float64(), true)]), true),
      new arrow.Field('embedding', new arrow.FixedSizeList(4, new arrow.Field('item', new arrow.Float32(), false)), true),
      new arrow.Field('name', new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), true),
    ]);
    const r = icebergSchemaFromArrow(arrowSchema);
    expect(r.schema.fields.map((f) => [f.id, f.name, f.required])).toEqual([
      [1, 'id', true],
      [2, 'point', false],
      [3, 'embedding', false],
      [4, 'name', false],
    ]);
    expect(r.schema.fields[1]!.type).toMatchObject({ type: 'struct', fields: [{ id: 5, name: 'x' }, { id: 6, name: 'y' }] });
    expect(r.schema.fields[2]!.type).toEqual({ type: 'list', elementId: 7, element: { type: 'float' }, elementRequired: true });
    expect(r.schema.fields[3]!.type).toEqual({ type: 'string' });
    expect(r.lastColumnId).toBe(7);
    expect([...r.vectorDimensions]).toEqual([[3, 4]]);
    const arrowBack = arrowSchemaFromIceberg(r.schema, { vectorDimensions: r.vectorDimensions });
    expect(arrowBack.fields.map((f) => fieldIdOf(f))).toEqual([1, 2, 3, 4]);
    expect(String(arrowBack.fields[2]!.type)).toBe('FixedSizeList[4]<Float32>');
  });

  it('icebergSchemaFromArrow rejects types Iceberg cannot store, naming the field', () => {
    const bad = new arrow.Schema([new arrow.Field('s', new arrow.Struct([new arrow.Field('d', new arrow.DurationSecond())]))]);
    expect(() => icebergSchemaFromArrow(bad)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringContaining("'s.d'") }));
  });
});

describe('uuid columns carry the Parquet UUID logical type at every depth; fixed[16] stays bare', () => {
  // Spec §Parquet type table: uuid → `fixed_len_byte_array[16]` + `UUID`, fixed(L) →
  // `fixed_len_byte_array[L]` with no logical type. Beside each uuid, a fixed[16] in the same place.
  const uuidSchema: Schema = {
    schemaId: 0,
    fields: [
      { id: 1, name: 'u', required: false, type: { type: 'uuid' } },
      { id: 2, name: 'f16', required: false, type: { type: 'fixed', length: 16 } },
      {
        id: 3,
        name: 's',
        required: false,
        type: {
          type: 'struct',
          fields: [
            { id: 4, name: 'u', required: true, type: { type: 'uuid' } },
            { id: 5, name: 'f16', required: false, type: { type: 'fixed', length: 16 } },
          ],
        },
      },
      { id: 6, name: 'lu', required: false, type: { type: 'list', elementId: 7, element: { type: 'uuid' }, elementRequired: false } },
      { id: 8, name: 'lf', required: false, type: { type: 'list', elementId: 9, element: { type: 'fixed', length: 16 }, elementRequired: true } },
      { id: 10, name: 'mu', required: false, type: { type: 'map', keyId: 11, key: { type: 'uuid' }, valueId: 12, value: { type: 'uuid' }, valueRequired: false } },
      { id: 13, name: 'mf', required: false, type: { type: 'map', keyId: 14, key: { type: 'fixed', length: 16 }, valueId: 15, value: { type: 'fixed', length: 16 }, valueRequired: false } },
    ],
  };
  const UUID_IDS = [1, 4, 7, 11, 12];
  const FIXED_IDS = [2, 5, 9, 14, 15];
  const rows = randomRows(uuidSchema, 200, prng(7));
  const batch = batchFromRows(uuidSchema, rows);
  const write = (ext: boolean): Uint8Array =>
    writeParquet(new arrow.Table([ext ? new arrow.RecordBatch(withUuidExtension(batch.schema), batch.data) : batch]), { compression: 'snappy', rowGroupRows: 64 });

  it.each([false, true])('marks exactly the uuid leaves UUID (arrow.uuid extension: %s)', (ext) => {
    const elements = parquetMetadata(arrayBufferOf(write(ext))).schema;
    const byId = new Map(elements.filter((e) => e.field_id !== undefined).map((e) => [e.field_id!, e]));
    for (const id of UUID_IDS) {
      const e = byId.get(id)!;
      expect([e.type, e.type_length, e.logical_type, e.converted_type], `uuid field ${id}`).toEqual(['FIXED_LEN_BYTE_ARRAY', 16, { type: 'UUID' }, undefined]);
    }
    for (const id of FIXED_IDS) {
      const e = byId.get(id)!;
      expect([e.type, e.type_length, e.logical_type, e.converted_type], `fixed[16] field ${id}`).toEqual(['FIXED_LEN_BYTE_ARRAY', 16, undefined, undefined]);
    }
    expect(elements.filter((e) => e.logical_type?.type === 'UUID')).toHaveLength(UUID_IDS.length);
  });

  it('reads back the same values with Floe and with hyparquet (which reads UUID columns as uuid strings)', async () => {
    const bytes = write(false);
    const back = readParquet(bytes);
    expect(back.schema.fields.find((f) => f.name === 'u')!.type).toEqual(new arrow.FixedSizeBinary(16));
    const resolved = new arrow.Table(back.batches.map((b) => resolveBatch(b, { readSchema: uuidSchema })));
    expect(rowsOf(uuidSchema, resolved)).toEqual(rows);
    // hyparquet's shapes: uuid as its lowercase string (what Floe's literal is), fixed as bytes,
    // a map as an object keyed by String(key), a null struct, list or map as undefined.
    const asHyparquet = (v: unknown): unknown => {
      if (v === null || typeof v === 'string' || v instanceof Uint8Array) return v;
      if (Array.isArray(v)) return v.map(asHyparquet);
      return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asHyparquet(x)]));
    };
    const expected = rows.map((r) => ({
      ...(asHyparquet(r) as object),
      mu: r['mu'] === null ? null : Object.fromEntries((r['mu'] as [unknown, unknown][]).map(([k, v]) => [String(k), v])),
      mf: r['mf'] === null ? null : Object.fromEntries((r['mf'] as [unknown, unknown][]).map(([k, v]) => [String(k), v])),
    }));
    const read = (await parquetReadObjects({ file: arrayBufferOf(bytes) })) as Record<string, unknown>[];
    const nested = ['s', 'lu', 'lf', 'mu', 'mf'];
    expect(read.map((r) => ({ ...r, ...Object.fromEntries(nested.map((k) => [k, r[k] ?? null])) }))).toEqual(expected);
  });
});
