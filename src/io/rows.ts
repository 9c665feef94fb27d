/**
 * Plain row objects (`[{ user_id: 1n, ts: new Date(), score: 0.5, emb: [...] }]`, what LanceDB's
 * `add` and PyIceberg's `append` of a list of dicts take) turned into an Arrow table with the
 * **table's** schema: nothing is inferred, each value is checked and converted for its column.
 *
 * | Iceberg type                 | accepted JS values                                                  |
 * |------------------------------|---------------------------------------------------------------------|
 * | boolean                      | `boolean`                                                           |
 * | int                          | integer `number` or `bigint` within 32 bits                         |
 * | long                         | `bigint` within 64 bits, or a safe-integer `number`                 |
 * | float, double                | `number`                                                            |
 * | decimal(P,S)                 | `string` (`"12.50"`), `number` (its shortest decimal text) or `bigint`, exactly, at most S fraction digits and P digits |
 * | date                         | `Date` (its UTC day) or `"YYYY-MM-DD"`                               |
 * | time                         | `"HH:MM:SS[.ffffff]"` or `bigint` microseconds since midnight        |
 * | timestamp[tz][_ns]           | `Date`, ISO-8601 text (UTC unless it has an offset), `number` epoch milliseconds, or `bigint` epoch micro- (nano- for `_ns`) seconds |
 * | string                       | well-formed `string` (a lone surrogate is refused: Arrow would write U+FFFD) |
 * | uuid                         | `"8-4-4-4-12"` text or 16 bytes                                      |
 * | fixed(L), binary             | `Uint8Array` (of L bytes for fixed)                                 |
 * | struct                       | a plain object, by the same rules                                   |
 * | list                         | an array (or a typed array of numbers)                              |
 * | vector (`list<float>` of a recorded dimension) | an array or typed array of exactly that many numbers |
 * | map                          | a `Map`, or a plain object (its keys read as the key type's text)   |
 *
 * A key that is absent (or `undefined`) takes the field's `write-default`, else null; `null` is
 * null. Nulls in required fields, keys the schema does not have and values of the wrong type are
 * refused with `InvalidArgumentError` naming the row, the column and the value.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import {
  decimalFitsPrecision,
  decimalFromString,
  literalFromString,
  type Literal,
  type NestedField,
  type PrimitiveType,
  type Schema,
} from '../spec/index.js';
import { arrowTag } from './arrow-adopt.js';
import { arrowSchemaFromIceberg } from './arrow-schema.js';
import { constantData, nullData } from './fill.js';
import { dataFromLiterals, literalFromArrowValue } from './literals.js';

/** One row as users write it: column name → value. */
export type WriteRow = Readonly<Record<string, unknown>>;

/** Options of {@link tableFromRows}. */
export interface TableFromRowsOptions {
  /** Field id → dimension of vector (`list<float>`) columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** The table's name, for messages. */
  readonly table?: string;
  /** The argument the rows were passed as, for messages (default `data`). */
  readonly argument?: string;
}

