/**
 * Casts of primitive Arrow columns to the Arrow type Floe uses for an Iceberg type, for the two
 * directions data crosses a schema:
 * - reading a data file (`resolve.ts`): Iceberg promotions (int→long, float→double, decimal
 *   precision widening; spec §Schema Evolution) plus the physical variants other writers use
 *   for the same Iceberg type;
 * - writing user data (`conform.ts`): the same, plus the widenings a user's Arrow data
 *   commonly needs (narrow ints, unsigned ints that fit, second/milli timestamps, large or view
 *   strings, uuid strings).
 *
 * A cast never loses information unless `exact` is false (reads): nanosecond timestamps and times
 * then floor to microseconds, as Java reads them; with `exact`, a value that is not a whole
 * microsecond makes the cast fail with a reason.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { normalizeUuid, uuidToBytes } from '../spec/index.js';
import { decodeDictionary } from './take.js';

/** The outcome of {@link castPrimitive}: the cast column, or why there is none. */
export type CastResult = { readonly data: arrow.Data } | { readonly reason: string };

/** Options for {@link castPrimitive}. */
export interface CastOptions {
  /** Refuse casts that would drop precision (nanoseconds) or accept out-of-range values (writes). */
  readonly exact: boolean;
  /** Allow the write-only conveniences: unsigned ints and longs that fit the target. */
  readonly lenient?: boolean;
  /** The target is an Iceberg uuid: accept uuid strings (written as their 16 bytes). */
  readonly uuid?: boolean;
}

/**
 * A validity bitmap re-based at offset 0 (arrow-js keeps sliced bitmaps at their offset).
 * @param data a column chunk
 */
