/**
 * In-memory representation of single Iceberg values: partition tuples, column bounds, default
 * values and filter literals all use it, so transforms, metrics, pruning and row filters agree.
 *
 * | Iceberg type            | JS value                                   |
 * |-------------------------|--------------------------------------------|
 * | boolean                 | `boolean`                                  |
 * | int                     | `number` (int32)                           |
 * | long                    | `bigint`                                   |
 * | float, double           | `number` (float keeps float32 precision)   |
 * | decimal(P,S)            | `bigint`: the unscaled value               |
 * | date                    | `number`: days since 1970-01-01            |
 * | time                    | `bigint`: microseconds since midnight      |
 * | timestamp, timestamptz  | `bigint`: microseconds since the epoch     |
 * | timestamp_ns, …tz_ns    | `bigint`: nanoseconds since the epoch      |
 * | string                  | `string`                                   |
 * | uuid                    | `string`: lowercase 8-4-4-4-12             |
 * | fixed(L), binary        | `Uint8Array`                               |
 *
 * A missing value is `null`.
 *
 * This module also holds the value codecs that are not binary: the JSON single-value
 * serialization (spec Appendix D, "JSON single-value serialization"), the user-facing text form
 * used by filter literals, a display form, and Iceberg's ordering of values.
 *
 * @module
 */
import { InvalidArgumentError, ValidationError } from '../errors.js';
import type { JsonValue } from '../util/index.js';
import {
  formatDate,
  formatTime,
  formatTimestamp,
  parseDate,
  parseDateTime,
  parseTime,
  toUtcUnits,
} from './datetime.js';
import type { PrimitiveType } from './types.js';

/** One non-null Iceberg value (see the module table for which JS type each Iceberg type uses). */
export type Literal = boolean | number | bigint | string | Uint8Array;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Whether values of the type are `bigint`s in memory (see the module table). */
export function isBigIntType(type: PrimitiveType): boolean {
  switch (type.type) {
    case 'long':
    case 'decimal':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- ordering

/**
 * Maps a UTF-16 code unit so that comparing mapped units orders strings by code point (and so
 * by UTF-8 bytes): surrogates (code points above U+FFFF) must sort after U+E000–U+FFFF.
 */
function codePointOrderUnit(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}

/**
 * Compares strings by Unicode code point, which is the order of their UTF-8 bytes (Iceberg
 * compares strings as UTF-8 bytes; JS `<` compares UTF-16 code units, which differs above U+FFFF).
 * @param a a string
 * @param b a string
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codePointOrderUnit(ca) - codePointOrderUnit(cb);
  }
  return a.length - b.length;
}

/**
 * Compares byte arrays as unsigned bytes, lexicographically (shorter prefix first).
 * @param a bytes
 * @param b bytes
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

function hasSignBit(x: number): boolean {
  F64[0] = x;
  // little-endian platforms put the sign in the last byte; Node runs on little-endian hosts only
  return ((F64_BYTES[7] ?? 0) & 0x80) !== 0;
}

/**
 * Orders floating-point values as spec §Sorting requires:
 * `-NaN < -Infinity < -value < -0 < 0 < value < Infinity < NaN`.
 * @param a a number
 * @param b a number
 */
export function compareFloats(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) {
    const ra = aNaN ? (hasSignBit(a) ? -2 : 2) : 0;
    const rb = bNaN ? (hasSignBit(b) ? -2 : 2) : 0;
    return ra - rb;
  }
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === 0 && b === 0) {
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  return 0;
}

function toBigInt(v: Literal, type: PrimitiveType): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new InvalidArgumentError(`expected an integer value for ${type.type}, got ${describe(v)}`, {
    context: { type: type.type },
  });
}

function toNumber(v: Literal, type: PrimitiveType): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new InvalidArgumentError(`expected a number for ${type.type}, got ${describe(v)}`, {
    context: { type: type.type },
  });
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/**
 * Compares two values of one primitive type in Iceberg's order: numbers and temporal values
 * numerically, floats as spec §Sorting says (NaNs at the ends, -0 before 0), booleans false
 * first, strings by UTF-8 bytes (code points), uuids, fixed and binary as unsigned bytes.
 *
 * Integer types accept either `number` or `bigint` (so a filter literal `5` compares with a
 * `long` bound `5n`).
 *
 * @param type the values' type
 * @param a a value
 * @param b a value
 * @returns negative, zero or positive
 * @throws InvalidArgumentError when a value does not have the type's JS representation
 */