/** Whether `x` is a plain object (`{…}` or `Object.create(null)`), not an array, class instance or Map. */
export function isPlainObject(x: unknown): x is WriteRow {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MICROS_PER_DAY = 86_400_000_000n;

/** Iceberg types whose values users naturally write as text. */
const TEXT_TYPES = new Set<PrimitiveType['type']>(['decimal', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'uuid']);

/** A value that does not fit: what was expected (the caller adds row, column and value). */
class Misfit extends Error {}

function typeName(t: PrimitiveType): string {
  if (t.type === 'decimal') return `decimal(${t.precision},${t.scale})`;
  if (t.type === 'fixed') return `fixed[${t.length}]`;
  return t.type;
}

/**
 * A short printable form of any value, for messages (`42`, `"text"`, `5n`, `an array of 3`).
 * @param v any value
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : `Date ${v.toISOString()}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an object with no keys' : `an object with keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`;
  }
  if (v instanceof Map) return 'a Map';
  const tag = arrowTag(v);
  if (tag === 'Table' || tag === 'RecordBatch' || tag === 'Schema') return `an Arrow ${tag}`;
  if (typeof v === 'object' && v !== null) return Object.prototype.toString.call(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  return typeof v;
}

function decimalLiteral(type: PrimitiveType & { type: 'decimal' }, v: unknown): bigint {
  let unscaled: bigint | undefined;
  // A number is taken as its shortest decimal text (0.1 is "0.1", not 0.1000000000000000055…),
  // which is what the user typed; a bigint is a whole value, not an unscaled one.
  if (typeof v === 'number' && Number.isFinite(v)) unscaled = decimalFromString(String(v), type.scale);
  else if (typeof v === 'bigint') unscaled = v * 10n ** BigInt(type.scale);
  else throw new Misfit('a decimal string, number or bigint');
  if (unscaled === undefined) throw new Misfit(`a decimal with at most ${type.scale} fraction digits`);
  if (!decimalFitsPrecision(unscaled, type.precision)) throw new Misfit(`at most ${type.precision} digits`);
  return unscaled;
}

/**
 * The Literal of one non-null row value for an Iceberg primitive type (see the module table).
 * Text goes through the same reader as filter literals (`literalFromString`), other values
 * through `literalFromArrowValue`, with the range checks row values need on top.
 */
function rowLiteral(type: PrimitiveType, v: unknown): Literal {
  if (typeof v === 'string') {
    if (type.type === 'string') {
      if (!(v as string & { isWellFormed(): boolean }).isWellFormed()) throw new Misfit('well-formed text (it has a lone surrogate, which UTF-8 cannot hold)');
      return v;
    }
    if (!TEXT_TYPES.has(type.type)) throw new Misfit(`a ${expectedOf(type)}`);
    try {
      return literalFromString(type, v);
    } catch (e) {
      // literalFromString says "cannot read … as T: expected <what>"; keep the <what>.
      const message = e instanceof Error ? e.message : '';
      const at = message.lastIndexOf(': expected ');
      throw new Misfit(at >= 0 ? message.slice(at + ': expected '.length) : `valid ${typeName(type)} text`);
    }
  }
  if (v instanceof Date && Number.isNaN(v.getTime())) throw new Misfit('a valid Date');
  switch (type.type) {
    case 'int':
      if ((typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX) || (typeof v === 'bigint' && v >= INT_MIN && v <= INT_MAX)) return Number(v);
      throw new Misfit('an integer between -2147483648 and 2147483647');
    case 'long':
      if (typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX) return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      throw new Misfit(typeof v === 'number' && Number.isInteger(v) ? 'a bigint (this number is beyond 2^53, where numbers lose digits)' : 'a 64-bit integer (bigint or safe-integer number)');
    case 'decimal':
      return decimalLiteral(type, v);
    case 'date':
      if (v instanceof Date) return literalFromArrowValue(type, v);
      throw new Misfit("a Date or 'YYYY-MM-DD'");
    case 'time':
      if (typeof v === 'bigint' && v >= 0n && v < MICROS_PER_DAY) return v;
      throw new Misfit("'HH:MM:SS[.ffffff]' or bigint microseconds since midnight");
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (v instanceof Date || (typeof v === 'number' && Number.isFinite(v))) return literalFromArrowValue(type, v);
      if (typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX) return v;
      throw new Misfit(`a Date, ISO-8601 text, epoch milliseconds or bigint epoch ${type.type.endsWith('_ns') ? 'nano' : 'micro'}seconds`);
    case 'uuid':
      if (v instanceof Uint8Array && v.length === 16) return literalFromArrowValue(type, v);
      throw new Misfit('a uuid string or 16 bytes');
    default:
      try {
        return literalFromArrowValue(type, v);
      } catch {
        throw new Misfit(`a ${expectedOf(type)}`);
      }
  }
}

function expectedOf(type: PrimitiveType): string {
  switch (type.type) {
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
      return 'integer';
    case 'float':
    case 'double':
      return 'number';
    case 'fixed':
      return `Uint8Array of ${type.length} bytes`;
    case 'binary':
      return 'Uint8Array';
    default:
      return typeName(type);
  }
}

/** What a column is being built from: its values and, for each, the input row (for messages). */
interface Column {
  readonly values: readonly unknown[];
  /** Row index of each value; null when value k is row k. */
  readonly rows: Int32Array | null;
}

interface Ctx {
  readonly argument: string;
  readonly table: string;
}

function rowOf(col: Column, k: number): number {
  return col.rows ? col.rows[k]! : k;
}

function misfit(ctx: Ctx, path: string, row: number, value: unknown, expected: string): never {
  throw new InvalidArgumentError(`argument ${ctx.argument}: row ${row}, column '${path}': ${describeValue(value)} does not fit, expected ${expected}`, {
    context: { argument: ctx.argument, table: ctx.table, row, column: path },
  });
}

function validity(n: number, isNull: (k: number) => boolean): { nullCount: number; nullBitmap?: Uint8Array } {
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let k = 0; k < n; k++) {
    if (isNull(k)) nullCount++;
    else bitmap[k >> 3]! |= 1 << (k & 7);
  }
  return nullCount === 0 ? { nullCount } : { nullCount, nullBitmap: bitmap };
}

