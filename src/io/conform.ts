/**
 * Fit user data to a table's schema before it is written (the write-side counterpart of
 * `resolve.ts`): user columns are matched **by name** (users think in names; the table then
 * records field ids), cast to the Arrow type of each field, and checked.
 *
 * Accepted without loss: the Iceberg promotions (int→long, float→double, decimal precision
 * widening), narrow and unsigned integers whose values fit, half floats, `LargeUtf8`/`Utf8View`
 * → `Utf8` (and the binary equivalents), second/milli timestamps and times → micro, nano ones
 * when every value is a whole microsecond, `Date64` of whole days, uuid strings for uuid fields,
 * `List` ⇄ `LargeList` ⇄ `FixedSizeList`, dictionaries (decoded), and all-null columns of any
 * type (Arrow's `Null` type included) for optional fields. Missing optional fields are filled with their `write-default`
 * or nulls.
 *
 * Rejected with `SchemaMismatchError` naming the table and the field: a column the schema does
 * not have, a missing required field, an incompatible type, a null in a required field (with how
 * many and the first row), a vector of the wrong length.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import type { NestedField, PrimitiveType, Schema } from '../spec/index.js';
import { arrowSchemaFromIceberg } from './arrow-schema.js';
import { bitmapFromOffset, castPrimitive, fixedSizeListFromList } from './cast.js';
import { constantData, nullData } from './fill.js';
import { decodeDictionary } from './take.js';

/** Options for {@link conformToSchema}. */
export interface ConformOptions {
  /** The table's name, for error messages. */
  readonly table?: string;
  /** Field id → dimension of `list<float>` fields written as `FixedSizeList<Float32>[dim]`. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
}

interface Ctx {
  readonly table: string;
  /** Row number of the batch's first row within the whole input. */
  readonly baseRow: number;
}

function fail(ctx: Ctx, path: string, message: string, context: Record<string, string | number> = {}, help?: string): never {
  throw new SchemaMismatchError(`table ${ctx.table}: ${message}`, {
    context: { table: ctx.table, field: path, ...context },
    ...(help === undefined ? {} : { help }),
  });
}

function isValid(d: arrow.Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0) return true;
  const pos = d.offset + i;
  return ((bm[pos >> 3]! >> (pos & 7)) & 1) === 1;
}

function isPrimitiveField(f: NestedField): f is NestedField & { type: PrimitiveType } {
  return f.type.type !== 'struct' && f.type.type !== 'list' && f.type.type !== 'map';
}

function validity(d: arrow.Data): { nullCount: number; nullBitmap?: Uint8Array } {
  return d.nullCount > 0 ? { nullCount: d.nullCount, nullBitmap: bitmapFromOffset(d) } : { nullCount: 0 };
}

/**
 * `rowOf[j]` = the input row slot `j` belongs to, or -1 when an enclosing struct/list is null
 * there (null is then allowed even in a required field). `null` means slot j is row j.
 */
type RowOf = Int32Array | null;

function checkRequired(ctx: Ctx, path: string, field: NestedField, data: arrow.Data, rowOf: RowOf): void {
  if (!field.required || data.nullCount === 0) return;
  let count = 0;
  let first = -1;
  for (let j = 0; j < data.length; j++) {
    const row = rowOf ? rowOf[j]! : j;
    if (row < 0 || isValid(data, j)) continue;
    if (first < 0) first = row;
    count++;
  }
  if (count > 0) {
    fail(ctx, path, `required field '${path}' has ${count} null value${count === 1 ? '' : 's'} (first at row ${ctx.baseRow + first})`, {
      nullCount: count,
      firstRow: ctx.baseRow + first,
    });
  }
}

/** Slots of a struct's children: the struct's rows, minus those where the struct is null. */
function structRows(data: arrow.Data, rowOf: RowOf): RowOf {
  if (data.nullCount === 0) return rowOf;
  const out = new Int32Array(data.length);
  for (let j = 0; j < data.length; j++) out[j] = isValid(data, j) ? (rowOf ? rowOf[j]! : j) : -1;
  return out;
}

