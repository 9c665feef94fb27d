/**
 * Single values between Arrow columns and Floe's {@link Literal} convention (`spec/values.ts`:
 * long and timestamps as bigint micros, date as days, decimal as the unscaled bigint, uuid as a
 * string, binary as bytes).
 *
 * Two ways in:
 * - {@link literalAt} reads a column's buffers directly and is exact for every type. Metrics and
 *   anything that must not lose precision use it.
 * - {@link literalFromArrowValue} converts what arrow-js `Vector.get()` returns, which is lossy
 *   for some types: arrow-js 21 returns timestamps as *milliseconds* in a float (microseconds
 *   survive only while |ms| < 2^42, about the year 2109; nanoseconds do not survive), dates as
 *   epoch milliseconds, and decimals as a `Uint32Array` of two's-complement words.
 *
 * arrow-js buffer layout, relied on here (apache-arrow `data.mjs` `_sliceBuffers`): a sliced
 * `Data` keeps `offset` and pre-slices its value and offset buffers (fixed-width values start at
 * the slice, variable-width `valueOffsets` start at the slice but point into the unsliced data
 * buffer), except booleans, whose bit-packed values are indexed at `offset + i` like the
 * validity bitmap.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import { normalizeUuid, uuidFromBytes, uuidToBytes, type Literal, type PrimitiveType } from '../spec/index.js';

const MS_PER_DAY = 86_400_000;

/**
 * Whether slot `i` of a column is valid (not null).
 * @param data the column chunk
 * @param i the slot, relative to the chunk
 */
export function isValidAt(data: arrow.Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (bitmap === undefined || bitmap.length === 0) return true;
  const pos = data.offset + i;
  return ((bitmap[pos >> 3]! >> (pos & 7)) & 1) === 1;
}

/** The signed value of little-endian 32-bit two's-complement words. */
function bigIntFromWords(words: ArrayLike<number>): bigint {
  let v = 0n;
  for (let i = words.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[i]! >>> 0);
  const bits = BigInt(words.length * 32);
  if (words.length > 0 && (words[words.length - 1]! & 0x80000000) !== 0) v -= 1n << bits;
  return v;
}

