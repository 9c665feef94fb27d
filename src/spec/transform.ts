/**
 * Partition transforms (spec §Partition Transforms, §Bucket Transform Details, §Truncate
 * Transform Details, Appendix B): parsing and printing their names, result types, applying them
 * to values, and the human-readable partition values used in data file paths.
 *
 * @module
 */
import murmur from 'murmurhash3js-revisited';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { civilFromDays, floorDiv, formatDate, formatTime, formatTimestamp, MICROS_PER_DAY, MICROS_PER_HOUR, NANOS_PER_MICRO } from './datetime.js';
import { bigIntToMinimalBytes, longToBytes } from './bounds.js';
import type { Transform } from './partition.js';
import type { PrimitiveType } from './types.js';
import { decimalToString, uuidToBytes, type Literal } from './values.js';

export type { Transform } from './partition.js';

const ENCODER = new TextEncoder();

/** The identity transform. */
export const IDENTITY: Transform = { kind: 'identity' };
/** The void transform (always null). */
export const VOID: Transform = { kind: 'void' };

/**
 * Reads a transform's name: `identity`, `bucket[16]`, `truncate[4]`, `year`, `month`, `day`,
 * `hour`, `void` (any case, as Java's `Transforms.fromString`).
 * @param text the name as written in metadata
 * @throws UnsupportedError for a transform Floe does not know (a v3 or engine-specific one)
 */
export function parseTransform(text: string): Transform {
  const t = text.trim().toLowerCase();
  switch (t) {
    case 'identity':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'void':
      return { kind: t };
    default:
      break;
  }
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(t);
  if (m) {
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n) || n <= 0 || n > 2147483647) {
      throw new InvalidArgumentError(`transform ${JSON.stringify(text)} needs a positive 32-bit parameter`, { context: { transform: text } });
    }
    return m[1] === 'bucket' ? { kind: 'bucket', numBuckets: n } : { kind: 'truncate', width: n };
  }
  throw new UnsupportedError(`unknown partition transform ${JSON.stringify(text)}`, {
    context: { transform: text },
    help: 'Floe supports identity, bucket[N], truncate[W], year, month, day, hour and void',
  });
}

/**
 * A transform's name as written in metadata (`bucket[16]`).
 * @param t the transform
 */
export function transformToString(t: Transform): string {
  switch (t.kind) {
    case 'bucket':
      return `bucket[${t.numBuckets}]`;
    case 'truncate':
      return `truncate[${t.width}]`;
    default:
      return t.kind;
  }
}

/**
 * Whether two transforms are the same (kind and parameter).
 * @param a a transform
 * @param b a transform
 */
export function sameTransform(a: Transform, b: Transform): boolean {
  return transformToString(a) === transformToString(b);
}

const BUCKET_SOURCES = new Set([
  'int',
  'long',
  'decimal',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'fixed',
  'binary',
]);
const TRUNCATE_SOURCES = new Set(['int', 'long', 'decimal', 'string', 'binary']);
const DATE_SOURCES = new Set(['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);
const HOUR_SOURCES = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/**
 * Whether a transform applies to a source type (spec §Partition Transforms, "Source types").
 * @param t the transform
 * @param source the source column's type
 */
export function canTransform(t: Transform, source: PrimitiveType): boolean {
  switch (t.kind) {
    case 'identity':
    case 'void':
      return true;
    case 'bucket':
      return BUCKET_SOURCES.has(source.type);
    case 'truncate':
      return TRUNCATE_SOURCES.has(source.type);
    case 'year':
    case 'month':
    case 'day':
      return DATE_SOURCES.has(source.type);
    case 'hour':
      return HOUR_SOURCES.has(source.type);
  }
}

function typeText(t: PrimitiveType): string {
  if (t.type === 'decimal') return `decimal(${t.precision},${t.scale})`;
  if (t.type === 'fixed') return `fixed[${t.length}]`;
  return t.type;
}

function cannotApply(t: Transform, source: PrimitiveType): InvalidArgumentError {
  return new InvalidArgumentError(`transform ${transformToString(t)} cannot be applied to ${typeText(source)}`, {
    context: { transform: transformToString(t), type: typeText(source) },
  });
}

/**
 * The type of a transform's values: `bucket`, `year`, `month` and `hour` give `int`; `day`
 * gives `date` (as Java and PyIceberg type it, so day partitions print as dates); `identity`,
 * `truncate` and `void` keep the source type.
 *
 * @param t the transform
 * @param source the source column's type
 * @throws InvalidArgumentError when the transform does not apply to the source type
 */
export function transformResultType(t: Transform, source: PrimitiveType): PrimitiveType {
  if (!canTransform(t, source)) throw cannotApply(t, source);
  switch (t.kind) {
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return { type: 'int' };
    case 'day':
      return { type: 'date' };
    default:
      return source;
  }
}

/**
 * Whether `a <= b` implies `t(a) <= t(b)`: true for identity, truncate and the date/time
 * transforms (so min/max bounds project through them), false for bucket and void.
 * @param t the transform
 */
export function transformPreservesOrder(t: Transform): boolean {
  return t.kind !== 'bucket' && t.kind !== 'void';
}

// ---------------------------------------------------------------- hashing (Appendix B)

/**
 * Iceberg's 32-bit hash (spec Appendix B): Murmur3 x86 32-bit, seed 0, as a signed int.
 * @param bytes the bytes to hash
 */
export function murmur3Hash32(bytes: Uint8Array): number {
  return murmur.x86.hash32(bytes, 0) | 0;
}

function toBigInt(v: Literal, source: PrimitiveType): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw badValue(v, source);
}

function toInt(v: Literal, source: PrimitiveType): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  throw badValue(v, source);
}

