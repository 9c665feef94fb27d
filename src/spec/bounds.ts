/**
 * Single-value binary serialization (spec Appendix D), used for the lower and upper bounds of
 * data files and the partition summaries of manifest lists, plus the truncation of string and
 * binary bounds (`write.metadata.metrics.default=truncate(16)`).
 *
 * Bounds are stored without their type; after a type promotion old bounds keep their old width,
 * so reading infers the written type from the length (spec §Schema Evolution, bounds table):
 * a 4-byte `long` bound is an `int`, a 4-byte `double` bound a `float`, a 4-byte `timestamp`
 * bound a `date`.
 *
 * @module
 */
import { InvalidArgumentError, ValidationError } from '../errors.js';
import { MICROS_PER_DAY } from './datetime.js';
import type { PrimitiveType } from './types.js';
import { normalizeUuid, uuidFromBytes, uuidToBytes, type Literal } from './values.js';

/** The default width of truncated string and binary bounds (Iceberg's `truncate(16)`). */
export const DEFAULT_TRUNCATE_WIDTH = 16;

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder('utf-8', { fatal: true });

function typeName(type: PrimitiveType): string {
  if (type.type === 'decimal') return `decimal(${type.precision},${type.scale})`;
  if (type.type === 'fixed') return `fixed[${type.length}]`;
  return type.type;
}

function badValue(type: PrimitiveType, v: Literal): InvalidArgumentError {
  const shown = v instanceof Uint8Array ? `bytes[${v.length}]` : `${typeof v} ${String(v)}`;
  return new InvalidArgumentError(`cannot serialize ${shown} as ${typeName(type)}`, { context: { type: typeName(type) } });
}

function asBigInt(type: PrimitiveType, v: Literal): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw badValue(type, v);
}

function asNumber(type: PrimitiveType, v: Literal): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw badValue(type, v);
}

/**
 * Minimal two's-complement big-endian bytes of an integer, as Java's `BigInteger.toByteArray`
 * (at least one byte; `0` is `[0x00]`, `-1` is `[0xff]`, `128` is `[0x00, 0x80]`).
 * @param v the integer
 */
export function bigIntToMinimalBytes(v: bigint): Uint8Array {
  let len = 1;
  // grow until the value fits in `len` bytes as a signed number
  while (v < -(1n << BigInt(8 * len - 1)) || v >= 1n << BigInt(8 * len - 1)) len++;
  const out = new Uint8Array(len);
  let x = BigInt.asUintN(8 * len, v);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/**
 * The integer of two's-complement big-endian bytes (any length).
 * @param bytes the bytes
 */
export function bigIntFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return BigInt.asIntN(8 * bytes.length, x);
}

/**
 * Little-endian 8 bytes of a 64-bit integer.
 * @param v a value in the int64 range
 */
export function longToBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, v), true);
  return out;
}

function intToBytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, v, true);
  return out;
}

/**
 * Serializes a value to its single-value binary form (spec Appendix D): int and date 4-byte
 * little-endian; long, time and timestamps 8-byte little-endian; float and double IEEE 754
 * little-endian; boolean one byte; string UTF-8; uuid 16 bytes big-endian; fixed and binary as
 * is; decimal the unscaled value as minimal two's-complement big-endian.
 *
 * @param type the value's type
 * @param v the value
 * @throws InvalidArgumentError when the value does not have the type's JS representation
 */
export function literalToBytes(type: PrimitiveType, v: Literal): Uint8Array {
  switch (type.type) {
    case 'boolean':
      if (typeof v !== 'boolean') throw badValue(type, v);
      return Uint8Array.of(v ? 1 : 0);
    case 'int':
    case 'date': {
      const n = asNumber(type, v);
      if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw badValue(type, v);
      return intToBytes(n);
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return longToBytes(asBigInt(type, v));
    case 'float': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setFloat32(0, asNumber(type, v), true);
      return out;
    }
    case 'double': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, asNumber(type, v), true);
      return out;
    }
    case 'decimal':
      return bigIntToMinimalBytes(asBigInt(type, v));
    case 'string':
      if (typeof v !== 'string') throw badValue(type, v);
      return ENCODER.encode(v);
    case 'uuid':
      if (typeof v !== 'string') throw badValue(type, v);
      return uuidToBytes(v);
    case 'unknown':
      // spec §Primitive Types: `unknown` has no non-null values, so no bounds.
      throw badValue(type, v);
    case 'fixed':
    case 'binary':
      if (!(v instanceof Uint8Array)) throw badValue(type, v);
      return v;
  }
}