/** `count` little-endian 32-bit two's-complement words of `v`. */
function wordsFromBigInt(v: bigint, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = BigInt.asUintN(count * 32, v);
  for (let i = 0; i < count; i++) {
    out[i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

/** Days per time unit conversions for Arrow Time/Timestamp units. */
const MICROS_PER_UNIT: Readonly<Record<number, bigint>> = {
  [arrow.TimeUnit.SECOND]: 1_000_000n,
  [arrow.TimeUnit.MILLISECOND]: 1_000n,
  [arrow.TimeUnit.MICROSECOND]: 1n,
};

function int64At(values: ArrayLike<bigint | number>, i: number): bigint {
  const v = values[i]!;
  return typeof v === 'bigint' ? v : BigInt(v);
}

/**
 * Read slot `i` of a column exactly, as the Literal of Iceberg type `type`. Handles the Arrow
 * representations Floe reads and writes (see `arrow-schema.ts`) plus the ones other writers
 * produce for the same Iceberg type: narrow/unsigned ints, Time32, second/milli timestamps,
 * Date64, large and view strings, dictionaries.
 *
 * @param data the column chunk (a `Data`, or a `Vector` whose chunk holds `i`)
 * @param i the slot
 * @param type the Iceberg type the value is read as
 * @returns the value, or null when the slot is null
 * @throws {InvalidArgumentError} when the Arrow type cannot hold `type`
 */
export function literalAt(data: arrow.Data | arrow.Vector, i: number, type: PrimitiveType): Literal | null {
  if (data instanceof arrow.Vector) {
    let k = i;
    for (const chunk of data.data) {
      if (k < chunk.length) return literalAt(chunk, k, type);
      k -= chunk.length;
    }
    throw new InvalidArgumentError(`row ${i} is out of range for a column of ${data.length} rows`);
  }
  if (!isValidAt(data, i)) return null;
  const t = data.type;
  if (arrow.DataType.isDictionary(t)) {
    const index = Number((data.values as ArrayLike<number | bigint>)[i]!);
    const dict = data.dictionary;
    if (dict === undefined) throw new InvalidArgumentError('dictionary column without a dictionary');
    return literalAt(dict, index, type);
  }
  const values = data.values as ArrayLike<number | bigint> & { subarray?: (a: number, b: number) => unknown };
  switch (t.typeId) {
    case arrow.Type.Bool: {
      const pos = data.offset + i;
      return ((((data.values as Uint8Array)[pos >> 3] ?? 0) >> (pos & 7)) & 1) === 1;
    }
    case arrow.Type.Int: {
      const v = values[i]!;
      if (type.type === 'long' || type.type === 'time' || type.type === 'timestamp' || type.type === 'timestamptz') return BigInt(v);
      if (type.type === 'decimal') return BigInt(v);
      return Number(v);
    }
    case arrow.Type.Float:
      if ((t as arrow.Float).precision === arrow.Precision.HALF) return arrow.util.uint16ToFloat64(Number(values[i]));
      return Number(values[i]);
    case arrow.Type.Decimal: {
      const d = t as arrow.Decimal;
      const words = d.bitWidth / 32;
      return bigIntFromWords((data.values as Uint32Array).subarray(i * words, (i + 1) * words));
    }
    case arrow.Type.Date: {
      if ((t as arrow.Date_).unit === arrow.DateUnit.DAY) {
        const days = Number(values[i]);
        return type.type === 'timestamp' || type.type === 'timestamptz' ? BigInt(days) * 86_400_000_000n : days;
      }
      const ms = Number(values[i]);
      return Math.floor(ms / MS_PER_DAY);
    }
    case arrow.Type.Time: {
      const unit = (t as arrow.Time).unit;
      const raw = int64At(values, i);
      if (unit === arrow.TimeUnit.NANOSECOND) return raw / 1000n;
      return raw * MICROS_PER_UNIT[unit]!;
    }
    case arrow.Type.Timestamp: {
      const unit = (t as arrow.Timestamp).unit;
      const raw = int64At(values, i);
      const nanosTarget = type.type === 'timestamp_ns' || type.type === 'timestamptz_ns';
      if (unit === arrow.TimeUnit.NANOSECOND) return nanosTarget ? raw : floorDiv(raw, 1000n);
      const micros = raw * MICROS_PER_UNIT[unit]!;
      return nanosTarget ? micros * 1000n : micros;
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const start = Number(offsets[i]);
      const end = Number(offsets[i + 1]);
      const bytes = (data.values as Uint8Array).subarray(start, end);
      if (t.typeId === arrow.Type.Utf8 || t.typeId === arrow.Type.LargeUtf8) return textDecoder.decode(bytes);
      return literalFromBytesValue(type, bytes);
    }
    case arrow.Type.FixedSizeBinary: {
      const w = (t as arrow.FixedSizeBinary).byteWidth;
      return literalFromBytesValue(type, (data.values as Uint8Array).subarray(i * w, (i + 1) * w));
    }
    default: {
      // Views and anything exotic: arrow-js knows how to read them.
      const v = arrow.makeVector(data).get(i);
      return v === null ? null : literalFromArrowValue(type, v);
    }
  }
}

const textDecoder = new TextDecoder();

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function literalFromBytesValue(type: PrimitiveType, bytes: Uint8Array): Literal {
  if (type.type === 'uuid') return uuidFromBytes(bytes);
  if (type.type === 'string') return textDecoder.decode(bytes);
  return bytes.slice();
}

function badValue(type: PrimitiveType, value: unknown): never {
  const shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
  throw new InvalidArgumentError(`cannot read ${shown} as Iceberg type ${describe(type)}`, {
    context: { type: describe(type) },
  });
}

function describe(type: PrimitiveType): string {
  if (type.type === 'decimal') return `decimal(${type.precision},${type.scale})`;
  if (type.type === 'fixed') return `fixed[${type.length}]`;
  return type.type;
}

function toBigInt(type: PrimitiveType, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return badValue(type, value);
}

function msToMicros(type: PrimitiveType, value: unknown): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.round(value * 1000));
  if (typeof value === 'bigint') return value; // already microseconds (a raw buffer value)
  return badValue(type, value);
}

/**
 * Convert a value as arrow-js `Vector.get()` returns it (or as a user would write it) into the
 * Literal for `type`. Timestamps and dates come from arrow-js as epoch milliseconds (numbers, or
 * `Date`s); a bigint for a timestamp is taken as already in the Literal unit (µs, or ns for the
 * `_ns` types). Prefer {@link literalAt} where exactness matters (see the module notes).
 *
 * @param type the Iceberg type
 * @param value a non-null value
 * @throws {InvalidArgumentError} when the value does not fit the type
 */
export function literalFromArrowValue(type: PrimitiveType, value: unknown): Literal {
  switch (type.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return badValue(type, value);
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint' && value >= -(2n ** 31n) && value < 2n ** 31n) return Number(value);
      return badValue(type, value);
    case 'long':
      return toBigInt(type, value);
    case 'float':
      if (typeof value === 'number') return Math.fround(value);
      return badValue(type, value);
    case 'double':
      if (typeof value === 'number') return value;
      return badValue(type, value);
    case 'decimal':
      if (typeof value === 'bigint') return value;
      if (value instanceof Uint32Array || value instanceof Int32Array) return bigIntFromWords(value);
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      return badValue(type, value);
    case 'date':
      if (value instanceof Date) return Math.floor(value.getTime() / MS_PER_DAY);
      if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value / MS_PER_DAY);
      return badValue(type, value);
    case 'time':
      return toBigInt(type, value);
    case 'timestamp':
    case 'timestamptz':
      return msToMicros(type, value);
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (typeof value === 'bigint') return value;
      if (value instanceof Date) return BigInt(value.getTime()) * 1_000_000n;
      if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.round(value * 1_000_000));
      return badValue(type, value);
    case 'string':
      if (typeof value === 'string') return value;
      return badValue(type, value);
    case 'uuid': {
      if (typeof value === 'string') return normalizeUuid(value) ?? badValue(type, value);
      if (value instanceof Uint8Array && value.length === 16) return uuidFromBytes(value);
      return badValue(type, value);
    }
    case 'unknown':
      // spec §Primitive Types: `unknown` has no non-null values.
      return badValue(type, value);
    case 'fixed':
      if (value instanceof Uint8Array && value.length === type.length) return value.slice();
      return badValue(type, value);
    case 'binary':
      if (value instanceof Uint8Array) return value.slice();
      return badValue(type, value);
  }
}

