/**
 * Row filtering: evaluates a bound filter against an Arrow record batch, giving a mask with 1
 * for each row the filter is true for (the residual filter of a scan, the row selection of an
 * overwrite or delete).
 *
 * Semantics are those of `expression.ts`: three-valued logic (null compares unknown, and only
 * true keeps a row), IEEE NaN. Internally a row's truth is F=0, U=1, T=2, so `and` is the
 * minimum, `or` the maximum.
 *
 * Columns are found by field id: each Arrow field's `PARQUET:field_id` metadata (what
 * `io/arrow.ts` writes and parquet-wasm reads back), descending into struct columns. A field id
 * without such metadata is found by the schema's names instead (the top-level name, then each
 * nested name), so plain Arrow tables built by users work too. A column missing from the batch
 * reads as all nulls (a column added after the file was written). A nested value is null when
 * any enclosing struct is null.
 *
 * Values are read from the Arrow buffers directly, not through `Vector.get`, which in
 * apache-arrow 21 loses precision or changes units:
 *
 * | Arrow type            | `get(i)` returns                      | read here as                        |
 * |-----------------------|---------------------------------------|-------------------------------------|
 * | Int64, Uint64         | `bigint`                              | the BigInt64Array, bigint compares  |
 * | Timestamp(unit)       | `number` of **milliseconds** (lossy)  | int64 buffer scaled to µs (or ns)   |
 * | Date32 (DateDay)      | `number` of ms since the epoch        | the Int32Array of days              |
 * | Date64 (DateMillisecond) | `number` of ms                     | floor(ms / 86 400 000) days         |
 * | Time64(µs/ns), Time32 | `bigint` / `number` in the unit       | scaled to µs                        |
 * | Decimal128/256        | a `DecimalBigNum` (Uint32Array words) | two's-complement words → bigint     |
 * | FixedSizeBinary, Binary, Utf8 | `Uint8Array` / `string`       | raw bytes, compared unsigned (UTF-8 order) |
 * | Dictionary            | the decoded value                     | the predicate on the dictionary, gathered by index |
 *
 * Other Arrow types (Float16, views, …) fall back to `get(i)` per row.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { uuidFromBytes, uuidToBytes, type IcebergType, type PrimitiveType, type Schema, type Literal } from '../spec/index.js';
import type { BoundExpression, BoundPredicate, BoundReference } from './bound.js';
import { FALSE, predicateTruth, TRUE } from './evaluate-partition.js';

/** The Arrow field metadata key holding a column's Iceberg field id. */
export const FIELD_ID_METADATA_KEY = 'PARQUET:field_id';

// Truth encoding inside this module: and = min, or = max.
const F = 0;
const U = 1;
const T = 2;

/**
 * Evaluates a bound filter on every row of a batch.
 * @param bound the filter (`bindExpression` against `schema`)
 * @param batch the rows; its columns are the read schema's (see the module doc for how they are found)
 * @param schema the schema the filter was bound to
 * @returns one byte per row: 1 when the filter is true for the row, else 0
 */
export function rowMask(bound: BoundExpression, batch: arrow.RecordBatch, schema: Schema): Uint8Array {
  const n = batch.numRows;
  const columns = new ColumnFinder(batch, schema);
  const truth = evalTruth(bound, n, columns);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = truth[i] === T ? 1 : 0;
  return out;
}

function evalTruth(e: BoundExpression, n: number, columns: ColumnFinder): Uint8Array {
  switch (e.kind) {
    case 'true':
      return new Uint8Array(n).fill(T);
    case 'false':
      return new Uint8Array(n);
    case 'and':
    case 'or': {
      const isAnd = e.kind === 'and';
      let acc: Uint8Array | undefined;
      for (const c of e.children) {
        const t = evalTruth(c, n, columns);
        if (acc === undefined) {
          acc = t;
          continue;
        }
        if (isAnd) for (let i = 0; i < n; i++) acc[i] = Math.min(acc[i] as number, t[i] as number);
        else for (let i = 0; i < n; i++) acc[i] = Math.max(acc[i] as number, t[i] as number);
      }
      return acc ?? new Uint8Array(n).fill(isAnd ? T : F);
    }
    default:
      return evalLeaf(e, n, columns.find(e.ref));
  }
}

// ---------------------------------------------------------------- finding columns

/** A column's data and the struct Data enclosing it (for null propagation). */
interface Located {
  readonly data: arrow.Data;
  readonly parents: readonly arrow.Data[];
}