export function compareLiterals(type: PrimitiveType, a: Literal, b: Literal): number {
  switch (type.type) {
    case 'boolean':
      return Number(a === true) - Number(b === true);
    case 'int':
    case 'date': {
      const x = toNumber(a, type);
      const y = toNumber(b, type);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'float':
    case 'double':
      return compareFloats(toNumber(a, type), toNumber(b, type));
    case 'long':
    case 'decimal':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const x = toBigInt(a, type);
      const y = toBigInt(b, type);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'unknown':
      // spec §Primitive Types: `unknown` has no non-null values to order.
      throw new InvalidArgumentError(`cannot compare values of type unknown, which has only nulls`);
    case 'string':
      return compareStrings(expectString(a, type), expectString(b, type));
    case 'uuid':
      // lowercase hex of the big-endian bytes orders exactly as the unsigned bytes do
      return compareStrings(expectString(a, type).toLowerCase(), expectString(b, type).toLowerCase());
    case 'fixed':
    case 'binary':
      return compareBytes(expectBytes(a, type), expectBytes(b, type));
  }
}

function expectString(v: Literal, type: PrimitiveType): string {
  if (typeof v === 'string') return v;
  throw new InvalidArgumentError(`expected a string for ${type.type}, got ${describe(v)}`, { context: { type: type.type } });
}

function expectBytes(v: Literal, type: PrimitiveType): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new InvalidArgumentError(`expected bytes for ${type.type}, got ${describe(v)}`, { context: { type: type.type } });
}

/**
 * Whether two values of one type are equal in Iceberg's sense (`compareLiterals` is 0, except
 * that floats compare by bits so -0 and 0 differ and all NaNs are equal; spec §Scan Planning
 * note 3 on partition equality).
 * @param type the values' type
 * @param a a value
 * @param b a value
 */
export function literalsEqual(type: PrimitiveType, a: Literal, b: Literal): boolean {
  if (type.type === 'float' || type.type === 'double') {
    const x = toNumber(a, type);
    const y = toNumber(b, type);
    return (Number.isNaN(x) && Number.isNaN(y)) || Object.is(x, y);
  }
  return compareLiterals(type, a, b) === 0;
}

// ---------------------------------------------------------------- decimals

/**
 * The text of an unscaled decimal at a scale: `1420n` at scale 2 is `"14.20"`; a negative scale
 * uses scientific notation as Java's `BigDecimal.toString` does (`2E+20`).
 * @param unscaled the unscaled value
 * @param scale the scale
 */
export function decimalToString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale < 0) return `${negative ? '-' : ''}${digits}E+${-scale}`;
  if (scale === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(scale + 1, '0');
  const int = padded.slice(0, padded.length - scale);
  const frac = padded.slice(padded.length - scale);
  return `${negative ? '-' : ''}${int}.${frac}`;
}

/**
 * Parses decimal text (`"14.2"`, `"-0.5"`, `"2E+20"`, `"1e-3"`) into an unscaled value at the
 * given scale. Fewer fraction digits are padded; more are accepted only when they are zeros.
 * @param text the decimal text
 * @param scale the target scale
 * @returns the unscaled value, or undefined when the text is not a decimal or does not fit the scale
 */
export function decimalFromString(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? '';
  if (intDigits === '' && fracDigits === '') return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  // value = digits * 10^(exponent - fracDigits.length); we want value * 10^scale
  let digits = (intDigits + fracDigits).replace(/^0+(?=\d)/, '');
  const shift = exponent - fracDigits.length + scale;
  if (shift >= 0) {
    digits = digits + '0'.repeat(shift);
  } else {
    const cut = -shift;
    const dropped = digits.length > cut ? digits.slice(digits.length - cut) : digits;
    if (/[1-9]/.test(dropped)) return undefined;
    digits = digits.length > cut ? digits.slice(0, digits.length - cut) : '0';
  }
  const v = BigInt(digits || '0');
  return m[1] === '-' ? -v : v;
}

/**
 * Whether an unscaled value fits a decimal's precision (at most P digits).
 * @param unscaled the unscaled value
 * @param precision P
 */
export function decimalFitsPrecision(unscaled: bigint, precision: number): boolean {
  const abs = unscaled < 0n ? -unscaled : unscaled;
  return abs.toString().length <= precision;
}

// ---------------------------------------------------------------- hex, uuid