function badValue(v: Literal, source: PrimitiveType): InvalidArgumentError {
  const shown = v instanceof Uint8Array ? `bytes[${v.length}]` : `${typeof v} ${String(v)}`;
  return new InvalidArgumentError(`${shown} is not a ${typeText(source)} value`, { context: { type: typeText(source) } });
}

/**
 * The bytes Appendix B hashes for a value: ints, longs and dates as 8-byte little-endian longs
 * (so `int`→`long` promotion keeps buckets), times and timestamps as microseconds in a long
 * (nanosecond timestamps floor-divided to microseconds first), strings as UTF-8, uuids as 16
 * big-endian bytes, decimals as the minimal two's-complement big-endian unscaled value, fixed
 * and binary as they are.
 */
function hashBytes(source: PrimitiveType, v: Literal): Uint8Array {
  switch (source.type) {
    case 'int':
    case 'long':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return longToBytes(toBigInt(v, source));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return longToBytes(floorDiv(toBigInt(v, source), NANOS_PER_MICRO));
    case 'decimal':
      return bigIntToMinimalBytes(toBigInt(v, source));
    case 'string':
      if (typeof v !== 'string') throw badValue(v, source);
      return ENCODER.encode(v);
    case 'uuid':
      if (typeof v !== 'string') throw badValue(v, source);
      return uuidToBytes(v);
    case 'fixed':
    case 'binary':
      if (!(v instanceof Uint8Array)) throw badValue(v, source);
      return v;
    default:
      throw new InvalidArgumentError(`values of type ${typeText(source)} cannot be bucketed`, { context: { type: typeText(source) } });
  }
}

/**
 * The Appendix B hash of a value (e.g. int `34` → `2017239379`).
 * @param source the value's type
 * @param v the value
 * @throws InvalidArgumentError for types that are not hashed (boolean, float, double)
 */
export function hashLiteral(source: PrimitiveType, v: Literal): number {
  return murmur3Hash32(hashBytes(source, v));
}

// ---------------------------------------------------------------- applying

function truncateCodePoints(s: string, width: number): string {
  let count = 0;
  let i = 0;
  while (i < s.length && count < width) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    count++;
  }
  return i >= s.length ? s : s.slice(0, i);
}

function yearsFromDays(days: number): number {
  return civilFromDays(days).year - 1970;
}

function monthsFromDays(days: number): number {
  const { year, month } = civilFromDays(days);
  return (year - 1970) * 12 + (month - 1);
}

/** Days since the epoch of a date or timestamp value (floor, so 1969-12-31T23:00 is day -1). */
function daysOf(source: PrimitiveType, v: Literal): number {
  switch (source.type) {
    case 'date':
      return toInt(v, source);
    case 'timestamp':
    case 'timestamptz':
      return Number(floorDiv(toBigInt(v, source), MICROS_PER_DAY));
    default:
      return Number(floorDiv(toBigInt(v, source), MICROS_PER_DAY * NANOS_PER_MICRO));
  }
}

/**
 * Applies a transform to a value with exactly the spec's semantics:
 *
 * - `bucket[N]`: `(hash(v) & Integer.MAX_VALUE) % N` with the Appendix B hash.
 * - `truncate[W]`: ints and longs `v - (((v % W) + W) % W)` (so `-1` → `-10` for W=10), decimals
 *   the same on the unscaled value, strings the first W code points, binary the first W bytes.
 * - `year`, `month`, `day`, `hour`: units since 1970-01-01 (00:00), floor division, so values
 *   before 1970 are negative (1969-12-31 is day -1, year -1).
 * - `identity` returns the value; `void` returns null; null in is null out.
 *
 * @param t the transform
 * @param source the source column's type
 * @param value the source value (see `values.ts` for JS representations)
 * @throws InvalidArgumentError when the transform does not apply to the type or the value is not of it
 */
export function applyTransform(t: Transform, source: PrimitiveType, value: Literal | null): Literal | null {
  if (!canTransform(t, source)) throw cannotApply(t, source);
  if (value === null) return null;
  switch (t.kind) {
    case 'identity':
      return value;
    case 'void':
      return null;
    case 'bucket':
      return (hashLiteral(source, value) & 0x7fffffff) % t.numBuckets;
    case 'truncate':
      return truncateValue(source, value, t.width);
    case 'year':
      return yearsFromDays(daysOf(source, value));
    case 'month':
      return monthsFromDays(daysOf(source, value));
    case 'day':
      return daysOf(source, value);
    case 'hour': {
      const perHour = source.type.endsWith('_ns') ? MICROS_PER_HOUR * NANOS_PER_MICRO : MICROS_PER_HOUR;
      return Number(floorDiv(toBigInt(value, source), perHour));
    }
  }
}