/** The value of slot k of a nested column, null for an absent one; a null in a required field is refused. */
function resolved(ctx: Ctx, path: string, field: NestedField, col: Column, k: number): unknown {
  const v = col.values[k];
  if (v === undefined || v === null) {
    const row = rowOf(col, k);
    if (field.required && row >= 0) misfit(ctx, path, row, v, 'a value: the field is required');
    return null;
  }
  return v;
}

function buildColumn(ctx: Ctx, path: string, field: NestedField, target: arrow.DataType, col: Column): arrow.Data {
  const type = field.type;
  if (type.type !== 'struct' && type.type !== 'list' && type.type !== 'map') return primitiveColumn(ctx, path, field, type, target, col);
  const n = col.values.length;
  const values = new Array<unknown>(n);
  for (let k = 0; k < n; k++) values[k] = resolved(ctx, path, field, col, k);
  switch (type.type) {
    case 'struct': {
      for (let k = 0; k < n; k++) if (values[k] !== null && !isPlainObject(values[k])) misfit(ctx, path, rowOf(col, k), values[k], 'a plain object');
      const rows = new Int32Array(n);
      for (let k = 0; k < n; k++) rows[k] = values[k] === null ? -1 : rowOf(col, k);
      const children = buildFields(ctx, `${path}.`, type.fields, target.children, values as (WriteRow | null)[], rows);
      return arrow.makeData({ type: target as arrow.Struct, length: n, ...validity(n, (k) => values[k] === null), children });
    }
    case 'list': {
      const elementField: NestedField = { id: type.elementId, name: 'element', required: type.elementRequired, type: type.element };
      const fixed = arrow.DataType.isFixedSizeList(target) ? target.listSize : undefined;
      const vectors = arrow.DataType.isFixedSizeList(target) ? vectorData(ctx, path, target, values, col) : undefined;
      if (vectors) return vectors;
      const elements: unknown[] = [];
      const elementRows: number[] = [];
      const offsets = new Int32Array(n + 1);
      for (let k = 0; k < n; k++) {
        const v = values[k];
        if (v !== null) {
          const list = Array.isArray(v) ? v : ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<unknown>) : misfit(ctx, path, rowOf(col, k), v, 'an array');
          if (fixed !== undefined && list.length !== fixed) misfit(ctx, path, rowOf(col, k), v, `a vector of ${fixed} numbers, the table's dimension`);
          for (const e of list) {
            elements.push(e === undefined ? null : e);
            elementRows.push(rowOf(col, k));
          }
        } else if (fixed !== undefined) {
          for (let j = 0; j < fixed; j++) {
            elements.push(null);
            elementRows.push(-1);
          }
        }
        offsets[k + 1] = elements.length;
      }
      const child = buildColumn(ctx, `${path}.element`, elementField, target.children[0]!.type, { values: elements, rows: Int32Array.from(elementRows) });
      const nulls = validity(n, (k) => values[k] === null);
      if (fixed !== undefined) return arrow.makeData({ type: target as arrow.FixedSizeList, length: n, ...nulls, child });
      return arrow.makeData({ type: target as arrow.List, length: n, ...nulls, valueOffsets: offsets, child });
    }
    case 'map': {
      const entriesType = target.children[0]!.type as arrow.Struct;
      const keyField: NestedField = { id: type.keyId, name: 'key', required: true, type: type.key };
      const valueField: NestedField = { id: type.valueId, name: 'value', required: type.valueRequired, type: type.value };
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      const entryRows: number[] = [];
      const offsets = new Int32Array(n + 1);
      for (let k = 0; k < n; k++) {
        const v = values[k];
        if (v !== null) {
          let entries: [unknown, unknown][];
          if (v instanceof Map) entries = [...(v as Map<unknown, unknown>)];
          else if (isPlainObject(v)) {
            // An object's keys are text: types written as text take them as they are; the others
            // read them as their text form (`{"1": …}` for map<int, …>).
            const keyType = type.key as PrimitiveType;
            const asText = keyType.type === 'string' || TEXT_TYPES.has(keyType.type);
            entries = Object.entries(v).map(([key, value]) => [asText ? key : textKey(ctx, `${path}.key`, keyType, key, rowOf(col, k)), value]);
          } else return misfit(ctx, path, rowOf(col, k), v, 'a Map or a plain object');
          for (const [key, value] of entries) {
            keys.push(key);
            vals.push(value === undefined ? null : value);
            entryRows.push(rowOf(col, k));
          }
        }
        offsets[k + 1] = keys.length;
      }
      const rows = Int32Array.from(entryRows);
      const keyData = buildColumn(ctx, `${path}.key`, keyField, entriesType.children[0]!.type, { values: keys, rows });
      const valueData = buildColumn(ctx, `${path}.value`, valueField, entriesType.children[1]!.type, { values: vals, rows });
      const entryData = arrow.makeData({ type: entriesType, length: keys.length, nullCount: 0, children: [keyData, valueData] });
      return arrow.makeData({ type: target as arrow.Map_, length: n, ...validity(n, (k) => values[k] === null), valueOffsets: offsets, child: entryData });
    }
  }
}

