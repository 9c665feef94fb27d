/**
 * Iceberg schema ⇄ Arrow schema.
 *
 * The Arrow side carries each Iceberg field id as Arrow field metadata `PARQUET:field_id`, on
 * every field including list elements and map keys and values: arrow-rs writes that key as the
 * Parquet field id (spec §Parquet "Column IDs are required to be stored as field IDs") and puts
 * it back on read, which is how `resolve.ts` finds columns by id. The schema-level metadata
 * carries `iceberg.schema` (the schema's JSON, spec Appendix C), which `writeParquet` copies into
 * the Parquet footer where Java, PyIceberg and icebird look for it.
 *
 * | Iceberg                     | Arrow                                   |
 * |-----------------------------|-----------------------------------------|
 * | boolean                     | Bool                                    |
 * | int / long                  | Int32 / Int64                           |
 * | float / double              | Float32 / Float64                       |
 * | decimal(P,S)                | Decimal128(P,S) (Parquet: INT32/INT64/FLBA by P, as the spec asks) |
 * | date                        | Date32 (DateDay)                        |
 * | time                        | Time64(µs)                              |
 * | timestamp / timestamptz     | Timestamp(µs) / Timestamp(µs, "UTC")    |
 * | timestamp_ns / …tz_ns       | Timestamp(ns) / Timestamp(ns, "UTC")    |
 * | string                      | Utf8                                    |
 * | uuid / fixed(L)             | FixedSizeBinary(16) / FixedSizeBinary(L) |
 * | binary                      | Binary                                  |
 * | struct / list / map         | Struct / List / Map                     |
 * | list<float> in `vectorDimensions` | FixedSizeList<Float32>[dim] (written as a Parquet LIST) |
 *
 * uuid gets no `arrow.uuid` extension metadata: pyarrow would read it back as an extension type
 * that pyarrow-based readers may not map, and parquet-wasm ignores it anyway (its arrow-rs is
 * built without canonical extension types). `writeParquet` adds the Parquet `UUID` logical type
 * from the `iceberg.schema` metadata instead.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { encodeSchema, type IcebergType, type NestedField, type PrimitiveType, type Schema } from '../spec/index.js';
import { stringifyJson } from '../util/index.js';

/** Arrow field metadata key holding the Parquet / Iceberg field id. */
export const PARQUET_FIELD_ID_KEY = 'PARQUET:field_id';

/** Parquet footer (and Arrow schema metadata) key holding the Iceberg schema JSON. */
export const ICEBERG_SCHEMA_KEY = 'iceberg.schema';

/** Options for {@link arrowSchemaFromIceberg}. */
export interface ArrowSchemaOptions {
  /** Field id → dimension for `list<float>` fields stored as `FixedSizeList<Float32>[dim]` (embeddings). */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** Whether to set `iceberg.schema` on the schema metadata (default true). */
  readonly withIcebergSchema?: boolean;
}

function idMetadata(id: number): Map<string, string> {
  return new Map([[PARQUET_FIELD_ID_KEY, String(id)]]);
}

/**
 * The Arrow type for an Iceberg primitive type (see the module table).
 * @param t the Iceberg type
 */
export function arrowTypeFromPrimitive(t: PrimitiveType): arrow.DataType {
  switch (t.type) {
    case 'boolean':
      return new arrow.Bool();
    case 'int':
      return new arrow.Int32();
    case 'long':
      return new arrow.Int64();
    case 'float':
      return new arrow.Float32();
    case 'double':
      return new arrow.Float64();
    case 'decimal':
      return new arrow.Decimal(t.scale, t.precision, 128);
    case 'date':
      return new arrow.DateDay();
    case 'time':
      return new arrow.TimeMicrosecond();
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    case 'timestamptz':
      return new arrow.TimestampMicrosecond('UTC');
    case 'timestamp_ns':
      return new arrow.TimestampNanosecond();
    case 'timestamptz_ns':
      return new arrow.TimestampNanosecond('UTC');
    case 'string':
      return new arrow.Utf8();
    case 'uuid':
      return new arrow.FixedSizeBinary(16);
    case 'fixed':
      return new arrow.FixedSizeBinary(t.length);
    case 'binary':
      return new arrow.Binary();
    case 'unknown':
      // spec §Primitive Types: an `unknown` column holds only nulls and is not stored in files.
      return new arrow.Null();
  }
}