class ColumnFinder {
  private byId: Map<number, Located> | undefined;

  constructor(
    private readonly batch: arrow.RecordBatch,
    private readonly schema: Schema,
  ) {}

  find(ref: BoundReference): Located | undefined {
    if (this.byId === undefined) this.byId = indexBatchByFieldId(this.batch);
    return this.byId.get(ref.fieldId) ?? findByNames(this.batch, this.schema, ref.fieldId);
  }
}

function fieldIdOf(field: arrow.Field): number | undefined {
  const raw = field.metadata.get(FIELD_ID_METADATA_KEY);
  if (raw === undefined) return undefined;
  const id = Number(raw);
  return Number.isInteger(id) ? id : undefined;
}

function indexBatchByFieldId(batch: arrow.RecordBatch): Map<number, Located> {
  const out = new Map<number, Located>();
  const visit = (fields: readonly arrow.Field[], datas: readonly arrow.Data[], parents: readonly arrow.Data[]): void => {
    fields.forEach((field, i) => {
      const data = datas[i];
      if (data === undefined) return;
      const id = fieldIdOf(field);
      if (id !== undefined && !out.has(id)) out.set(id, { data, parents });
      if (arrow.DataType.isStruct(field.type)) visit(field.type.children, data.children, [...parents, data]);
    });
  };
  visit(batch.schema.fields, batch.data.children, []);
  return out;
}