function truncateValue(source: PrimitiveType, value: Literal, width: number): Literal {
  switch (source.type) {
    case 'int': {
      const v = toInt(value, source);
      // int arithmetic wraps in Java; `| 0` keeps the same result at the int32 edges
      return (v - ((((v % width) + width) % width) | 0)) | 0;
    }
    case 'long':
    case 'decimal': {
      // spec: for decimals W is applied at the column's scale, i.e. to the unscaled value
      const v = toBigInt(value, source);
      const w = BigInt(width);
      const r = v - (((v % w) + w) % w);
      return source.type === 'long' ? BigInt.asIntN(64, r) : r;
    }
    case 'string':
      if (typeof value !== 'string') throw badValue(value, source);
      return truncateCodePoints(value, width);
    case 'binary':
      if (!(value instanceof Uint8Array)) throw badValue(value, source);
      return value.length <= width ? value : value.slice(0, width);
    default:
      throw new InvalidArgumentError(`truncate cannot be applied to ${typeText(source)}`);
  }
}

// ---------------------------------------------------------------- human strings and paths

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/**
 * Java's `Double.toString` for the common range: integral values keep a `.0`; outside
 * [1e-3, 1e7) scientific notation `1.0E7`.
 */
function javaDoubleString(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exp = '0'] = v.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.replace('+', '')}`;
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The human-readable form of a partition value, as Java's `Transform.toHumanString`:
 * `year` → `2026`, `month` → `2026-01`, `day` → `2026-01-05`, `hour` → `2026-01-05-13`;
 * identity dates, times and timestamps in ISO-8601 (`timestamptz` with `+00:00`); binary and
 * fixed in base64; decimals at their scale; null as `null`.
 *
 * @param t the partition field's transform
 * @param resultType the partition field's type (`transformResultType` of the source type)
 * @param v the partition value
 */
export function partitionValueToHuman(t: Transform, resultType: PrimitiveType, v: Literal | null): string {
  if (v === null) return 'null';
  switch (t.kind) {
    case 'year':
      return pad(1970 + Number(v), 4);
    case 'month': {
      const months = Number(v);
      const year = 1970 + Math.floor(months / 12);
      const month = ((months % 12) + 12) % 12 + 1;
      return `${pad(year, 4)}-${pad(month, 2)}`;
    }
    case 'day':
      return formatDate(Number(v));
    case 'hour': {
      const hours = BigInt(Number(v));
      const days = Number(floorDiv(hours, 24n));
      const hour = Number(hours - BigInt(days) * 24n);
      return `${formatDate(days)}-${pad(hour, 2)}`;
    }
    case 'bucket':
      return String(v);
    default:
      return valueToHuman(resultType, v);
  }
}

function valueToHuman(type: PrimitiveType, v: Literal): string {
  switch (type.type) {
    case 'date':
      return formatDate(Number(v));
    case 'time':
      return formatTime(BigInt(v as bigint | number), { digits: 6, strip: true });
    case 'timestamp':
      return formatTimestamp(BigInt(v as bigint | number), { digits: 6, strip: true });
    case 'timestamptz':
      return `${formatTimestamp(BigInt(v as bigint | number), { digits: 6, strip: true })}+00:00`;
    case 'timestamp_ns':
      return formatTimestamp(BigInt(v as bigint | number), { digits: 9, strip: true });
    case 'timestamptz_ns':
      return `${formatTimestamp(BigInt(v as bigint | number), { digits: 9, strip: true })}+00:00`;
    case 'decimal':
      return decimalToString(BigInt(v as bigint | number), type.scale);
    case 'float':
    case 'double':
      return javaDoubleString(Number(v));
    case 'fixed':
    case 'binary':
      return v instanceof Uint8Array ? base64(v) : String(v);
    default:
      return String(v);
  }
}

/**
 * URL-encodes as Java's `URLEncoder.encode(s, UTF_8)` does: letters, digits and `.-*_` stay,
 * a space becomes `+`, everything else is `%XX` of its UTF-8 bytes (upper-case hex).
 * @param s the text
 */
export function javaUrlEncode(s: string): string {
  let out = '';
  for (const byte of ENCODER.encode(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A partition value as it appears in a data file path (`data/<name>=<value>/…`): the human
 * string, URL-encoded as Java's `PartitionSpec.partitionToPath` does (so `2026-01-05`,
 * `2026-01-05-13`, and identity strings with `/` or spaces escaped).
 *
 * @param t the partition field's transform
 * @param resultType the partition field's type
 * @param v the partition value
 */
export function partitionValueToPath(t: Transform, resultType: PrimitiveType, v: Literal | null): string {
  return javaUrlEncode(partitionValueToHuman(t, resultType, v));
}