/** Slots of a list's (or map's) elements, whose child has `childLength` slots. */
function elementRows(data: arrow.Data, rowOf: RowOf, childLength: number, fixed: number | undefined): Int32Array {
  const out = new Int32Array(childLength).fill(-1);
  const offsets = data.valueOffsets as ArrayLike<number | bigint> | undefined;
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) continue;
    const s = fixed !== undefined ? i * fixed : Number(offsets![i]);
    const e = fixed !== undefined ? s + fixed : Number(offsets![i + 1]);
    const row = rowOf ? rowOf[i]! : i;
    for (let j = s; j < e && j < childLength; j++) out[j] = row;
  }
  return out;
}

function rebasedOffsets(data: arrow.Data, fixed: number | undefined): Int32Array {
  const out = new Int32Array(data.length + 1);
  if (fixed !== undefined) {
    for (let i = 0; i <= data.length; i++) out[i] = i * fixed;
    return out;
  }
  const src = data.valueOffsets as ArrayLike<number | bigint>;
  for (let i = 0; i <= data.length; i++) out[i] = Number(src[i]);
  return out;
}

function missing(ctx: Ctx, path: string, field: NestedField, target: arrow.DataType, length: number): arrow.Data {
  if (field.writeDefault !== undefined && isPrimitiveField(field)) {
    return constantData(target, field.type, field.writeDefault, length);
  }
  if (field.required) {
    return fail(ctx, path, `required field '${path}' is missing from the data`, {}, `add a '${path}' column, or make the field optional`);
  }
  return nullData(target, length);
}

/** Match a struct's (or the batch's) columns to the fields by name; unknown columns are an error. */
function conformFields(
  ctx: Ctx,
  prefix: string,
  fields: readonly NestedField[],
  targets: readonly arrow.Field[],
  sourceFields: readonly arrow.Field[],
  sourceData: readonly arrow.Data[],
  length: number,
  rowOf: RowOf,
): arrow.Data[] {
  const byName = new Map<string, number>();
  sourceFields.forEach((f, k) => byName.set(f.name, k));
  const known = new Set(fields.map((f) => f.name));
  for (const f of sourceFields) {
    if (!known.has(f.name)) {
      fail(ctx, prefix + f.name, `column '${prefix + f.name}' is not in the table schema`, {}, 'evolve the schema first (updateSchema().addColumn), or drop the column');
    }
  }
  return fields.map((f, k) => {
    const path = prefix + f.name;
    const target = targets[k]!.type;
    const idx = byName.get(f.name);
    if (idx === undefined) return missing(ctx, path, f, target, length);
    const out = conformColumn(ctx, path, f, target, sourceData[idx]!, rowOf);
    checkRequired(ctx, path, f, out, rowOf);
    return out;
  });
}