/** The names leading to a field id through structs, or undefined when it is not under structs only. */
function namePath(schema: Schema, fieldId: number): string[] | undefined {
  const walk = (fields: readonly { id: number; name: string; type: IcebergType }[], prefix: string[]): string[] | undefined => {
    for (const f of fields) {
      const path = [...prefix, f.name];
      if (f.id === fieldId) return path;
      if (f.type.type === 'struct') {
        const found = walk(f.type.fields, path);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return walk(schema.fields, []);
}

function findByNames(batch: arrow.RecordBatch, schema: Schema, fieldId: number): Located | undefined {
  const path = namePath(schema, fieldId);
  if (path === undefined) return undefined;
  let fields: readonly arrow.Field[] = batch.schema.fields;
  let datas: readonly arrow.Data[] = batch.data.children;
  const parents: arrow.Data[] = [];
  for (let k = 0; k < path.length; k++) {
    const idx = fields.findIndex((f) => f.name === path[k]);
    const field = fields[idx];
    const data = datas[idx];
    if (field === undefined || data === undefined) return undefined;
    if (k === path.length - 1) return { data, parents };
    if (!arrow.DataType.isStruct(field.type)) return undefined;
    parents.push(data);
    fields = field.type.children;
    datas = data.children;
  }
  return undefined;
}

// ---------------------------------------------------------------- validity

function isValidAt(data: arrow.Data, i: number): boolean {
  if (data.typeId === arrow.Type.Null) return false;
  const bitmap = data.nullBitmap;
  if (bitmap === undefined || bitmap.length === 0 || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}

/** 1 where the value and every enclosing struct are non-null. */
function validity(loc: Located, n: number): Uint8Array {
  const out = new Uint8Array(n).fill(1);
  for (const d of [...loc.parents, loc.data]) {
    if (d.typeId === arrow.Type.Null) return out.fill(0);
    if (d.nullCount === 0 || d.nullBitmap === undefined || d.nullBitmap.length === 0) continue;
    for (let i = 0; i < n; i++) if (out[i] === 1 && !isValidAt(d, i)) out[i] = 0;
  }
  return out;
}

// ---------------------------------------------------------------- leaf evaluation

/** The truth of a predicate for a null value. */
function nullTruth(p: BoundPredicate): number {
  if (p.kind === 'unary') return p.op === 'isNull' || p.op === 'notNaN' ? T : F;
  return U;
}

function fromTruth(t: number): number {
  return t === TRUE ? T : t === FALSE ? F : U;
}

function evalLeaf(p: BoundPredicate, n: number, loc: Located | undefined): Uint8Array {
  const out = new Uint8Array(n);
  const onNull = nullTruth(p);
  if (loc === undefined) return out.fill(onNull);
  const valid = validity(loc, n);
  const data = loc.data;
  if (data.typeId === arrow.Type.Dictionary) {
    const dictTruth = evalDictionary(p, data);
    const indices = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      // Indices are pre-sliced like every value buffer (see readValues).
      out[i] = valid[i] === 1 ? (dictTruth[Number(indices[i])] ?? U) : onNull;
    }
    return out;
  }
  const values = readValues(p.ref.type, data, n);
  evalValues(p, values, valid, onNull, out);
  return out;
}

function evalDictionary(p: BoundPredicate, data: arrow.Data): Uint8Array {
  const dict = data.dictionary;
  if (dict === undefined) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  for (const chunk of dict.data) {
    const m = chunk.length;
    const valid = validity({ data: chunk, parents: [] }, m);
    const out = new Uint8Array(m);
    evalValues(p, readValues(p.ref.type, chunk, m), valid, nullTruth(p), out);
    parts.push(out);
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const all = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    all.set(x, at);
    at += x.length;
  }
  return all;
}

/**
 * Variable- or fixed-width bytes: value i is `data[start(i) .. end(i))`, with
 * `start(i) = offsets[i]` (or `i * width` when `offsets` is null).
 */
interface BytesValues {
  readonly kind: 'bytes';
  readonly data: Uint8Array;
  readonly offsets: Int32Array | Float64Array | null;
  readonly width: number;
  readonly isUtf8: boolean;
}

/** A column's values in a form the comparison loops read directly. */
type Values =
  | { readonly kind: 'number'; readonly at: ArrayLike<number> }
  | { readonly kind: 'bigint'; readonly at: ArrayLike<bigint> }
  | BytesValues
  | { readonly kind: 'generic'; readonly get: (i: number) => Literal | null };

const PER_DAY_MS = 86_400_000;

function scaleBigInts(src: ArrayLike<bigint>, n: number, mul: bigint, div: bigint): BigInt64Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const v = (src[i] as bigint) * mul;
    if (div === 1n) out[i] = v;
    else {
      const q = v / div;
      out[i] = v % div !== 0n && v < 0n ? q - 1n : q;
    }
  }
  return out;
}

/** Multiplier and divisor from an Arrow time unit to the Iceberg unit (µs, or ns for `_ns`). */
function unitScale(unit: arrow.TimeUnit, toNanos: boolean): [bigint, bigint] {
  const perUnitNs = unit === arrow.TimeUnit.SECOND ? 1_000_000_000n : unit === arrow.TimeUnit.MILLISECOND ? 1_000_000n : unit === arrow.TimeUnit.MICROSECOND ? 1_000n : 1n;
  const target = toNanos ? 1n : 1_000n;
  return perUnitNs >= target ? [perUnitNs / target, 1n] : [1n, target / perUnitNs];
}

function readValues(type: PrimitiveType, data: arrow.Data, n: number): Values {
  const t = data.type as arrow.DataType;
  // arrow-js slices every buffer but the validity bitmap and boolean bits when it slices a
  // Data (`Data._sliceBuffers`), so values are indexed from 0 and `data.offset` applies only
  // to those bit buffers (as `Vector.get` does).
  switch (t.typeId) {
    case arrow.Type.Int: {
      const values = data.values as ArrayLike<number> | ArrayLike<bigint>;
      return (t as arrow.Int).bitWidth === 64
        ? { kind: 'bigint', at: values as ArrayLike<bigint> }
        : { kind: 'number', at: values as ArrayLike<number> };
    }
    case arrow.Type.Float:
      if ((t as arrow.Float).precision === arrow.Precision.HALF) break;
      return { kind: 'number', at: data.values as ArrayLike<number> };
    case arrow.Type.Bool: {
      const bits = data.values as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const b = data.offset + i;
        out[i] = ((bits[b >> 3] as number) >> (b & 7)) & 1;
      }
      return { kind: 'number', at: out };
    }
    case arrow.Type.Date: {
      if ((t as arrow.Date_).unit === arrow.DateUnit.DAY) return { kind: 'number', at: data.values as Int32Array };
      const ms = data.values as ArrayLike<number> | ArrayLike<bigint>;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(Number(ms[i]) / PER_DAY_MS);
      return { kind: 'number', at: out };
    }
    case arrow.Type.Timestamp: {
      const [mul, div] = unitScale((t as arrow.Timestamp).unit, type.type.endsWith('_ns'));
      const src = data.values as BigInt64Array;
      if (mul === 1n && div === 1n) return { kind: 'bigint', at: src };
      return { kind: 'bigint', at: scaleBigInts(src, n, mul, div) };
    }
    case arrow.Type.Time: {
      const [mul, div] = unitScale((t as arrow.Time).unit, false);
      const raw = data.values as ArrayLike<number> | ArrayLike<bigint>;
      if ((t as arrow.Time).bitWidth === 64 && mul === 1n && div === 1n) return { kind: 'bigint', at: raw as ArrayLike<bigint> };
      const src = new BigInt64Array(n);
      for (let i = 0; i < n; i++) src[i] = BigInt(raw[i] as number | bigint);
      return { kind: 'bigint', at: scaleBigInts(src, n, mul, div) };
    }
    case arrow.Type.Decimal: {
      const words = data.values as Uint32Array;
      const stride = (t as arrow.Decimal).bitWidth / 32;
      const out: bigint[] = new Array<bigint>(n);
      for (let i = 0; i < n; i++) out[i] = decimalAt(words, i * stride, stride);
      return { kind: 'bigint', at: out };
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary: {
      const raw = data.valueOffsets as Int32Array | BigInt64Array;
      // 64-bit offsets become doubles once (exact below 2^53), so the loops stay monomorphic.
      const offsets = raw instanceof Int32Array ? raw : Float64Array.from(raw, Number);
      const isUtf8 = t.typeId === arrow.Type.Utf8 || t.typeId === arrow.Type.LargeUtf8;
      return { kind: 'bytes', data: data.values as Uint8Array, offsets, width: 0, isUtf8 };
    }
    case arrow.Type.FixedSizeBinary:
      return { kind: 'bytes', data: data.values as Uint8Array, offsets: null, width: (t as arrow.FixedSizeBinary).byteWidth, isUtf8: false };
    default:
      break;
  }
  const vector = arrow.makeVector(data);
  return { kind: 'generic', get: (i) => genericLiteral(type, vector.get(i)) };
}

function decimalAt(words: Uint32Array, at: number, stride: number): bigint {
  let v = 0n;
  for (let k = stride - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[at + k] as number);
  return BigInt.asIntN(stride * 32, v);
}

/** Best-effort conversion of a `Vector.get` value to the Literal convention (fallback path only). */
function genericLiteral(type: PrimitiveType, v: unknown): Literal | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Uint8Array) {
    if ((type.type === 'long' || type.type.startsWith('timestamp') || type.type === 'time' || type.type === 'decimal') && typeof v === 'number') {
      return Number.isInteger(v) ? BigInt(v) : v;
    }
    if (type.type === 'uuid' && v instanceof Uint8Array && v.length === 16) return uuidFromBytes(v);
    return v;
  }
  return String(v);
}