/**
 * Convert a Literal into the value arrow-js builders (`vectorFromArray`, `Builder.append`) accept
 * for the Arrow type Floe uses for `type`: timestamps and dates as epoch milliseconds (numbers),
 * decimals as four little-endian 32-bit words, uuids as their 16 bytes. Builders lose sub-ms
 * precision; {@link vectorFromLiterals} builds columns exactly.
 *
 * @param type the Iceberg type
 * @param literal the value
 * @throws {InvalidArgumentError} when the literal does not fit the type
 */
export function literalToArrowValue(type: PrimitiveType, literal: Literal): unknown {
  switch (type.type) {
    case 'timestamp':
    case 'timestamptz':
      return Number(toBigInt(type, literal)) / 1000;
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return Number(toBigInt(type, literal)) / 1_000_000;
    case 'date':
      if (typeof literal === 'number') return literal * MS_PER_DAY;
      return badValue(type, literal);
    case 'decimal':
      return wordsFromBigInt(toBigInt(type, literal), 4);
    case 'uuid':
      if (typeof literal === 'string') return uuidToBytes(literal);
      return badValue(type, literal);
    default:
      return literal;
  }
}

// ---------------------------------------------------------------- building columns exactly

function setBit(bitmap: Uint8Array, i: number): void {
  bitmap[i >> 3]! |= 1 << (i & 7);
}