function conformColumn(ctx: Ctx, path: string, field: NestedField, target: arrow.DataType, source: arrow.Data, rowOf: RowOf): arrow.Data {
  if (source.type.typeId === arrow.Type.Null || (source.length > 0 && source.nullCount === source.length)) {
    // An all-null column (Arrow's Null type, or e.g. vectorFromArray([null, null]) as Float64):
    // no value to convert, so nulls of the field's type (checkRequired rejects them where needed).
    return nullData(target, source.length);
  }
  const data = decodeDictionary(source);
  const from = source.type;
  const type = field.type;
  const incompatible = (reason?: string): never =>
    fail(ctx, path, `column '${path}' is ${String(from)}, which cannot be written as Iceberg ${describeType(field)} (${String(target)})${reason ? `: ${reason}` : ''}`, {
      arrowType: String(from),
    });
  switch (type.type) {
    case 'struct': {
      if (!arrow.DataType.isStruct(from)) return incompatible();
      const children = conformFields(ctx, `${path}.`, type.fields, target.children, from.children, data.children, data.length, structRows(data, rowOf));
      return arrow.makeData({ type: target as arrow.Struct, length: data.length, ...validity(data), children });
    }
    case 'list': {
      const isFixed = arrow.DataType.isFixedSizeList(from);
      if (!isFixed && !arrow.DataType.isList(from) && from.typeId !== arrow.Type.LargeList) return incompatible();
      const fixed = isFixed ? (from as arrow.FixedSizeList).listSize : undefined;
      const elementField: NestedField = { id: type.elementId, name: 'element', required: type.elementRequired, type: type.element };
      const child = data.children[0]!;
      const childRows = elementRows(data, rowOf, child.length, fixed);
      const element = conformColumn(ctx, `${path}.element`, elementField, target.children[0]!.type, child, childRows);
      checkRequired(ctx, `${path}.element`, elementField, element, childRows);
      if (arrow.DataType.isFixedSizeList(target)) {
        if (fixed !== undefined) {
          if (fixed !== target.listSize) return incompatible(`vectors have ${fixed} elements, the table's dimension is ${target.listSize}`);
          return arrow.makeData({ type: target, length: data.length, ...validity(data), child: element });
        }
        const r = fixedSizeListFromList(data, element, target);
        if ('data' in r) return r.data;
        return fail(ctx, path, `vector column '${path}' has a list of ${r.badLength} elements at row ${ctx.baseRow + r.badRow}; the table's dimension is ${target.listSize}`, {
          row: ctx.baseRow + r.badRow,
          length: r.badLength,
          dimension: target.listSize,
        });
      }
      return arrow.makeData({
        type: target as arrow.List,
        length: data.length,
        ...validity(data),
        valueOffsets: rebasedOffsets(data, fixed),
        child: element,
      });
    }
    case 'map': {
      if (!arrow.DataType.isMap(from)) return incompatible();
      const entries = data.children[0]!;
      const entryRows = elementRows(data, rowOf, entries.length, undefined);
      const targetEntries = target.children[0]!.type as arrow.Struct;
      const keyField: NestedField = { id: type.keyId, name: 'key', required: true, type: type.key };
      const valueField: NestedField = { id: type.valueId, name: 'value', required: type.valueRequired, type: type.value };
      const keys = conformColumn(ctx, `${path}.key`, keyField, targetEntries.children[0]!.type, entries.children[0]!, entryRows);
      checkRequired(ctx, `${path}.key`, keyField, keys, entryRows);
      const values = conformColumn(ctx, `${path}.value`, valueField, targetEntries.children[1]!.type, entries.children[1]!, entryRows);
      checkRequired(ctx, `${path}.value`, valueField, values, entryRows);
      const entryData = arrow.makeData({ type: targetEntries, length: entries.length, nullCount: 0, children: [keys, values] });
      return arrow.makeData({
        type: target as arrow.Map_,
        length: data.length,
        ...validity(data),
        valueOffsets: rebasedOffsets(data, undefined),
        child: entryData,
      });
    }
    default: {
      // spec §Primitive Types: an `unknown` column holds only nulls (the all-null case returned above).
      if (type.type === 'unknown') return incompatible('a column of type unknown holds only nulls');
      const r = castPrimitive(data, target, { exact: true, lenient: true, uuid: type.type === 'uuid' });
      if ('data' in r) return r.data;
      return incompatible(r.reason);
    }
  }
}

function describeType(field: NestedField): string {
  const t = field.type;
  if (t.type === 'decimal') return `decimal(${t.precision},${t.scale})`;
  if (t.type === 'fixed') return `fixed[${t.length}]`;
  return t.type;
}

/**
 * Fit user data to a table schema for writing: columns by name, cast to the table's Arrow types
 * (with field ids), missing optional columns filled, constraints checked (see the module doc).
 *
 * @param data the user's table
 * @param schema the table schema
 * @param options table name for errors, vector dimensions
 * @returns a table whose schema is `arrowSchemaFromIceberg(schema, { vectorDimensions })`
 * @throws {SchemaMismatchError} (code `SCHEMA_MISMATCH`) naming the table and field, for an unknown column, a missing required field, an incompatible type, a null in a required field, or a vector of the wrong length
 */
export function conformToSchema(data: arrow.Table, schema: Schema, options: ConformOptions = {}): arrow.Table {
  const target = arrowSchemaFromIceberg(schema, options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {});
  const table = options.table ?? '<table>';
  if (data.batches.length === 0) {
    // Still check the column names (and required columns) against the schema.
    conformFields({ table, baseRow: 0 }, '', schema.fields, target.fields, data.schema.fields, data.schema.fields.map(() => arrow.makeData({ type: new arrow.Null(), length: 0 })), 0, null);
    return new arrow.Table(target);
  }
  let baseRow = 0;
  const batches = data.batches.map((batch) => {
    const ctx: Ctx = { table, baseRow };
    baseRow += batch.numRows;
    const children = conformFields(ctx, '', schema.fields, target.fields, batch.schema.fields, batch.data.children, batch.numRows, null);
    return new arrow.RecordBatch(target, arrow.makeData({ type: new arrow.Struct(target.fields), length: batch.numRows, nullCount: 0, children }));
  });
  return new arrow.Table(batches);
}