const ENCODER = new TextEncoder();

/** A literal in the column's byte form: UTF-8 for strings, 16 bytes for a uuid in a binary column. */
function literalBytes(type: PrimitiveType, v: Literal, columnIsUtf8: boolean): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (type.type === 'uuid' && !columnIsUtf8) return uuidToBytes(v as string);
  return ENCODER.encode(String(v));
}

function evalValues(p: BoundPredicate, values: Values, valid: Uint8Array, onNull: number, out: Uint8Array): void {
  const n = out.length;
  if (values.kind === 'generic') {
    for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? fromTruth(predicateTruth(p, values.get(i))) : onNull;
    return;
  }
  if (p.kind === 'unary') {
    const isNaNOp = p.op === 'isNaN' || p.op === 'notNaN';
    for (let i = 0; i < n; i++) {
      if (valid[i] !== 1) {
        out[i] = onNull;
        continue;
      }
      if (!isNaNOp) out[i] = p.op === 'notNull' ? T : F;
      else {
        const nan = values.kind === 'number' && Number.isNaN(values.at[i]);
        out[i] = (p.op === 'isNaN') === nan ? T : F;
      }
    }
    return;
  }
  if (values.kind === 'bytes') {
    evalBytes(p, values, valid, onNull, out);
    return;
  }
  // Numbers and bigints: literals are brought to the column's representation so that `===`
  // and `<` compare exactly (an int column holds numbers, a long column bigints).
  const toColumn = (v: Literal): number | bigint => {
    const x = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number | bigint);
    return values.kind === 'number' ? Number(x) : typeof x === 'bigint' ? x : BigInt(x);
  };
  const at = values.at as ArrayLike<number | bigint>;
  if (p.kind === 'set') {
    const list = p.values.map(toColumn);
    const hit = p.op === 'in' ? T : F;
    const miss = p.op === 'in' ? F : T;
    // NaN is in no set: `===` and Set.has never find it (the literals never contain NaN), and
    // both treat -0 as 0, as IEEE equality does.
    if (list.length <= 16) {
      for (let i = 0; i < n; i++) {
        if (valid[i] !== 1) {
          out[i] = onNull;
          continue;
        }
        const v = at[i];
        let found = false;
        for (let k = 0; k < list.length; k++) {
          if (list[k] === v) {
            found = true;
            break;
          }
        }
        out[i] = found ? hit : miss;
      }
      return;
    }
    const set = new Set<number | bigint>(list);
    for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? (set.has(at[i] as number | bigint) ? hit : miss) : onNull;
    return;
  }
  const lit = toColumn(p.value);
  switch (p.op) {
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? (at[i] === lit ? T : F) : onNull;
      return;
    case 'notEq':
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? (at[i] !== lit ? T : F) : onNull;
      return;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? ((at[i] as number) < (lit as number) ? T : F) : onNull;
      return;
    case 'ltEq':
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? ((at[i] as number) <= (lit as number) ? T : F) : onNull;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? ((at[i] as number) > (lit as number) ? T : F) : onNull;
      return;
    case 'gtEq':
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? ((at[i] as number) >= (lit as number) ? T : F) : onNull;
      return;
    default:
      // startsWith on a non-string column cannot be bound; treat as unknown.
      for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? U : onNull;
  }
}

