/**
 * The Parquet `UUID` logical type on uuid columns, added to a file parquet-wasm wrote.
 *
 * The spec's Parquet type table (§Parquet "Data Type Mappings") maps `uuid` to
 * `fixed_len_byte_array[16]` with the `UUID` logical type. parquet-wasm 0.8.0's arrow-rs writes
 * FixedSizeBinary(16) as a bare FIXED_LEN_BYTE_ARRAY(16) and has no option for the annotation
 * (it is built without arrow-rs's canonical extension types, so `arrow.uuid` is ignored too).
 * So {@link annotateUuidColumns} edits the footer after the fact: the footer (`FileMetaData`,
 * Thrift compact protocol) comes last in the file, `<data> <footer> <u32 LE footer length> PAR1`,
 * and no offset in it points past the data, so a longer footer moves nothing else.
 *
 * Only the footer's head is re-encoded: `version` (field 1) and `schema` (field 2), the
 * `SchemaElement` list the annotation goes into. Everything after it (row groups, key-value
 * metadata, `created_by`, column orders, and any field a newer writer adds) is copied byte for
 * byte, so nothing this module does not model can be lost or re-typed. The Thrift codec is
 * hyparquet's (`deserializeTCompactProtocol`) and hyparquet-writer's
 * (`serializeTCompactProtocol`), which work on field-id keyed objects. Those objects do not keep
 * Thrift's wire types, so the original head is re-encoded first and must come out identical to
 * the file's bytes before the annotated one replaces it: a footer this cannot reproduce exactly
 * is an {@link InternalError}, never a silently altered file.
 *
 * Cost: decoding and re-encoding the head of a 3.7 KB footer takes about half a millisecond; the
 * file itself is copied once, into a buffer with room for the longer footer (for a 100 MB file
 * that copy costs what any 100 MB copy does, a fraction of parquet-wasm's own write). Files
 * without uuid columns are returned as written, uncopied.
 *
 * The field numbers are parquet-format's `parquet.thrift`: `SchemaElement` { 1: type, 2:
 * type_length, 9: field_id, 10: logicalType, … }, `LogicalType` union { 10: INTEGER (IntType
 * { 1: i8 bitWidth, 2: bool isSigned }), 14: UUID (UUIDType {}), … }, `Type` 7 =
 * FIXED_LEN_BYTE_ARRAY.
 *
 * @module
 */
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { serializeTCompactProtocol, ThriftStruct } from 'hyparquet-writer/src/thrift.js';
import { InternalError, InvalidArgumentError, isFloeError } from '../errors.js';
import { decodeSchema, indexById, type NestedField } from '../spec/index.js';
import { parseJson } from '../util/index.js';
import { footerLength, PARQUET_MAGIC } from './parquet-footer.js';

/** A Thrift struct as hyparquet decodes it: values keyed by `field_<id>`. */
export type ThriftObject = { [key: `field_${number}`]: unknown };

// parquet.thrift numbers (see the module notes).
const FIXED_LEN_BYTE_ARRAY = 7;
const UUID_LENGTH = 16;
// Thrift compact protocol wire types (thrift-compact-protocol.md) for the one re-typed field.
const COMPACT_TRUE = 1;
const COMPACT_FALSE = 2;
const COMPACT_BYTE = 3;

/**
 * The ids of the uuid fields (at any depth: struct fields, list elements, map keys and values)
 * of an `iceberg.schema` footer value.
 * @param schemaJson the schema as Iceberg JSON, or undefined when the file has none
 * @param path the file's path, for errors
 * @throws {InvalidArgumentError} when `schemaJson` is not an Iceberg schema
 * @throws {UnsupportedError} when it holds a type Floe does not support (v3 types)
 */
export function uuidFieldIds(schemaJson: string | undefined, path: string): Set<number> {
  if (schemaJson === undefined) return new Set();
  let fields: Map<number, NestedField>;
  try {
    fields = indexById(decodeSchema(parseJson(schemaJson)));
  } catch (e) {
    if (isFloeError(e, 'UNSUPPORTED')) throw e; // a v3 type: the message says which
    const why = e instanceof Error ? e.message : String(e);
    throw new InvalidArgumentError(`the 'iceberg.schema' footer value of parquet file ${path} is not an Iceberg schema: ${why}`, {
      cause: e,
      context: { path, key: 'iceberg.schema' },
      help: "set it from encodeSchema (arrowSchemaFromIceberg does), or leave the key out",
    });
  }
  return new Set([...fields.values()].filter((f) => f.type.type === 'uuid').map((f) => f.id));
}

/** Whether a `SchemaElement` is a bare FIXED_LEN_BYTE_ARRAY(16) leaf of one of `ids`. */
function isBareUuidLeaf(e: ThriftObject, ids: ReadonlySet<number>): boolean {
  return (
    e.field_1 === FIXED_LEN_BYTE_ARRAY &&
    e.field_2 === UUID_LENGTH &&
    typeof e.field_9 === 'number' &&
    ids.has(e.field_9) &&
    // A converted or logical type already there means the column is not a plain uuid: leave it.
    e.field_6 === undefined &&
    e.field_10 === undefined
  );
}