/**
 * The Arrow type for any Iceberg type, with field ids on nested fields.
 * @param t the Iceberg type
 * @param vectorDim when set and `t` is `list<float>`, the FixedSizeList dimension
 * @param options vector dimensions of nested fields
 */
export function arrowTypeFromIceberg(t: IcebergType, vectorDim?: number, options: ArrowSchemaOptions = {}): arrow.DataType {
  switch (t.type) {
    case 'struct':
      return new arrow.Struct(t.fields.map((f) => arrowFieldFromIceberg(f, options)));
    case 'list': {
      const element = new arrow.Field('element', arrowTypeFromIceberg(t.element, undefined, options), !t.elementRequired, idMetadata(t.elementId));
      if (vectorDim !== undefined && t.element.type === 'float') return new arrow.FixedSizeList(vectorDim, element);
      return new arrow.List(element);
    }
    case 'map': {
      // Map keys are always required (spec §Nested Types); the entries struct itself is never null.
      const key = new arrow.Field('key', arrowTypeFromIceberg(t.key, undefined, options), false, idMetadata(t.keyId));
      const value = new arrow.Field('value', arrowTypeFromIceberg(t.value, undefined, options), !t.valueRequired, idMetadata(t.valueId));
      // arrow-js types Map_ entries as Struct<{key, value}>; the fields are built dynamically.
      // It also renames the entries field to `entries`; the Parquet writer restores `key_value`
      // (parquet-names.ts).
      const entries = new arrow.Field('key_value', new arrow.Struct([key, value]), false) as unknown as ConstructorParameters<typeof arrow.Map_>[0];
      return new arrow.Map_(entries, false);
    }
    default:
      return arrowTypeFromPrimitive(t);
  }
}

/**
 * The Arrow field for an Iceberg field: same name, nullable unless required, `PARQUET:field_id`.
 * @param field the Iceberg field
 * @param options vector dimensions
 */
export function arrowFieldFromIceberg(field: NestedField, options: ArrowSchemaOptions = {}): arrow.Field {
  const dim = options.vectorDimensions?.get(field.id);
  return new arrow.Field(field.name, arrowTypeFromIceberg(field.type, dim, options), !field.required, idMetadata(field.id));
}

/**
 * The Arrow schema for an Iceberg schema: the shape of every batch Floe reads from the table and
 * of every file it writes, with field ids in `PARQUET:field_id` and `iceberg.schema` in the
 * schema metadata.
 *
 * @param schema the Iceberg schema
 * @param options `vectorDimensions`: field id → dim for `list<float>` fields read as `FixedSizeList<Float32>[dim]`
 * @throws {InvalidArgumentError} when a vector dimension is not a positive integer or names a field that is not `list<float>`
 */
export function arrowSchemaFromIceberg(schema: Schema, options: ArrowSchemaOptions = {}): arrow.Schema {
  for (const [id, dim] of options.vectorDimensions ?? []) {
    if (!Number.isSafeInteger(dim) || dim <= 0) {
      throw new InvalidArgumentError(`vector dimension of field ${id} must be a positive integer, got ${dim}`, { context: { fieldId: id } });
    }
  }
  const metadata = new Map<string, string>();
  if (options.withIcebergSchema ?? true) metadata.set(ICEBERG_SCHEMA_KEY, stringifyJson(encodeSchema(schema)));
  return new arrow.Schema(
    schema.fields.map((f) => arrowFieldFromIceberg(f, options)),
    metadata,
  );
}

/**
 * The Iceberg field id an Arrow field carries in `PARQUET:field_id`, if any.
 * @param field an Arrow field
 */