/** Unsigned lexicographic comparison of `data[s..e)` with `lit`. */
function compareAt(data: Uint8Array, s: number, e: number, lit: Uint8Array): number {
  const len = e - s;
  const m = len < lit.length ? len : lit.length;
  for (let k = 0; k < m; k++) {
    const d = (data[s + k] as number) - (lit[k] as number);
    if (d !== 0) return d;
  }
  return len - lit.length;
}

function equalAt(data: Uint8Array, s: number, e: number, lit: Uint8Array): boolean {
  if (e - s !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (data[s + k] !== lit[k]) return false;
  return true;
}

function startsWithAt(data: Uint8Array, s: number, e: number, prefix: Uint8Array): boolean {
  if (e - s < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (data[s + k] !== prefix[k]) return false;
  return true;
}

function evalBytes(
  p: BoundPredicate & { kind: 'literal' | 'set' },
  values: BytesValues,
  valid: Uint8Array,
  onNull: number,
  out: Uint8Array,
): void {
  const n = out.length;
  const type = p.ref.type;
  const { data, offsets, width } = values;
  const test = ((): ((s: number, e: number) => boolean) => {
    if (p.kind === 'set') {
      const lits = p.values.map((v) => literalBytes(type, v, values.isUtf8));
      const isIn = p.op === 'in';
      // Bucket the literals by length and first byte so a long IN list costs few compares.
      const buckets = new Map<number, Uint8Array[]>();
      const bucketOf = (len: number, first: number): number => len * 257 + first;
      for (const l of lits) {
        const k = bucketOf(l.length, l.length === 0 ? 256 : (l[0] as number));
        const list = buckets.get(k);
        if (list === undefined) buckets.set(k, [l]);
        else list.push(l);
      }
      return (s, e) => {
        const candidates = buckets.get(bucketOf(e - s, e === s ? 256 : (data[s] as number)));
        if (candidates !== undefined) for (const l of candidates) if (equalAt(data, s, e, l)) return isIn;
        return !isIn;
      };
    }
    const lit = literalBytes(type, p.value, values.isUtf8);
    switch (p.op) {
      case 'eq':
        return (s, e) => equalAt(data, s, e, lit);
      case 'notEq':
        return (s, e) => !equalAt(data, s, e, lit);
      case 'lt':
        return (s, e) => compareAt(data, s, e, lit) < 0;
      case 'ltEq':
        return (s, e) => compareAt(data, s, e, lit) <= 0;
      case 'gt':
        return (s, e) => compareAt(data, s, e, lit) > 0;
      case 'gtEq':
        return (s, e) => compareAt(data, s, e, lit) >= 0;
      case 'startsWith':
        return (s, e) => startsWithAt(data, s, e, lit);
      case 'notStartsWith':
        return (s, e) => !startsWithAt(data, s, e, lit);
    }
  })();
  if (offsets !== null) {
    for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? (test(offsets[i] as number, offsets[i + 1] as number) ? T : F) : onNull;
  } else {
    for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? (test(i * width, (i + 1) * width) ? T : F) : onNull;
  }
}