export function bitmapFromOffset(data: arrow.Data): Uint8Array {
  const n = data.length;
  const bm = data.nullBitmap;
  const out = new Uint8Array((n + 7) >> 3);
  if (!bm || bm.length === 0) return out.fill(0xff);
  for (let i = 0; i < n; i++) {
    const pos = data.offset + i;
    if ((bm[pos >> 3]! >> (pos & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function validity(data: arrow.Data): { nullCount: number; nullBitmap?: Uint8Array } {
  return data.nullCount > 0 ? { nullCount: data.nullCount, nullBitmap: bitmapFromOffset(data) } : { nullCount: 0 };
}

function isValid(data: arrow.Data, i: number): boolean {
  const bm = data.nullBitmap;
  if (!bm || bm.length === 0) return true;
  const pos = data.offset + i;
  return ((bm[pos >> 3]! >> (pos & 7)) & 1) === 1;
}

function retype(data: arrow.Data, type: arrow.DataType): arrow.Data {
  return data.clone(type);
}

function sameArrowType(a: arrow.DataType, b: arrow.DataType): boolean {
  return a.typeId === b.typeId && String(a) === String(b);
}

/** Map each value of a fixed-width column; `convert` returns undefined to reject a value. */
function mapFixed<V, W>(
  data: arrow.Data,
  type: arrow.DataType,
  make: (n: number) => { [i: number]: W },
  convert: (v: V, i: number) => W | undefined,
): CastResult {
  const n = data.length;
  const src = data.values as ArrayLike<V>;
  const out = make(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(data, i)) continue;
    const w = convert(src[i]!, i);
    if (w === undefined) return { reason: `value at row ${i} does not fit ${String(type)}` };
    out[i] = w;
  }
  return { data: arrow.makeData({ type: type as arrow.Int, length: n, ...validity(data), data: out as never }) };
}

interface Factor {
  readonly mul: bigint;
  readonly div: bigint;
}

const UNIT_NANOS: Readonly<Record<number, bigint>> = {
  [arrow.TimeUnit.SECOND]: 1_000_000_000n,
  [arrow.TimeUnit.MILLISECOND]: 1_000_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000n,
  [arrow.TimeUnit.NANOSECOND]: 1n,
};

function timeFactor(from: arrow.TimeUnit, to: arrow.TimeUnit): Factor {
  const f = UNIT_NANOS[from]!;
  const t = UNIT_NANOS[to]!;
  return f >= t ? { mul: f / t, div: 1n } : { mul: 1n, div: t / f };
}

/** Scale a time value; undefined when `exact` and the value is not a whole target unit. */
function scale(v: bigint, f: Factor, exact: boolean): bigint | undefined {
  if (f.div === 1n) return v * f.mul;
  const r = v % f.div;
  if (r !== 0n && exact) return undefined;
  const q = v / f.div;
  // floor division: a pre-epoch instant stays in its microsecond
  return r !== 0n && v < 0n ? q - 1n : q;
}

/** Variable-width strings/binaries re-encoded with 32-bit offsets (from large or view layouts, or uuid text). */
function reencode(data: arrow.Data, target: arrow.DataType): arrow.Data {
  const n = data.length;
  const vec = arrow.makeVector(data);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = vec.get(i) as string | Uint8Array | null;
    if (v !== null) {
      const bytes = typeof v === 'string' ? encoder.encode(v) : v;
      parts.push(bytes);
      total += bytes.length;
    }
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    bytes.set(p, pos);
    pos += p.length;
  }
  return arrow.makeData({ type: target as arrow.Utf8, length: n, ...validity(data), valueOffsets: offsets, data: bytes });
}

function uuidFromStrings(data: arrow.Data, target: arrow.DataType): CastResult {
  const n = data.length;
  const vec = arrow.makeVector(data);
  const out = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) {
    const v = vec.get(i) as string | null;
    if (v === null) continue;
    if (normalizeUuid(v) === undefined) return { reason: `value ${JSON.stringify(v)} at row ${i} is not a uuid` };
    out.set(uuidToBytes(v), i * 16);
  }
  return { data: arrow.makeData({ type: target as arrow.FixedSizeBinary, length: n, ...validity(data), data: out }) };
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function castInt(data: arrow.Data, from: arrow.Int, target: arrow.Int, options: CastOptions): CastResult | undefined {
  if (target.bitWidth === 64 && target.isSigned) {
    if (from.bitWidth === 64) {
      if (from.isSigned) return { data: retype(data, target) };
      if (!options.lenient) return undefined;
      const max = 2n ** 63n - 1n;
      return mapFixed<bigint, bigint>(data, target, (n) => new BigInt64Array(n), (v) => (v <= max ? v : undefined));
    }
    if (!from.isSigned && from.bitWidth === 32 && !options.lenient) return undefined;
    return mapFixed<number, bigint>(data, target, (n) => new BigInt64Array(n), (v) => BigInt(v));
  }
  if (target.bitWidth === 32 && target.isSigned) {
    if (from.bitWidth < 32) return mapFixed<number, number>(data, target, (n) => new Int32Array(n), (v) => v);
    if (!options.lenient) return undefined;
    // A user's long or unsigned column for an int field: accepted when every value fits.
    return mapFixed<number | bigint, number>(data, target, (n) => new Int32Array(n), (v) => {
      const x = Number(v);
      return x >= INT32_MIN && x <= INT32_MAX && BigInt(v) === BigInt(x) ? x : undefined;
    });
  }
  return undefined;
}

/**
 * Cast a primitive column to `target`, or say why it cannot be (see the module doc). Dictionary
 * columns are decoded first. A column already of the target type is returned as is.
 * @param data the column chunk
 * @param target the Arrow type to produce
 * @param options `exact` for writes
 */
export function castPrimitive(data: arrow.Data, target: arrow.DataType, options: CastOptions): CastResult {
  const d = decodeDictionary(data);
  const from = d.type;
  if (sameArrowType(from, target)) return { data: d };
  if (from.typeId === arrow.Type.Null) return { reason: 'a null-typed column has no values to cast' };
  const fail: CastResult = { reason: `${String(from)} cannot be cast to ${String(target)}` };
  switch (target.typeId) {
    case arrow.Type.Int:
      if (from.typeId !== arrow.Type.Int) return fail;
      return castInt(d, from as arrow.Int, target as arrow.Int, options) ?? fail;
    case arrow.Type.Float: {
      if (from.typeId !== arrow.Type.Float) return fail;
      const tp = (target as arrow.Float).precision;
      const fp = (from as arrow.Float).precision;
      if (fp === arrow.Precision.HALF) {
        const Ctor = tp === arrow.Precision.DOUBLE ? Float64Array : Float32Array;
        return mapFixed<number, number>(d, target, (n) => new Ctor(n), (v) => arrow.util.uint16ToFloat64(v));
      }
      if (tp === arrow.Precision.DOUBLE && fp === arrow.Precision.SINGLE) {
        return mapFixed<number, number>(d, target, (n) => new Float64Array(n), (v) => v);
      }
      return fail;
    }
    case arrow.Type.Decimal: {
      if (from.typeId !== arrow.Type.Decimal) return fail;
      const fd = from as arrow.Decimal;
      const td = target as arrow.Decimal;
      // decimal(P,S) → decimal(P',S), P' ≥ P: the same unscaled values (spec §Schema Evolution).
      if (fd.scale === td.scale && fd.precision <= td.precision && fd.bitWidth === td.bitWidth) return { data: retype(d, target) };
      return { reason: `${String(from)} cannot be cast to ${String(target)}: only precision may widen, the scale must stay` };
    }
    case arrow.Type.Date: {
      if (from.typeId !== arrow.Type.Date) return fail;
      if ((from as arrow.Date_).unit === arrow.DateUnit.DAY) return { data: retype(d, target) };
      return mapFixed<bigint | number, number>(d, target, (n) => new Int32Array(n), (v) => {
        const ms = Number(v);
        if (options.exact && ms % 86_400_000 !== 0) return undefined;
        return Math.floor(ms / 86_400_000);
      });
    }
    case arrow.Type.Time: {
      if (from.typeId !== arrow.Type.Time) return fail;
      const factor = timeFactor((from as arrow.Time).unit, (target as arrow.Time).unit);
      return mapFixed<bigint | number, bigint>(d, target, (n) => new BigInt64Array(n), (v) => scale(BigInt(v), factor, options.exact));
    }
    case arrow.Type.Timestamp: {
      if (from.typeId !== arrow.Type.Timestamp) return fail;
      const fz = (from as arrow.Timestamp).timezone;
      const tz = (target as arrow.Timestamp).timezone;
      // timestamp and timestamptz are different types (spec §Primitive Types): no cast between them.
      if (Boolean(fz) !== Boolean(tz)) {
        return { reason: `${String(from)} cannot be cast to ${String(target)}: ${tz ? 'timestamptz needs a time zone on the arrow column' : 'timestamp (without zone) takes no time zone'}` };
      }
      const factor = timeFactor((from as arrow.Timestamp).unit, (target as arrow.Timestamp).unit);
      if (factor.mul === 1n && factor.div === 1n) return { data: retype(d, target) };
      const r = mapFixed<bigint, bigint>(d, target, (n) => new BigInt64Array(n), (v) => scale(v, factor, options.exact));
      if ('reason' in r) return { reason: `${r.reason}: not a whole ${arrow.TimeUnit[(target as arrow.Timestamp).unit]?.toLowerCase()}` };
      return r;
    }
    case arrow.Type.Utf8:
      if (from.typeId === arrow.Type.LargeUtf8 || from.typeId === arrow.Type.Utf8View) return { data: reencode(d, target) };
      return fail;
    case arrow.Type.Binary:
      if (from.typeId === arrow.Type.LargeBinary || from.typeId === arrow.Type.BinaryView) return { data: reencode(d, target) };
      return fail;
    case arrow.Type.FixedSizeBinary: {
      const w = (target as arrow.FixedSizeBinary).byteWidth;
      if (from.typeId === arrow.Type.FixedSizeBinary && (from as arrow.FixedSizeBinary).byteWidth === w) return { data: retype(d, target) };
      if (options.uuid && w === 16 && (from.typeId === arrow.Type.Utf8 || from.typeId === arrow.Type.LargeUtf8 || from.typeId === arrow.Type.Utf8View)) {
        return uuidFromStrings(d, target);
      }
      return fail;
    }
    default:
      return fail;
  }
}

/** The outcome of {@link fixedSizeListFromList}: the column, or the first list of the wrong length. */
export type FixedSizeListResult = { readonly data: arrow.Data } | { readonly badRow: number; readonly badLength: number };

/**
 * The list's elements as one view, when no list or element is null and every list holds `dim`
 * elements laid end to end (how any writer's non-null embedding column decodes): the
 * fixed-size list can then share the element buffer instead of copying it value by value.
 */
function contiguousValues(list: arrow.Data, element: arrow.Data, dim: number): Float32Array | undefined {
  if (list.nullCount !== 0 || element.nullCount !== 0 || !(element.values instanceof Float32Array)) return undefined;
  const offsets = list.valueOffsets as ArrayLike<number | bigint>;
  const n = list.length;
  const first = Number(offsets[0]);
  for (let i = 1; i <= n; i++) if (Number(offsets[i]) !== first + i * dim) return undefined;
  const values = element.values;
  return first + n * dim <= values.length ? values.subarray(first, first + n * dim) : undefined;
}

/**
 * A `List<Float32>` column as `FixedSizeList<Float32>[dim]`: every non-null list must hold `dim`
 * elements; null lists become `dim` null elements under a null slot. Without nulls the result
 * shares the element buffer (no copy).
 * @param list the list column (its offsets point into `element`)
 * @param element the list's child, already cast to Float32
 * @param target the FixedSizeList type
 */
export function fixedSizeListFromList(list: arrow.Data, element: arrow.Data, target: arrow.FixedSizeList): FixedSizeListResult {
  const dim = target.listSize;
  const n = list.length;
  const offsets = list.valueOffsets as ArrayLike<number | bigint>;
  const contiguous = contiguousValues(list, element, dim);
  if (contiguous !== undefined) {
    const child = arrow.makeData({ type: element.type as arrow.Float32, length: n * dim, nullCount: 0, data: contiguous });
    return { data: arrow.makeData({ type: target, length: n, nullCount: 0, child }) };
  }
  const values = new Float32Array(n * dim);
  const elementValidity = new Uint8Array((n * dim + 7) >> 3);
  let elementNulls = 0;
  const src = element.values as Float32Array;
  for (let i = 0; i < n; i++) {
    const valid = isValid(list, i);
    const s = Number(offsets[i]);
    const e = Number(offsets[i + 1]);
    if (valid && e - s !== dim) return { badRow: i, badLength: e - s };
    for (let k = 0; k < dim; k++) {
      const j = i * dim + k;
      if (valid && isValid(element, s + k)) {
        values[j] = src[s + k]!;
        elementValidity[j >> 3]! |= 1 << (j & 7);
      } else elementNulls++;
    }
  }
  const child = arrow.makeData({
    type: element.type as arrow.Float32,
    length: n * dim,
    nullCount: elementNulls,
    ...(elementNulls > 0 ? { nullBitmap: elementValidity } : {}),
    data: values,
  });
  return { data: arrow.makeData({ type: target, length: n, ...validity(list), child }) };
}
