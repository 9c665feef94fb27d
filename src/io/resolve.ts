/**
 * Schema resolution by field id (spec §Column Projection, STYLE §8): turn a batch read from a
 * data file, written with whatever schema the table had then, into a batch of the read schema.
 *
 * For every field of the read schema, at every depth:
 * 1. the file column with the same field id, whatever its name now (renames keep data; Spark's
 *    sanitised names such as `Breed_x20Name` do not matter), promoted to the read type
 *    (int→long, float→double, decimal precision widening; also the physical variants other
 *    writers use for the same Iceberg type: narrow ints, second/milli/nano timestamps, Date64,
 *    Time32, large strings, dictionaries);
 * 2. else the identity-partition constant for that field id, when the caller has one;
 * 3. else, for file columns without field ids, the one the name mapping names (spec
 *    `schema.name-mapping.default`);
 * 4. else the field's `initial-default`;
 * 5. else nulls.
 * File columns the read schema does not mention (dropped columns) are not returned.
 * `list<float>` fields named in `vectorDimensions` come back as `FixedSizeList<Float32>[dim]`.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import type { IcebergType, Literal, NestedField, PrimitiveType, Schema } from '../spec/index.js';
import { arrowSchemaFromIceberg, fieldIdOf } from './arrow-schema.js';
import { constantData, nullData } from './fill.js';
import { bitmapFromOffset, castPrimitive, fixedSizeListFromList } from './cast.js';
import { decodeDictionary } from './take.js';

/** One entry of a name mapping (spec §Column Projection, Appendix C "Name Mapping Serialization"). */
export interface MappedField {
  /** Names the field may have in files. */
  readonly names: readonly string[];
  /** The Iceberg field id those names map to. */
  readonly fieldId?: number;
  /** Mappings of the children of a struct, list (`element`) or map (`key`, `value`). */
  readonly fields?: readonly MappedField[];
}

/** A name mapping: the top-level mapped fields. */
export type NameMapping = readonly MappedField[];

/** Options for {@link resolveBatch}. */
export interface ResolveOptions {
  /** The schema to produce: usually the scan's projection of the table schema. */
  readonly readSchema: Schema;
  /** Values for field ids the file lacks: identity partition values (spec §Column Projection rule 1). */
  readonly constants?: ReadonlyMap<number, Literal | null>;
  /** Fallback ids for file columns without field ids (`schema.name-mapping.default`). */
  readonly nameMapping?: NameMapping;
  /** Field id → dimension of `list<float>` fields returned as `FixedSizeList<Float32>[dim]`. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** The file path, for error messages. */
  readonly path?: string;
}

interface Ctx {
  readonly constants: ReadonlyMap<number, Literal | null> | undefined;
  readonly path: string;
}

/** A file column (child) with its effective field id. */
interface FileColumn {
  readonly field: arrow.Field;
  readonly data: arrow.Data;
  readonly mapping: readonly MappedField[] | undefined;
}

function mappedIdOf(name: string, mapping: readonly MappedField[] | undefined): MappedField | undefined {
  return mapping?.find((m) => m.names.includes(name));
}

/** File children by field id: their own (`byId`), and the name mapping's for those without one (`byMappedId`). */
interface Columns {
  readonly byId: Map<number, FileColumn>;
  readonly byMappedId: Map<number, FileColumn>;
}

function indexColumns(fields: readonly arrow.Field[], datas: readonly arrow.Data[], mapping: readonly MappedField[] | undefined): Columns {
  const byId = new Map<number, FileColumn>();
  const byMappedId = new Map<number, FileColumn>();
  fields.forEach((field, k) => {
    const m = mappedIdOf(field.name, mapping);
    const own = fieldIdOf(field);
    const col: FileColumn = { field, data: datas[k]!, mapping: m?.fields };
    if (own !== undefined) {
      if (!byId.has(own)) byId.set(own, col);
    } else if (m?.fieldId !== undefined && !byMappedId.has(m.fieldId)) byMappedId.set(m.fieldId, col);
  });
  return { byId, byMappedId };
}

function mismatch(ctx: Ctx, field: NestedField | { id: number; name: string }, fileType: arrow.DataType, target: arrow.DataType): never {
  throw new SchemaMismatchError(
    `field '${field.name}' (id ${field.id}) is ${String(fileType)} in data file ${ctx.path}, which cannot be read as ${String(target)}`,
    { context: { path: ctx.path, field: field.name, fieldId: field.id, fileType: String(fileType), readType: String(target) } },
  );
}

function convertPrimitive(ctx: Ctx, field: NestedField, data: arrow.Data, target: arrow.DataType): arrow.Data {
  const r = castPrimitive(data, target, { exact: false });
  if ('data' in r) return r.data;
  return mismatch(ctx, field, decodeDictionary(data).type, target);
}

// ---------------------------------------------------------------- nested resolution

function isNested(t: IcebergType): boolean {
  return t.type === 'struct' || t.type === 'list' || t.type === 'map';
}