/**
 * Lowercase hex of bytes.
 * @param bytes the bytes
 */
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Bytes of a hex string (either case), or undefined when the text is not hex of whole bytes.
 * @param hex the hex text
 */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A uuid string normalised to lowercase 8-4-4-4-12, or undefined when the text is not a uuid.
 * @param text the uuid text
 */
export function normalizeUuid(text: string): string | undefined {
  return UUID_RE.test(text) ? text.toLowerCase() : undefined;
}

/**
 * The 16 big-endian bytes of a uuid string (spec Appendix B note 4).
 * @param uuid lowercase or uppercase 8-4-4-4-12
 * @throws InvalidArgumentError when the text is not a uuid
 */
export function uuidToBytes(uuid: string): Uint8Array {
  const norm = normalizeUuid(uuid);
  if (norm === undefined) throw new InvalidArgumentError(`not a uuid: ${JSON.stringify(uuid)}`);
  const bytes = hexToBytes(norm.replace(/-/g, ''));
  if (bytes === undefined) throw new InvalidArgumentError(`not a uuid: ${JSON.stringify(uuid)}`);
  return bytes;
}

/**
 * The lowercase 8-4-4-4-12 string of 16 big-endian uuid bytes.
 * @param bytes 16 bytes
 */
export function uuidFromBytes(bytes: Uint8Array): string {
  const h = bytesToHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------- floats

/**
 * The shortest decimal text that reads back as the same float32 (Java's `Float.toString` keeps
 * `0.34234`, where the float32 widened to a double prints as `0.3423399925231934`).
 * @param v a float32 value held in a number
 */
export function float32ToShortestNumber(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

// ---------------------------------------------------------------- JSON single-value serialization

function jsonError(type: PrimitiveType, json: JsonValue, why: string): ValidationError {
  return new ValidationError(`invalid JSON single value for ${typeToText(type)}: ${why}`, {
    context: { type: typeToText(type), value: safeText(json) },
  });
}

function safeText(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'array' : 'object';
  return String(v);
}

function typeToText(type: PrimitiveType): string {
  if (type.type === 'decimal') return `decimal(${type.precision},${type.scale})`;
  if (type.type === 'fixed') return `fixed[${type.length}]`;
  return type.type;
}

function jsonInteger(json: JsonValue): bigint | undefined {
  if (typeof json === 'bigint') return json;
  if (typeof json === 'number' && Number.isInteger(json)) return BigInt(json);
  if (typeof json === 'string' && /^[+-]?\d+$/.test(json.trim())) return BigInt(json.trim());
  return undefined;
}

function specialFloat(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return NaN;
    case 'Infinity':
    case '+Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/**
 * Decodes a value from Iceberg's JSON single-value serialization (spec Appendix D): booleans and
 * numbers as JSON, decimals as strings (`"14.20"`), dates/times/timestamps as ISO-8601 strings,
 * uuids as strings, fixed and binary as hex. Longs may arrive as `number` or `bigint` (the
 * lossless parser yields a bigint above 2^53).
 *
 * @param type the value's type
 * @param json the JSON value
 * @throws ValidationError when the JSON does not encode a value of the type
 */
export function literalFromJson(type: PrimitiveType, json: JsonValue): Literal {
  switch (type.type) {
    case 'boolean':
      if (typeof json === 'boolean') return json;
      throw jsonError(type, json, 'expected true or false');
    case 'int':
    case 'date': {
      if (type.type === 'date' && typeof json === 'string') {
        const days = parseDate(json);
        if (days === undefined) throw jsonError(type, json, 'expected an ISO date YYYY-MM-DD');
        return days;
      }
      const v = jsonInteger(json);
      if (v === undefined || v < BigInt(INT_MIN) || v > BigInt(INT_MAX)) throw jsonError(type, json, 'expected a 32-bit integer');
      return Number(v);
    }
    case 'long': {
      const v = jsonInteger(json);
      if (v === undefined || v < LONG_MIN || v > LONG_MAX) throw jsonError(type, json, 'expected a 64-bit integer');
      return v;
    }
    case 'float':
    case 'double': {
      let v: number | undefined;
      if (typeof json === 'number') v = json;
      else if (typeof json === 'bigint') v = Number(json);
      else if (typeof json === 'string') v = specialFloat(json);
      if (v === undefined) throw jsonError(type, json, 'expected a number');
      return type.type === 'float' ? Math.fround(v) : v;
    }
    case 'decimal': {
      const text = typeof json === 'string' ? json : typeof json === 'number' || typeof json === 'bigint' ? String(json) : undefined;
      const v = text === undefined ? undefined : decimalFromString(text, type.scale);
      if (v === undefined) throw jsonError(type, json, `expected a decimal string with at most ${type.scale} fraction digits`);
      if (!decimalFitsPrecision(v, type.precision)) throw jsonError(type, json, `more than ${type.precision} digits`);
      return v;
    }
    case 'time': {
      const v = typeof json === 'string' ? parseTime(json, 6) : undefined;
      if (v === undefined) throw jsonError(type, json, 'expected an ISO time HH:MM:SS.ffffff');
      return v;
    }
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const digits = type.type.endsWith('_ns') ? 9 : 6;
      const parsed = typeof json === 'string' ? parseDateTime(json, digits) : undefined;
      if (parsed === undefined) throw jsonError(type, json, 'expected an ISO timestamp');
      // Readers are lenient: a zone offset on a timestamp without zone is applied rather than rejected.
      return toUtcUnits(parsed, digits);
    }
    case 'unknown':
      throw jsonError(type, json, 'an unknown column has only null values');
    case 'string':
      if (typeof json === 'string') return json;
      throw jsonError(type, json, 'expected a string');
    case 'uuid': {
      const v = typeof json === 'string' ? normalizeUuid(json) : undefined;
      if (v === undefined) throw jsonError(type, json, 'expected a uuid string');
      return v;
    }
    case 'fixed':
    case 'binary': {
      const v = typeof json === 'string' ? hexToBytes(json) : undefined;
      if (v === undefined) throw jsonError(type, json, 'expected a hex string');
      if (type.type === 'fixed' && v.length !== type.length) throw jsonError(type, json, `expected ${type.length} bytes, got ${v.length}`);
      return v;
    }
  }
}

/**
 * Encodes a value in Iceberg's JSON single-value serialization (spec Appendix D). Longs are
 * numbers when they are safe integers and bigints otherwise (`stringifyJson` writes both as
 * plain digits); floats are written with the fewest digits that read back the same float32.
 *
 * @param type the value's type
 * @param v the value
 * @throws InvalidArgumentError when the value does not have the type's JS representation
 */
export function literalToJson(type: PrimitiveType, v: Literal): JsonValue {
  switch (type.type) {
    case 'boolean':
      if (typeof v !== 'boolean') throw new InvalidArgumentError(`expected a boolean, got ${describe(v)}`);
      return v;
    case 'int':
      return toNumber(v, type);
    case 'long': {
      const b = toBigInt(v, type);
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
    }
    case 'float':
      return float32ToShortestNumber(Math.fround(toNumber(v, type)));
    case 'double':
      return toNumber(v, type);
    case 'decimal':
      return decimalToString(toBigInt(v, type), type.scale);
    case 'date':
      return formatDate(toNumber(v, type));
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return formatTemporal(type.type, toBigInt(v, type), false);
    case 'unknown':
      throw new InvalidArgumentError(`type unknown has no non-null values, got ${describe(v)}`);
    case 'string':
      return expectString(v, type);
    case 'uuid':
      return expectString(v, type).toLowerCase();
    case 'fixed':
    case 'binary':
      return bytesToHex(expectBytes(v, type));
  }
}

// ---------------------------------------------------------------- user text

function textError(type: PrimitiveType, text: string, expected: string): InvalidArgumentError {
  return new InvalidArgumentError(`cannot read ${JSON.stringify(text)} as ${typeToText(type)}: expected ${expected}`, {
    context: { type: typeToText(type), value: text },
  });
}

/**
 * Reads a value typed by a user (a filter literal such as `'2026-01-01'`, `'1.5'`, `'42'`).
 *
 * - boolean: `true`/`false` (any case); int and long: decimal integers (range-checked).
 * - float/double: any JS number text, plus `NaN`, `Infinity`, `-Infinity`.
 * - decimal: `1.5`, `-0.25`, `1e3`; padded to the scale, extra non-zero digits rejected.
 * - date: `YYYY-MM-DD`; time: `HH:MM[:SS[.ffffff]]`.
 * - timestamp, timestamptz (and `_ns`): `YYYY-MM-DD`, optionally followed by `T` or a space and a
 *   time, optionally followed by `Z` or `±HH:MM`. Without an offset the text is read as UTC; with
 *   one, the instant is converted to UTC (for `timestamp` too).
 * - string: the text itself; uuid: 8-4-4-4-12; fixed/binary: hex (an optional `0x` prefix).
 *
 * @param type the target type
 * @param text the user's text
 * @throws InvalidArgumentError when the text cannot be read as the type
 */
export function literalFromString(type: PrimitiveType, text: string): Literal {
  const t = text.trim();
  switch (type.type) {
    case 'boolean': {
      const l = t.toLowerCase();
      if (l === 'true') return true;
      if (l === 'false') return false;
      throw textError(type, text, 'true or false');
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(t)) throw textError(type, text, 'an integer');
      const v = Number(t);
      if (v < INT_MIN || v > INT_MAX) throw textError(type, text, `an integer between ${INT_MIN} and ${INT_MAX}`);
      return v;
    }
    case 'long': {
      if (!/^[+-]?\d+$/.test(t)) throw textError(type, text, 'an integer');
      const v = BigInt(t);
      if (v < LONG_MIN || v > LONG_MAX) throw textError(type, text, 'a 64-bit integer');
      return v;
    }
    case 'float':
    case 'double': {
      const special = specialFloat(t);
      const v = special ?? (t !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : undefined);
      if (v === undefined) throw textError(type, text, 'a number');
      return type.type === 'float' ? Math.fround(v) : v;
    }
    case 'decimal': {
      const v = decimalFromString(t, type.scale);
      if (v === undefined) throw textError(type, text, `a decimal with at most ${type.scale} fraction digits`);
      if (!decimalFitsPrecision(v, type.precision)) throw textError(type, text, `at most ${type.precision} digits`);
      return v;
    }
    case 'date': {
      const v = parseDate(t);
      if (v === undefined) throw textError(type, text, 'a date YYYY-MM-DD');
      return v;
    }
    case 'time': {
      const v = parseTime(t, 6);
      if (v === undefined) throw textError(type, text, 'a time HH:MM[:SS[.ffffff]]');
      return v;
    }
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const digits = type.type.endsWith('_ns') ? 9 : 6;
      const parsed = parseDateTime(t, digits);
      if (parsed === undefined) throw textError(type, text, 'a timestamp YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|±HH:MM]');
      return toUtcUnits(parsed, digits);
    }
    case 'unknown':
      throw textError(type, text, 'null (an unknown column has only null values)');
    case 'string':
      return text;
    case 'uuid': {
      const v = normalizeUuid(t);
      if (v === undefined) throw textError(type, text, 'a uuid 8-4-4-4-12');
      return v;
    }
    case 'fixed':
    case 'binary': {
      const v = hexToBytes(t.replace(/^0x/i, ''));
      if (v === undefined) throw textError(type, text, 'hex bytes');
      if (type.type === 'fixed' && v.length !== type.length) throw textError(type, text, `${type.length} bytes`);
      return v;
    }
  }
}