/** A primitive column: each value checked and converted (`rowLiteral`), absent ones defaulted. */
function primitiveColumn(ctx: Ctx, path: string, field: NestedField, type: PrimitiveType, target: arrow.DataType, col: Column): arrow.Data {
  const n = col.values.length;
  const literals = new Array<Literal | null>(n);
  for (let k = 0; k < n; k++) {
    const v = col.values[k];
    if (v === undefined && field.writeDefault !== undefined) {
      // Iceberg `write-default`: the value of a field the writer does not supply (spec §Default values).
      literals[k] = field.writeDefault;
    } else if (v === undefined || v === null) {
      if (field.required && rowOf(col, k) >= 0) misfit(ctx, path, rowOf(col, k), v, 'a value: the field is required');
      literals[k] = null;
    } else {
      try {
        literals[k] = rowLiteral(type, v);
      } catch (e) {
        if (!(e instanceof Misfit)) throw e;
        misfit(ctx, path, rowOf(col, k), v, `${e.message} for Iceberg ${typeName(type)}`);
      }
    }
  }
  return dataFromLiterals(type, literals, target);
}

/**
 * A vector column written straight into one Float32Array (embeddings are most of the bytes of
 * such rows); undefined when an element is not a number, so the general path names it.
 */
function vectorData(ctx: Ctx, path: string, target: arrow.FixedSizeList, values: readonly unknown[], col: Column): arrow.Data | undefined {
  const elementType = target.children[0]!.type;
  if (!arrow.DataType.isFloat(elementType) || elementType.precision !== arrow.Precision.SINGLE) return undefined;
  const dim = target.listSize;
  const n = values.length;
  const out = new Float32Array(n * dim);
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (v === null) continue;
    if (v instanceof Float32Array && v.length === dim) {
      out.set(v, k * dim);
      continue;
    }
    const list = Array.isArray(v) ? v : ArrayBuffer.isView(v) && !(v instanceof DataView) ? (v as unknown as ArrayLike<unknown>) : misfit(ctx, path, rowOf(col, k), v, 'an array');
    if (list.length !== dim) misfit(ctx, path, rowOf(col, k), v, `a vector of ${dim} numbers, the table's dimension`);
    for (let j = 0; j < dim; j++) {
      const e = list[j];
      if (typeof e !== 'number') return undefined;
      out[k * dim + j] = e;
    }
  }
  const child = arrow.makeData({ type: elementType, length: n * dim, nullCount: 0, data: out });
  return arrow.makeData({ type: target, length: n, ...validity(n, (k) => values[k] === null), child });
}

function textKey(ctx: Ctx, path: string, type: PrimitiveType, key: string, row: number): Literal {
  try {
    return literalFromString(type, key);
  } catch {
    return misfit(ctx, path, row, key, `a key readable as Iceberg ${typeName(type)}`);
  }
}