/** A field the file lacks altogether: rules 4 and 5 of the module doc. */
function fillMissing(field: NestedField, target: arrow.DataType, length: number): arrow.Data {
  // A missing struct (or list, map) reads as null: Floe's model has no non-null nested defaults.
  if (isNested(field.type)) return nullData(target, length);
  if (field.initialDefault !== undefined) return constantData(target, field.type as PrimitiveType, field.initialDefault, length);
  return nullData(target, length);
}

function resolveStructChildren(
  ctx: Ctx,
  targetFields: readonly arrow.Field[],
  icebergFields: readonly NestedField[],
  columns: Columns,
  length: number,
): arrow.Data[] {
  return icebergFields.map((f, k) => {
    const target = targetFields[k]!.type;
    // spec §Parquet "When reading an `unknown` column, any corresponding column must be ignored
    // and replaced with `null` values."
    if (f.type.type === 'unknown') return nullData(target, length);
    const own = columns.byId.get(f.id);
    if (own !== undefined) return resolveColumn(ctx, f, f.type, own, target);
    // spec §Column Projection: an identity partition value comes before the name mapping
    if (!isNested(f.type) && ctx.constants?.has(f.id)) return constantData(target, f.type as PrimitiveType, ctx.constants.get(f.id) ?? null, length);
    const mapped = columns.byMappedId.get(f.id);
    if (mapped !== undefined) return resolveColumn(ctx, f, f.type, mapped, target);
    return fillMissing(f, target, length);
  });
}

function resolveColumn(ctx: Ctx, field: NestedField, type: IcebergType, col: FileColumn, target: arrow.DataType): arrow.Data {
  const data = decodeDictionary(col.data);
  const from = data.type;
  switch (type.type) {
    case 'struct': {
      if (!arrow.DataType.isStruct(from)) return mismatch(ctx, field, from, target);
      const columns = indexColumns(from.children, data.children, col.mapping);
      const children = resolveStructChildren(ctx, target.children, type.fields, columns, data.length);
      return arrow.makeData({
        type: target as arrow.Struct,
        length: data.length,
        nullCount: data.nullCount,
        ...(data.nullCount > 0 ? { nullBitmap: bitmapFromOffset(data) } : {}),
        children,
      });
    }
    case 'list':
      return resolveList(ctx, field, type, col, data, target);
    case 'map': {
      if (!arrow.DataType.isMap(from)) return mismatch(ctx, field, from, target);
      const entries = data.children[0]!;
      const entryFields = from.children[0]!.type.children as arrow.Field[];
      const targetEntries = target.children[0]!.type as arrow.Struct;
      const keyMap = mappedIdOf('key', col.mapping)?.fields;
      const valueMap = mappedIdOf('value', col.mapping)?.fields;
      const keyCol: FileColumn = { field: entryFields[0]!, data: entries.children[0]!, mapping: keyMap };
      const valueCol: FileColumn = { field: entryFields[1]!, data: entries.children[1]!, mapping: valueMap };
      const keyField: NestedField = { id: type.keyId, name: 'key', required: true, type: type.key };
      const valueField: NestedField = { id: type.valueId, name: 'value', required: type.valueRequired, type: type.value };
      const keys = resolveColumn(ctx, keyField, type.key, keyCol, targetEntries.children[0]!.type);
      const values = resolveColumn(ctx, valueField, type.value, valueCol, targetEntries.children[1]!.type);
      const entryData = arrow.makeData({ type: targetEntries, length: entries.length, nullCount: 0, children: [keys, values] });
      return arrow.makeData({
        type: target as arrow.Map_,
        length: data.length,
        nullCount: data.nullCount,
        ...(data.nullCount > 0 ? { nullBitmap: bitmapFromOffset(data) } : {}),
        valueOffsets: rebasedOffsets(data),
        child: entryData,
      });
    }
    default:
      return convertPrimitive(ctx, field, data, target);
  }
}

/** The list/map offsets as a fresh Int32Array (arrow-js keeps them pre-sliced, pointing into the unsliced child). */
function rebasedOffsets(data: arrow.Data): Int32Array {
  const src = data.valueOffsets as ArrayLike<number | bigint>;
  const out = new Int32Array(data.length + 1);
  for (let i = 0; i <= data.length; i++) out[i] = Number(src[i]);
  return out;
}