/** `e` with `logicalType` = UUID, its fields kept in id order (the compact protocol needs ascending ids). */
function withUuidLogicalType(e: ThriftObject): ThriftObject {
  const out: ThriftObject = {};
  const entries = Object.entries({ ...e, field_10: { field_14: {} } }) as [`field_${number}`, unknown][];
  entries.sort(([a], [b]) => Number(a.slice(6)) - Number(b.slice(6)));
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/**
 * `e` ready for hyparquet-writer: the one `i8` a `SchemaElement` can hold (IntType.bitWidth)
 * spelled out, since untyped numbers are written as i32.
 * @param e a `SchemaElement` as hyparquet decodes it
 */
export function typedSchemaElement(e: ThriftObject): ThriftObject {
  const logical = e.field_10 as ThriftObject | undefined;
  const int = logical?.field_10 as ThriftObject | undefined;
  // Unknown fields are left to the exactness check in annotateUuidColumns.
  if (int === undefined || Object.keys(int).some((k) => k !== 'field_1' && k !== 'field_2')) return e;
  const fields: [number, number, unknown][] = [];
  if (int.field_1 !== undefined) fields.push([1, COMPACT_BYTE, int.field_1]);
  if (int.field_2 !== undefined) fields.push([2, int.field_2 === true ? COMPACT_TRUE : COMPACT_FALSE, int.field_2]);
  return { ...e, field_10: { ...logical, field_10: new ThriftStruct(fields as ConstructorParameters<typeof ThriftStruct>[0]) } };
}

/** The compact encoding of `FileMetaData` fields 1 and 2 as they start a footer (no STOP). */
function encodeHead(version: unknown, schema: readonly ThriftObject[]): Uint8Array {
  const writer = new ByteWriter();
  serializeTCompactProtocol(writer, { field_1: version, field_2: schema.map(typedSchemaElement) });
  const bytes = writer.getBytes();
  return bytes.subarray(0, bytes.length - 1); // the STOP that would end the struct here
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Mark the uuid columns of a Parquet file with the `UUID` logical type (see the module notes).
 *
 * A column is marked when its `SchemaElement` is a FIXED_LEN_BYTE_ARRAY(16) leaf whose field id
 * is in `ids` and that has no logical or converted type yet; a `fixed[16]` column (not in `ids`)
 * stays bare, as the spec's table asks.
 *
 * @param file the whole file, as parquet-wasm wrote it
 * @param ids the field ids of the uuid columns (see {@link uuidFieldIds})
 * @param path the file's path, for errors
 * @returns `file` itself when no column needs the annotation, else a new file with the new footer
 * @throws {InternalError} when the footer cannot be decoded, or its head cannot be re-encoded exactly
 */
export function annotateUuidColumns(file: Uint8Array, ids: ReadonlySet<number>, path: string): Uint8Array {
  if (ids.size === 0) return file;
  let footerStart: number;
  let footer: Uint8Array;
  let meta: ThriftObject;
  try {
    const len = footerLength(file.subarray(Math.max(0, file.length - 8)), file.length);
    footerStart = file.length - 8 - len;
    footer = file.subarray(footerStart, file.length - 8);
    const reader = { view: new DataView(footer.buffer, footer.byteOffset, footer.byteLength), offset: 0 };
    meta = deserializeTCompactProtocol(reader) as ThriftObject;
    if (reader.offset !== footer.length) throw new Error(`footer has ${footer.length - reader.offset} bytes after its end`);
  } catch (e) {
    if (isFloeError(e)) throw e;
    throw new InternalError(`cannot decode the footer parquet-wasm wrote for ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e, context: { path } });
  }
  const schema = meta.field_2;
  const [first, second] = Object.keys(meta);
  if (first !== 'field_1' || second !== 'field_2' || !Array.isArray(schema)) {
    throw new InternalError(`the footer parquet-wasm wrote for ${path} does not start with version and schema`, { context: { path } });
  }
  const elements = schema as ThriftObject[];
  const annotated = elements.map((e) => (isBareUuidLeaf(e, ids) ? withUuidLogicalType(e) : e));
  if (annotated.every((e, i) => e === elements[i])) return file;

  const head = encodeHead(meta.field_1, elements);
  if (!sameBytes(head, footer.subarray(0, head.length))) {
    throw new InternalError(`cannot re-encode the schema of the footer parquet-wasm wrote for ${path} exactly`, { context: { path } });
  }
  const newHead = encodeHead(meta.field_1, annotated);
  const rest = footer.subarray(head.length);
  const newLength = newHead.length + rest.length;
  const out = new Uint8Array(footerStart + newLength + 8);
  out.set(file.subarray(0, footerStart), 0);
  out.set(newHead, footerStart);
  out.set(rest, footerStart + newHead.length);
  new DataView(out.buffer).setUint32(footerStart + newLength, newLength, true);
  out.set(PARQUET_MAGIC, footerStart + newLength + 4);
  return out;
}