/** Columns of `fields` from the objects (null where the enclosing struct is null); unknown keys are refused. */
function buildFields(ctx: Ctx, prefix: string, fields: readonly NestedField[], targets: readonly arrow.Field[], objects: readonly (WriteRow | null)[], rows: Int32Array | null): arrow.Data[] {
  // One pass over the rows, visiting only the keys each row has: reading every schema column
  // of every row costs a keyed load per column even where most are absent.
  const index = new Map(fields.map((f, i) => [f.name, i]));
  const columns = fields.map(() => new Array<unknown>(objects.length).fill(undefined));
  for (let k = 0; k < objects.length; k++) {
    const o = objects[k];
    if (o === null || o === undefined) {
      for (const c of columns) c[k] = null;
      continue;
    }
    // for…in: a plain object has no inherited enumerable keys, and it allocates no key array.
    for (const key in o) {
      const i = index.get(key);
      if (i === undefined) {
        const row = rows ? rows[k]! : k;
        throw new InvalidArgumentError(`argument ${ctx.argument}: row ${row} has key '${prefix}${key}', which is not a column of table ${ctx.table}`, {
          context: { argument: ctx.argument, table: ctx.table, row, column: `${prefix}${key}` },
          help: 'evolve the schema first (updateSchema().addColumn), or drop the key',
        });
      }
      columns[i]![k] = o[key];
    }
  }
  return fields.map((f, i) => {
    const target = targets[i]!.type;
    const values = columns[i]!;
    // A column no row mentions (common with wide schemas) is all nulls or all its default.
    if (!f.required && values.every((v) => v === undefined || v === null)) {
      const filled = f.writeDefault !== undefined && values.every((v) => v === undefined) && isPrimitive(f) ? constantData(target, f.type, f.writeDefault, values.length) : undefined;
      if (filled) return filled;
      if (values.every((v) => v === null || f.writeDefault === undefined)) return nullData(target, values.length);
    }
    return buildColumn(ctx, prefix + f.name, f, target, { values, rows });
  });
}

function isPrimitive(f: NestedField): f is NestedField & { type: PrimitiveType } {
  return f.type.type !== 'struct' && f.type.type !== 'list' && f.type.type !== 'map';
}

const RowsSchema = z.array(z.custom<WriteRow>(isPlainObject));

/**
 * The array as plain row objects, checked: every element a plain object.
 * @param input an array the user passed as rows
 * @param argument the argument's name, for messages
 * @throws {InvalidArgumentError} naming the argument and the first element that is not a plain object
 */
export function rowsOf(input: readonly unknown[], argument: string): readonly WriteRow[] {
  const rows = RowsSchema.safeParse(input);
  if (rows.success) return input as readonly WriteRow[];
  const at = Number(rows.error.issues[0]?.path[0] ?? 0);
  throw new InvalidArgumentError(`argument ${argument}: element ${at} is ${describeValue(input[at])}; an array must hold plain row objects or Arrow RecordBatches only`, {
    context: { argument, element: at },
  });
}

/**
 * Plain row objects as one Arrow table with the table's schema (see the module doc for what each
 * type accepts). Zero rows give an empty table of that schema.
 *
 * @param rows the rows (each a plain object)
 * @param schema the table's current schema
 * @param options vector dimensions, names for messages
 * @returns a one-batch table whose schema is `arrowSchemaFromIceberg(schema, { vectorDimensions })`
 * @throws {InvalidArgumentError} naming the row, the column and the value, for an unknown key, a
 *   missing or null required field, or a value that does not fit its column
 */
export function tableFromRows(rows: readonly WriteRow[], schema: Schema, options: TableFromRowsOptions = {}): arrow.Table {
  const target = arrowSchemaFromIceberg(schema, options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {});
  if (rows.length === 0) return new arrow.Table(target);
  const ctx: Ctx = { argument: options.argument ?? 'data', table: options.table ?? '<table>' };
  const children = buildFields(ctx, '', schema.fields, target.fields, rows, null);
  const data = arrow.makeData({ type: new arrow.Struct(target.fields), length: rows.length, nullCount: 0, children });
  return new arrow.Table([new arrow.RecordBatch(target, data)]);
}