export function fieldIdOf(field: arrow.Field): number | undefined {
  const raw = field.metadata.get(PARQUET_FIELD_ID_KEY);
  if (raw === undefined) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

// ---------------------------------------------------------------- Arrow → Iceberg

/** What {@link icebergSchemaFromArrow} returns. */
export interface IcebergSchemaFromArrow {
  /** The Iceberg schema. */
  readonly schema: Schema;
  /** The highest field id assigned (the table's `last-column-id`). */
  readonly lastColumnId: number;
  /** Field id → dimension of every `FixedSizeList<Float32>` field (embedding columns). */
  readonly vectorDimensions: Map<number, number>;
}

/**
 * The Iceberg primitive type an Arrow type maps to, if it is a primitive Floe can store.
 * Narrow integers widen to `int`, `Uint32` to `long`; `Utf8`/`LargeUtf8`/`Utf8View` → `string`;
 * dictionaries map as their value type; second/millisecond times and timestamps map to the
 * microsecond Iceberg types (`conformToSchema` converts the values).
 * @param t an Arrow type
 * @returns the Iceberg type, or undefined when there is none (nested types included)
 */
export function primitiveFromArrowType(t: arrow.DataType): PrimitiveType | undefined {
  if (arrow.DataType.isDictionary(t)) return primitiveFromArrowType(t.dictionary);
  switch (t.typeId) {
    case arrow.Type.Bool:
      return { type: 'boolean' };
    case arrow.Type.Int: {
      const it = t as arrow.Int;
      if (it.bitWidth === 64) return it.isSigned ? { type: 'long' } : undefined;
      if (it.bitWidth === 32) return it.isSigned ? { type: 'int' } : { type: 'long' };
      return { type: 'int' };
    }
    case arrow.Type.Float: {
      const ft = t as arrow.Float;
      return ft.precision === arrow.Precision.DOUBLE ? { type: 'double' } : { type: 'float' };
    }
    case arrow.Type.Decimal: {
      const dt = t as arrow.Decimal;
      if (dt.precision < 1 || dt.precision > 38 || dt.scale < 0) return undefined;
      return { type: 'decimal', precision: dt.precision, scale: dt.scale };
    }
    case arrow.Type.Date:
      return { type: 'date' };
    case arrow.Type.Time:
      return { type: 'time' };
    case arrow.Type.Timestamp: {
      const ts = t as arrow.Timestamp;
      const hasZone = ts.timezone !== null && ts.timezone !== undefined && ts.timezone !== '';
      // Nanosecond Arrow timestamps are stored as the v2 microsecond types: timestamp_ns is v3-only.
      return { type: hasZone ? 'timestamptz' : 'timestamp' };
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Utf8View:
      return { type: 'string' };
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
    case arrow.Type.BinaryView:
      return { type: 'binary' };
    case arrow.Type.FixedSizeBinary:
      return { type: 'fixed', length: (t as arrow.FixedSizeBinary).byteWidth };
    default:
      return undefined;
  }
}

function describeArrowType(t: arrow.DataType): string {
  return String(t);
}

/** Whether every field (nested ones included) carries a field id. */
function allFieldsHaveIds(fields: readonly arrow.Field[]): boolean {
  return fields.every((f) => fieldIdOf(f) !== undefined && allFieldsHaveIds(nestedArrowFields(f.type)));
}

/** The Arrow fields that become Iceberg fields (struct children, list element, map key and value). */
function nestedArrowFields(t: arrow.DataType): arrow.Field[] {
  if (arrow.DataType.isStruct(t)) return t.children;
  if (arrow.DataType.isList(t) || arrow.DataType.isFixedSizeList(t) || t.typeId === arrow.Type.LargeList) {
    return (t as arrow.List).children;
  }
  if (arrow.DataType.isMap(t)) return t.children[0]?.type.children ?? [];
  return [];
}

/**
 * Derive an Iceberg schema from an Arrow schema, for creating a table from data.
 *
 * Field ids: taken from `PARQUET:field_id` when every field (nested ones included) carries one;
 * otherwise assigned fresh as Java's `TypeUtil.assignFreshIds` and PyIceberg do: a struct's
 * fields get consecutive ids before any of their children, starting at 1 (so top-level columns
 * are 1..n). Non-nullable Arrow fields become required. `FixedSizeList<Float32>[dim]` becomes
 * `list<float>` and its dimension is returned in `vectorDimensions`.
 *
 * @param arrowSchema the Arrow schema
 * @param options `schemaId` (default 0)
 * @throws {UnsupportedError} naming the field for an Arrow type Iceberg cannot store (unions, intervals, durations, unsigned 64-bit, null)
 * @throws {InvalidArgumentError} when carried field ids are duplicated or not positive
 */
export function icebergSchemaFromArrow(arrowSchema: arrow.Schema, options: { readonly schemaId?: number } = {}): IcebergSchemaFromArrow {
  const useGivenIds = arrowSchema.fields.length > 0 && allFieldsHaveIds(arrowSchema.fields);
  let nextId = 0;
  const seen = new Set<number>();
  const vectorDimensions = new Map<number, number>();

  const idFor = (f: arrow.Field, path: string): number => {
    if (!useGivenIds) return ++nextId;
    const id = fieldIdOf(f)!;
    if (id <= 0 || seen.has(id)) {
      throw new InvalidArgumentError(`field '${path}' carries ${id <= 0 ? 'a non-positive' : 'a duplicate'} field id ${id}`, {
        context: { field: path, fieldId: id },
      });
    }
    seen.add(id);
    nextId = Math.max(nextId, id);
    return id;
  };

  // Ids of a struct's fields are taken before recursing (Java assignFreshIds order).
  const convertStruct = (fields: readonly arrow.Field[], prefix: string): NestedField[] => {
    const ids = fields.map((f) => idFor(f, prefix + f.name));
    return fields.map((f, i) => {
      const id = ids[i]!;
      const path = prefix + f.name;
      const type = convertType(f.type, path, id);
      return { id, name: f.name, required: !f.nullable, type };
    });
  };

  const convertType = (t: arrow.DataType, path: string, ownerId: number): IcebergType => {
    if (arrow.DataType.isDictionary(t)) return convertType(t.dictionary, path, ownerId);
    if (arrow.DataType.isStruct(t)) return { type: 'struct', fields: convertStruct(t.children, `${path}.`) };
    if (arrow.DataType.isList(t) || arrow.DataType.isFixedSizeList(t) || t.typeId === arrow.Type.LargeList) {
      const child = (t as arrow.List).children[0];
      if (child === undefined) throw new UnsupportedError(`list field '${path}' has no element field`, { context: { field: path } });
      const elementId = idFor(child, `${path}.element`);
      const element = convertType(child.type, `${path}.element`, elementId);
      if (arrow.DataType.isFixedSizeList(t) && element.type === 'float') vectorDimensions.set(ownerId, t.listSize);
      return { type: 'list', elementId, element, elementRequired: !child.nullable };
    }
    if (arrow.DataType.isMap(t)) {
      const entries = t.children[0]?.type.children ?? [];
      const [k, v] = entries;
      if (k === undefined || v === undefined) throw new UnsupportedError(`map field '${path}' lacks key or value`, { context: { field: path } });
      const keyId = idFor(k, `${path}.key`);
      const valueId = idFor(v, `${path}.value`);
      return {
        type: 'map',
        keyId,
        key: convertType(k.type, `${path}.key`, keyId),
        valueId,
        value: convertType(v.type, `${path}.value`, valueId),
        valueRequired: !v.nullable,
      };
    }
    const p = primitiveFromArrowType(t);
    if (p === undefined) {
      throw new UnsupportedError(`arrow type ${describeArrowType(t)} of field '${path}' has no Iceberg equivalent`, {
        context: { field: path, arrowType: describeArrowType(t) },
        help: 'cast the column to a supported type (see the type table in src/io/arrow-schema.ts)',
      });
    }
    return p;
  };

  const fields = convertStruct(arrowSchema.fields, '');
  return { schema: { schemaId: options.schemaId ?? 0, fields }, lastColumnId: nextId, vectorDimensions };
}
