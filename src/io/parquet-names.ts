/**
 * The Arrow schema handed to arrow-rs when writing Parquet, with the group names the Parquet
 * format and Iceberg expect.
 *
 * Iceberg spec §Parquet maps `map` to the "3-level map" of parquet-format `LogicalTypes.md`
 * ("Maps"): `<name> (MAP) { repeated group key_value { required <key>; <value> } }`, the layout
 * Java writes. arrow-rs names the repeated group after the Arrow map's entries field, and
 * arrow-js renames every map's entries field to `entries` in the `Map_` constructor (arrow-js
 * `src/type.ts`, ARROW-8716); arrow-rs's own fix, `WriterProperties::set_coerce_types`, is not
 * exposed by parquet-wasm 0.8.0. So the entries field is renamed `key_value` here, on a copy of
 * the schema, just before the Arrow IPC crossing. Readers are unaffected: arrow-rs reads any
 * group name, and arrow-js names it `entries` again.
 *
 * Lists need nothing: arrow-rs writes the `list` / `element` names the spec's 3-level list uses.
 *
 * @module
 */
import * as arrow from 'apache-arrow';

/** The repeated group of a Parquet MAP (parquet-format `LogicalTypes.md`, "Maps"). */
const MAP_GROUP_NAME = 'key_value';

function withType(field: arrow.Field, type: arrow.DataType): arrow.Field {
  return type === field.type ? field : new arrow.Field(field.name, type, field.nullable, field.metadata);
}

function parquetType(t: arrow.DataType): arrow.DataType {
  if (arrow.DataType.isStruct(t)) {
    const fields = t.children.map(parquetField);
    return fields.every((f, i) => f === t.children[i]) ? t : new arrow.Struct(fields);
  }
  if (arrow.DataType.isList(t)) {
    const element = parquetField(t.children[0]!);
    return element === t.children[0] ? t : new arrow.List(element);
  }
  if (arrow.DataType.isFixedSizeList(t)) {
    const element = parquetField(t.children[0]!);
    return element === t.children[0] ? t : new arrow.FixedSizeList(t.listSize, element);
  }
  if (arrow.DataType.isMap(t)) {
    const entries = t.children[0]!;
    const entriesType = parquetType(entries.type) as arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>;
    if (entries.name === MAP_GROUP_NAME && entriesType === entries.type) return t;
    const keyValue = (): arrow.Field<typeof entriesType> => new arrow.Field(MAP_GROUP_NAME, entriesType, false, entries.metadata);
    const map = new arrow.Map_(keyValue(), t.keysSorted);
    // The constructor has just renamed the field to `entries` (see the module comment).
    map.children[0] = keyValue();
    return map;
  }
  return t;
}

function parquetField(field: arrow.Field): arrow.Field {
  return withType(field, parquetType(field.type));
}

/**
 * The schema to write a table with: the same fields, types, nullability and metadata, with every
 * map's entries field named `key_value`. Returns `schema` itself when it has no map.
 * @param schema the table's schema
 */
export function parquetWriteSchema(schema: arrow.Schema): arrow.Schema {
  const fields = schema.fields.map(parquetField);
  return fields.every((f, i) => f === schema.fields[i]) ? schema : new arrow.Schema(fields, schema.metadata);
}