/**
 * A time or timestamp in Iceberg's JSON single-value form (spec Appendix D): micro- or
 * nanosecond digits, `+00:00` for the zoned types; `strip` drops trailing zero digits (display).
 */
function formatTemporal(kind: 'time' | 'timestamp' | 'timestamptz' | 'timestamp_ns' | 'timestamptz_ns', v: bigint, strip: boolean): string {
  if (kind === 'time') return formatTime(v, { digits: 6, strip });
  const digits = kind.endsWith('_ns') ? 9 : 6;
  const text = formatTimestamp(v, { digits, strip });
  return kind.startsWith('timestamptz') ? `${text}+00:00` : text;
}

/**
 * Prints a value for people (CLI output, error messages): dates and timestamps in ISO-8601 with
 * the fraction only when it is non-zero, `timestamptz` with `+00:00`, decimals at their scale,
 * bytes as hex, floats with the fewest digits that read back the same.
 *
 * @param type the value's type
 * @param v the value
 */
export function literalToDisplay(type: PrimitiveType, v: Literal): string {
  try {
    switch (type.type) {
      case 'float':
        return String(float32ToShortestNumber(Math.fround(toNumber(v, type))));
      case 'time':
      case 'timestamp':
      case 'timestamptz':
      case 'timestamp_ns':
      case 'timestamptz_ns':
        return formatTemporal(type.type, toBigInt(v, type), true);
      default: {
        const j = literalToJson(type, v);
        return typeof j === 'string' ? j : String(j);
      }
    }
  } catch {
    // printing must never throw: fall back to a plain rendering of whatever was passed
    return v instanceof Uint8Array ? bytesToHex(v) : String(v);
  }
}