function badBytes(type: PrimitiveType, bytes: Uint8Array, expected: string): ValidationError {
  return new ValidationError(`a ${typeName(type)} bound must be ${expected}, got ${bytes.length} bytes`, {
    context: { type: typeName(type), length: bytes.length },
  });
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Deserializes a single-value binary form (spec Appendix D). After a promotion, narrower bounds
 * are widened: 4 bytes for a `long` are read as an int, for a `double` as a float, for a
 * `timestamp` (or `_ns`) as a date at midnight.
 *
 * @param type the column's (current) type
 * @param bytes the serialized value
 * @throws ValidationError when the length does not fit the type or a string is not UTF-8
 */
export function literalFromBytes(type: PrimitiveType, bytes: Uint8Array): Literal {
  const dv = view(bytes);
  switch (type.type) {
    case 'boolean':
      if (bytes.length !== 1) throw badBytes(type, bytes, '1 byte');
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      if (bytes.length !== 4) throw badBytes(type, bytes, '4 bytes');
      return dv.getInt32(0, true);
    case 'long':
      if (bytes.length === 4) return BigInt(dv.getInt32(0, true));
      if (bytes.length !== 8) throw badBytes(type, bytes, '8 bytes (or 4, written as int)');
      return dv.getBigInt64(0, true);
    case 'time':
      if (bytes.length !== 8) throw badBytes(type, bytes, '8 bytes');
      return dv.getBigInt64(0, true);
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      if (bytes.length === 4) {
        const perDay = type.type.endsWith('_ns') ? MICROS_PER_DAY * 1000n : MICROS_PER_DAY;
        return BigInt(dv.getInt32(0, true)) * perDay;
      }
      if (bytes.length !== 8) throw badBytes(type, bytes, '8 bytes (or 4, written as date)');
      return dv.getBigInt64(0, true);
    }
    case 'float':
      if (bytes.length !== 4) throw badBytes(type, bytes, '4 bytes');
      return dv.getFloat32(0, true);
    case 'double':
      if (bytes.length === 4) return dv.getFloat32(0, true);
      if (bytes.length !== 8) throw badBytes(type, bytes, '8 bytes (or 4, written as float)');
      return dv.getFloat64(0, true);
    case 'decimal':
      if (bytes.length === 0) throw badBytes(type, bytes, 'at least 1 byte');
      return bigIntFromBytes(bytes);
    case 'string':
      try {
        return DECODER.decode(bytes);
      } catch (e) {
        throw new ValidationError('a string bound is not valid UTF-8', { context: { type: 'string', length: bytes.length }, cause: e });
      }
    case 'unknown':
      throw badBytes(type, bytes, 'nothing (an unknown column has no bounds)');
    case 'uuid': {
      if (bytes.length !== 16) throw badBytes(type, bytes, '16 bytes');
      const s = uuidFromBytes(bytes);
      return normalizeUuid(s) ?? s;
    }
    case 'fixed':
      if (bytes.length !== type.length) throw badBytes(type, bytes, `${type.length} bytes`);
      return bytes.slice();
    case 'binary':
      return bytes.slice();
  }
}

// ---------------------------------------------------------------- truncation

/** Code points of a string (a surrogate pair is one code point). */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) ?? 0);
  return out;
}

/**
 * Truncates a lower bound: strings to `width` code points (never splitting a surrogate pair),
 * binary to `width` bytes. A prefix sorts before the value, so it stays a lower bound. Other
 * types are returned unchanged.
 *
 * @param type the column's type
 * @param v the exact lower bound
 * @param width code points or bytes to keep (default 16)
 */
export function truncateLowerBound(type: PrimitiveType, v: Literal, width: number = DEFAULT_TRUNCATE_WIDTH): Literal {
  if (type.type === 'string' && typeof v === 'string') {
    const cps = codePoints(v);
    return cps.length <= width ? v : String.fromCodePoint(...cps.slice(0, width));
  }
  if (type.type === 'binary' && v instanceof Uint8Array) {
    return v.length <= width ? v : v.slice(0, width);
  }
  return v;
}

/**
 * Truncates an upper bound so that it still sorts at or above every value it bounds: keeps
 * `width` code points (strings) or bytes (binary) and increments the last one that can be
 * incremented, dropping what follows it (Java `UnicodeUtil.truncateStringMax`,
 * `BinaryUtil.truncateBinaryMax`). Incrementing skips the surrogate range U+D800–U+DFFF.
 *
 * @param type the column's type
 * @param v the exact upper bound
 * @param width code points or bytes to keep (default 16)
 * @returns the truncated bound, the value itself when it is short enough (or not a string or
 *   binary), or null when no shorter upper bound exists (every kept code point is U+10FFFF, or
 *   every kept byte 0xff): the caller then stores no upper bound
 */
export function truncateUpperBound(type: PrimitiveType, v: Literal, width: number = DEFAULT_TRUNCATE_WIDTH): Literal | null {
  if (type.type === 'string' && typeof v === 'string') {
    const cps = codePoints(v);
    if (cps.length <= width) return v;
    const kept = cps.slice(0, width);
    for (let i = kept.length - 1; i >= 0; i--) {
      let next = (kept[i] ?? 0) + 1;
      if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
      if (next <= 0x10ffff) {
        return String.fromCodePoint(...kept.slice(0, i), next);
      }
    }
    return null;
  }
  if (type.type === 'binary' && v instanceof Uint8Array) {
    if (v.length <= width) return v;
    const kept = v.slice(0, width);
    for (let i = kept.length - 1; i >= 0; i--) {
      if ((kept[i] ?? 0xff) < 0xff) {
        const out = kept.slice(0, i + 1);
        out[i] = (out[i] ?? 0) + 1;
        return out;
      }
    }
    return null;
  }
  return v;
}