const textEncoder = new TextEncoder();

/**
 * Build a column of Iceberg primitive values exactly (no millisecond round trip through arrow-js
 * builders), in the given Arrow type (usually `arrowTypeFromPrimitive(type)`).
 *
 * @param type the Iceberg type of the values
 * @param values Literals or nulls
 * @param arrowType the Arrow type to build (Bool, Int, Float, Date, Time, Timestamp, Decimal, FixedSizeBinary, Utf8 or Binary)
 * @throws {InvalidArgumentError} when a value does not fit the type, or the Arrow type is not one of those
 */
export function dataFromLiterals(type: PrimitiveType, values: readonly (Literal | null)[], arrowType: arrow.DataType): arrow.Data {
  const n = values.length;
  const validity = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else setBit(validity, i);
  }
  const nullBitmap = nullCount === 0 ? undefined : validity;
  const common = { type: arrowType, length: n, nullCount, ...(nullBitmap ? { nullBitmap } : {}) };
  const t = arrowType;
  switch (t.typeId) {
    case arrow.Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      values.forEach((v, i) => {
        if (v === true) setBit(bits, i);
        else if (v !== null && v !== false) badValue(type, v);
      });
      return arrow.makeData({ ...common, type: t as arrow.Bool, data: bits });
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp: {
      const Ctor = (t as arrow.Int).ArrayType as new (n: number) => (Int32Array | BigInt64Array | Float32Array | Float64Array);
      const out = new Ctor(n);
      const is64 = out instanceof BigInt64Array || out instanceof BigUint64Array;
      values.forEach((v, i) => {
        if (v === null) return;
        if (is64) (out as BigInt64Array)[i] = toBigInt(type, v);
        else if (typeof v === 'number') (out as Float64Array)[i] = v;
        else if (typeof v === 'bigint') (out as Float64Array)[i] = Number(v);
        else badValue(type, v);
      });
      return arrow.makeData({ ...common, type: t as arrow.Int, data: out as never });
    }
    case arrow.Type.Decimal: {
      const words = (t as arrow.Decimal).bitWidth / 32;
      const out = new Uint32Array(n * words);
      values.forEach((v, i) => {
        if (v !== null) out.set(wordsFromBigInt(toBigInt(type, v), words), i * words);
      });
      return arrow.makeData({ ...common, type: t as arrow.Decimal, data: out });
    }
    case arrow.Type.FixedSizeBinary: {
      const w = (t as arrow.FixedSizeBinary).byteWidth;
      const out = new Uint8Array(n * w);
      values.forEach((v, i) => {
        if (v === null) return;
        const bytes = typeof v === 'string' && type.type === 'uuid' ? uuidToBytes(v) : v;
        if (!(bytes instanceof Uint8Array) || bytes.length !== w) badValue(type, v);
        out.set(bytes as Uint8Array, i * w);
      });
      return arrow.makeData({ ...common, type: t as arrow.FixedSizeBinary, data: out });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      // One buffer for all values, encoded in place (a UTF-16 unit takes at most 3 UTF-8 bytes):
      // a TextEncoder.encode per value allocates once per row, which dominates on many rows.
      let capacity = 0;
      for (const v of values) {
        if (typeof v === 'string') capacity += v.length * 3;
        else if (v instanceof Uint8Array) capacity += v.length;
        else if (v !== null && v !== undefined) badValue(type, v);
      }
      const buffer = new Uint8Array(capacity);
      const offsets = new Int32Array(n + 1);
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'string') pos += textEncoder.encodeInto(v, buffer.subarray(pos)).written;
        else if (v instanceof Uint8Array) {
          buffer.set(v, pos);
          pos += v.length;
        }
        offsets[i + 1] = pos;
      }
      return arrow.makeData({ ...common, type: t as arrow.Utf8, data: buffer.slice(0, pos), valueOffsets: offsets });
    }
    default:
      throw new InvalidArgumentError(`cannot build an arrow ${String(t)} column of Iceberg type ${describe(type)}`);
  }
}