function resolveList(
  ctx: Ctx,
  field: NestedField,
  type: Extract<IcebergType, { type: 'list' }>,
  col: FileColumn,
  data: arrow.Data,
  target: arrow.DataType,
): arrow.Data {
  const from = data.type;
  const isList = arrow.DataType.isList(from) || from.typeId === arrow.Type.LargeList;
  const isFixed = arrow.DataType.isFixedSizeList(from);
  if (!isList && !isFixed) return mismatch(ctx, field, from, target);
  const elementField: NestedField = { id: type.elementId, name: 'element', required: type.elementRequired, type: type.element };
  const fileElement = from.children[0] as arrow.Field;
  const elementCol: FileColumn = { field: fileElement, data: data.children[0]!, mapping: mappedIdOf('element', col.mapping)?.fields };
  const targetElement = target.children[0]!.type;
  const validity = data.nullCount > 0 ? { nullBitmap: bitmapFromOffset(data) } : {};

  if (arrow.DataType.isFixedSizeList(target)) {
    const dim = target.listSize;
    const element = resolveColumn(ctx, elementField, type.element, elementCol, targetElement);
    if (isFixed) {
      if ((from as arrow.FixedSizeList).listSize !== dim) return mismatch(ctx, field, from, target);
      return arrow.makeData({ type: target, length: data.length, nullCount: data.nullCount, ...validity, child: element });
    }
    // A Parquet LIST (any writer's embedding column) read as FixedSizeList: every non-null list must have `dim` elements.
    const r = fixedSizeListFromList(data, element, target);
    if ('data' in r) return r.data;
    throw new SchemaMismatchError(
      `vector field '${field.name}' (id ${field.id}) has a list of ${r.badLength} elements at row ${r.badRow} of data file ${ctx.path}; the table's dimension is ${dim}`,
      { context: { path: ctx.path, field: field.name, fieldId: field.id, row: r.badRow, length: r.badLength, dimension: dim } },
    );
  }

  // Target is a List.
  let offsets: Int32Array;
  if (isFixed) {
    const size = (from as arrow.FixedSizeList).listSize;
    offsets = new Int32Array(data.length + 1);
    for (let i = 0; i <= data.length; i++) offsets[i] = i * size;
  } else {
    offsets = rebasedOffsets(data);
  }
  const element = resolveColumn(ctx, elementField, type.element, elementCol, targetElement);
  return arrow.makeData({
    type: target as arrow.List,
    length: data.length,
    nullCount: data.nullCount,
    ...validity,
    valueOffsets: offsets,
    child: element,
  });
}

// ---------------------------------------------------------------- public API

const targetSchemas = new WeakMap<Schema, Map<string, arrow.Schema>>();

function targetSchemaFor(schema: Schema, vectorDimensions: ReadonlyMap<number, number> | undefined): arrow.Schema {
  const key = vectorDimensions ? [...vectorDimensions].map(([k, v]) => `${k}:${v}`).join(',') : '';
  let byKey = targetSchemas.get(schema);
  if (!byKey) targetSchemas.set(schema, (byKey = new Map()));
  let s = byKey.get(key);
  if (!s) byKey.set(key, (s = arrowSchemaFromIceberg(schema, vectorDimensions ? { vectorDimensions } : {})));
  return s;
}

/**
 * Resolve a batch read from a data file into a batch of the read schema, by field id (see the
 * module doc for the rules). The result's schema is `arrowSchemaFromIceberg(readSchema)`.
 *
 * @param batch a batch as read from the file (its fields carry `PARQUET:field_id`)
 * @param options the read schema, constants, name mapping, vector dimensions, path for errors
 * @throws {SchemaMismatchError} when a file column cannot be read as its field's type, or a vector has the wrong length
 */
export function resolveBatch(batch: arrow.RecordBatch, options: ResolveOptions): arrow.RecordBatch {
  const ctx: Ctx = { constants: options.constants, path: options.path ?? '<data file>' };
  const target = targetSchemaFor(options.readSchema, options.vectorDimensions);
  const fileFields = batch.schema.fields;
  const columns = indexColumns(fileFields, batch.data.children, options.nameMapping);
  const children = resolveStructChildren(ctx, target.fields, options.readSchema.fields, columns, batch.numRows);
  const data = arrow.makeData({ type: new arrow.Struct(target.fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(target, data);
}

/**
 * Resolve every batch of a table read from one data file (see {@link resolveBatch}).
 * @param table the file's data
 * @param options as for {@link resolveBatch}
 * @throws {SchemaMismatchError} as {@link resolveBatch}
 */
export function resolveTable(table: arrow.Table, options: ResolveOptions): arrow.Table {
  const target = targetSchemaFor(options.readSchema, options.vectorDimensions);
  if (table.batches.length === 0) return new arrow.Table(target);
  return new arrow.Table(table.batches.map((b) => resolveBatch(b, options)));
}

/**
 * The top-level file columns to read for a read schema (projection pushdown): those whose field
 * id (or name-mapped id) is one of the read schema's top-level field ids.
 * @param fileSchema the file's Arrow schema (`readParquetMetadata(...).arrowSchema`)
 * @param readSchema the schema to produce
 * @param nameMapping fallback ids for columns without field ids
 */
export function fileColumnsFor(fileSchema: arrow.Schema, readSchema: Schema, nameMapping?: NameMapping): string[] {
  // An `unknown` column is never read from a file (spec §Parquet): it reads as nulls.
  const wanted = new Set(readSchema.fields.filter((f) => f.type.type !== 'unknown').map((f) => f.id));
  const out: string[] = [];
  for (const f of fileSchema.fields) {
    const id = fieldIdOf(f) ?? mappedIdOf(f.name, nameMapping)?.fieldId;
    if (id !== undefined && wanted.has(id)) out.push(f.name);
  }
  return out;
}
