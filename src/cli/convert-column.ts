/**
 * Text and JSON values (from CSV and JSON-lines files) → an Arrow column of the table's type.
 *
 * Each value is converted exactly or rejected with a `SchemaMismatchError` naming the file, the
 * line and the column: integers are range-checked, decimals must fit their precision and scale,
 * timestamps keep every fractional digit. Accepted forms:
 *
 * | type | accepted |
 * |---|---|
 * | boolean | `true`/`false`, `t`/`f`, `yes`/`no`, `1`/`0` (any case) |
 * | int, long | integer text or JSON integer, in range |
 * | float, double | any number, `NaN`, `Infinity`, `-Infinity` |
 * | decimal(P,S) | decimal text or number with at most S fraction digits and P digits |
 * | date | `YYYY-MM-DD` |
 * | time | `HH:MM[:SS[.ffffff]]` |
 * | timestamp, timestamptz | ISO-8601 (`2026-01-05T10:00:00.123456Z`, `2026-01-05 10:00:00+02:00`; no zone = UTC), or an integer in the column's unit (µs) |
 * | string | text; JSON numbers, booleans and objects as their JSON text |
 * | binary, fixed | base64 (fixed[16]/uuid also the dashed uuid form) |
 * | vector(N) | a JSON array of N numbers |
 * | list, map, struct | JSON arrays / objects |
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError, datetime } from '../index.js';
import type { JsonValue } from '../util/index.js';

/** A raw value as read from a file: text from CSV, JSON from JSON lines, null when absent. */
export type RawValue = JsonValue | undefined;

/** Where a value came from, for error messages. */
export interface ValueSource {
  /** The input file. */
  readonly file: string;
  /** The 1-based line of each row. */
  readonly lineOf: (row: number) => number;
}

/** A value that cannot be converted; the caller adds file, line and column. */
class BadValue extends Error {}

const bad = (what: string): never => {
  throw new BadValue(what);
};

const INT_RANGE: Record<number, [bigint, bigint]> = {
  8: [-(2n ** 7n), 2n ** 7n - 1n],
  16: [-(2n ** 15n), 2n ** 15n - 1n],
  32: [-(2n ** 31n), 2n ** 31n - 1n],
  64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function toBigInt(v: JsonValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : bad(`${v} is not an integer`);
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return BigInt(v.trim());
  return bad(`${JSON.stringify(v)} is not an integer`);
}

function toInt(v: JsonValue, t: arrow.Int): bigint {
  const n = toBigInt(v);
  const [lo, hi] = t.isSigned ? INT_RANGE[t.bitWidth]! : [0n, 2n ** BigInt(t.bitWidth) - 1n];
  if (n < lo || n > hi) bad(`${n} is out of range for a ${t.bitWidth}-bit integer`);
  return n;
}

function toFloat(v: JsonValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[-+]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (/^nan$/i.test(s)) return Number.NaN;
    if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  }
  return bad(`${JSON.stringify(v)} is not a number`);
}

function toBool(v: JsonValue): boolean {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['true', 't', 'yes', 'y', '1'].includes(s)) return true;
  if (['false', 'f', 'no', 'n', '0'].includes(s)) return false;
  return bad(`${JSON.stringify(v)} is not a boolean`);
}

function toDecimal(v: JsonValue, t: arrow.Decimal): bigint {
  const text = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'bigint' ? String(v) : bad(`${JSON.stringify(v)} is not a decimal`);
  const m = /^([-+])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return bad(`${JSON.stringify(v)} is not a decimal`);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > t.scale) bad(`${text} has more than ${t.scale} digits after the point`);
  const digits = `${m[2] ?? ''}${fraction.padEnd(t.scale, '0')}`.replace(/^0+(?=\d)/, '');
  if (digits.replace(/^0+/, '').length > t.precision) bad(`${text} does not fit decimal(${t.precision},${t.scale})`);
  const unscaled = BigInt(digits === '' ? '0' : digits);
  return m[1] === '-' ? -unscaled : unscaled;
}

// Years as `floe scan` prints them: at least four digits, a sign beyond 9999 or before year 0.
const DATE = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/;

/** Days since the epoch, by exact calendar arithmetic: `Date.UTC` reads years 0–99 as 1900–1999. */
function daysOf(year: number, month: number, day: number, text: string): number {
  if (!datetime.isValidCivil(year, month, day)) bad(`${text} is not a valid date`);
  return datetime.daysFromCivil(year, month, day);
}

function toDate(v: JsonValue): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const s = String(v).trim();
  const m = DATE.exec(s);
  if (!m) return bad(`${JSON.stringify(v)} is not a date (YYYY-MM-DD)`);
  return daysOf(Number(m[1]), Number(m[2]), Number(m[3]), s);
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

function fractionIn(text: string | undefined, perSecond: bigint): bigint {
  if (!text) return 0n;
  const digits = perSecond.toString().length - 1;
  if (text.length > digits && /[1-9]/.test(text.slice(digits))) bad(`.${text} has more fraction digits than the column keeps (${digits})`);
  return BigInt(text.slice(0, digits).padEnd(digits, '0') || '0');
}

function toTime(v: JsonValue, perSecond: bigint): bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return toBigInt(v);
  const s = String(v).trim();
  const m = TIME.exec(s);
  if (!m) return bad(`${JSON.stringify(v)} is not a time (HH:MM:SS[.ffffff])`);
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || min > 59 || sec > 59) bad(`${s} is not a valid time`);
  return BigInt(h * 3600 + min * 60 + sec) * perSecond + fractionIn(m[4], perSecond);
}

const TIMESTAMP = /^([+-]?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO-8601 timestamp to units since the epoch, keeping every fraction digit the unit holds.
 * @param text the timestamp; no zone means UTC
 * @param perSecond units per second (1e6 for µs)
 */
export function parseTimestamp(text: string, perSecond: bigint): bigint | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const days = daysOf(Number(m[1]), Number(m[2]), Number(m[3]), text);
  const [h, min, sec] = [Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0')];
  if (h > 23 || min > 59 || sec > 60) bad(`${text} is not a valid time of day`);
  let offsetSeconds = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetSeconds = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3] ?? '0') * 60);
  }
  const seconds = BigInt(days) * 86_400n + BigInt(h * 3600 + min * 60 + sec - offsetSeconds);
  return seconds * perSecond + fractionIn(m[7], perSecond);
}

function toTimestamp(v: JsonValue, perSecond: bigint): bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return toBigInt(v);
  const s = String(v).trim();
  if (/^-?\d+$/.test(s)) return BigInt(s);
  return parseTimestamp(s, perSecond) ?? bad(`${JSON.stringify(v)} is not a timestamp (ISO-8601, e.g. 2026-01-05T10:00:00Z)`);
}

function toBytes(v: JsonValue, width?: number): Uint8Array {
  if (typeof v !== 'string') return bad(`${JSON.stringify(v)} is not base64 text`);
  const s = v.trim();
  if (width === 16 && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) return Uint8Array.from(Buffer.from(s.replace(/-/g, ''), 'hex'));
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) bad(`${JSON.stringify(s.slice(0, 40))} is not base64`);
  const bytes = Uint8Array.from(Buffer.from(s, 'base64'));
  if (width !== undefined && bytes.length !== width) bad(`${bytes.length} bytes given where ${width} are needed`);
  return bytes;
}

function toText(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** A JSON array from a JSON value or, in CSV, from JSON text in a cell. */
function toArray(v: JsonValue, parseText: (s: string) => JsonValue): JsonValue[] {
  const value = typeof v === 'string' ? parseText(v) : v;
  if (!Array.isArray(value)) return bad(`${JSON.stringify(v).slice(0, 60)} is not a JSON array`);
  return value;
}

function toObject(v: JsonValue, parseText: (s: string) => JsonValue): { [key: string]: JsonValue } {
  const value = typeof v === 'string' ? parseText(v) : v;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad(`${JSON.stringify(v).slice(0, 60)} is not a JSON object`);
  return value;
}

const PER_SECOND: Record<number, bigint> = {
  [arrow.TimeUnit.SECOND]: 1n,
  [arrow.TimeUnit.MILLISECOND]: 1_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000_000n,
  [arrow.TimeUnit.NANOSECOND]: 1_000_000_000n,
};

function validity(values: readonly unknown[]): { bitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { bitmap, nullCount };
}

/** Builds a fixed-width column from converted values (null = missing). */
function fixedWidth<T>(type: arrow.DataType, values: readonly (T | null)[], array: { length: number; [i: number]: T }): arrow.Data {
  values.forEach((v, i) => {
    if (v !== null) array[i] = v;
  });
  const { bitmap, nullCount } = validity(values);
  return arrow.makeData({ type, length: values.length, nullCount, nullBitmap: nullCount > 0 ? bitmap : null, data: array } as never);
}

/** Converts one value to a JS value that arrow-js builders accept (for nested types). */
function builderValue(v: JsonValue, t: arrow.DataType, parseText: (s: string) => JsonValue): unknown {
  if (v === null) return null;
  switch (t.typeId) {
    case arrow.Type.Int:
      return (t as arrow.Int).bitWidth === 64 ? toInt(v, t as arrow.Int) : Number(toInt(v, t as arrow.Int));
    case arrow.Type.Float:
      return toFloat(v);
    case arrow.Type.Bool:
      return toBool(v);
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return toText(v);
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return toBytes(v);
    case arrow.Type.FixedSizeBinary:
      return toBytes(v, (t as arrow.FixedSizeBinary).byteWidth);
    case arrow.Type.Date:
      return new Date(toDate(v) * 86_400_000);
    case arrow.Type.Timestamp:
      // arrow-js builders take ms since the epoch; sub-ms digits of nested timestamps are kept as a fraction.
      return Number(toTimestamp(v, 1_000_000n)) / 1000;
    case arrow.Type.List:
    case arrow.Type.FixedSizeList: {
      const child = (t as arrow.List).children[0]!.type;
      return toArray(v, parseText).map((x) => builderValue(x, child, parseText));
    }
    case arrow.Type.Struct: {
      const o = toObject(v, parseText);
      return Object.fromEntries((t as arrow.Struct).children.map((f) => [f.name, builderValue(o[f.name] ?? null, f.type, parseText)]));
    }
    case arrow.Type.Map: {
      const o = toObject(v, parseText);
      const [k, val] = (t as arrow.Map_).children[0]!.type.children as arrow.Field[];
      return new Map(Object.entries(o).map(([key, x]) => [builderValue(key, k!.type, parseText), builderValue(x, val!.type, parseText)]));
    }
    default:
      return bad(`values of type ${String(t)} cannot be read from text`);
  }
}

/** Options of {@link columnFromValues}. */
export interface ColumnOptions {
  /** Where the values came from. */
  readonly source: ValueSource;
  /** Parses JSON text inside a CSV cell (lists, vectors, structs). */
  readonly parseText: (text: string) => JsonValue;
}

/**
 * Converts the raw values of one column to Arrow data of the field's type.
 * @param field the table's Arrow field (type and nullability)
 * @param raw one value per row; `undefined` or `null` = missing
 * @param options where they came from, for errors
 * @throws SchemaMismatchError naming the file, line, column and value
 */
export function columnFromValues(field: arrow.Field, raw: readonly RawValue[], options: ColumnOptions): arrow.Data {
  const t = field.type;
  let row = 0;
  const each = <T>(convert: (v: JsonValue) => T): (T | null)[] => {
    const out: (T | null)[] = new Array<T | null>(raw.length);
    for (row = 0; row < raw.length; row++) {
      const v = raw[row];
      if (v === null || v === undefined) {
        if (!field.nullable) bad(`the column is required but the value is missing`);
        out[row] = null;
      } else {
        out[row] = convert(v);
      }
    }
    return out;
  };
  try {
    const n = raw.length;
    switch (t.typeId) {
      case arrow.Type.Bool:
        return arrow.vectorFromArray(each(toBool), t as arrow.Bool).data[0]!;
      case arrow.Type.Int: {
        const it = t as arrow.Int;
        const values = each((v) => toInt(v, it));
        if (it.bitWidth === 64) return fixedWidth(t, values, it.isSigned ? new BigInt64Array(n) : new BigUint64Array(n));
        const array = new (it.ArrayType as new (n: number) => Int32Array)(n);
        return fixedWidth(t, values.map((v) => (v === null ? null : Number(v))), array);
      }
      case arrow.Type.Float: {
        const ft = t as arrow.Float;
        const values = each(toFloat);
        if (ft.precision === arrow.Precision.HALF) return bad('half-precision floats are not supported');
        return fixedWidth(t, values, ft.precision === arrow.Precision.SINGLE ? new Float32Array(n) : new Float64Array(n));
      }
      case arrow.Type.Decimal: {
        const dt = t as arrow.Decimal;
        const stride = dt.bitWidth / 32;
        const values = each((v) => toDecimal(v, dt));
        const words = new Uint32Array(n * stride);
        values.forEach((v, i) => {
          let x = v === null ? 0n : BigInt.asUintN(stride * 32, v);
          for (let w = 0; w < stride; w++, x >>= 32n) words[i * stride + w] = Number(x & 0xffffffffn);
        });
        const { bitmap, nullCount } = validity(values);
        return arrow.makeData({ type: dt, length: n, nullCount, nullBitmap: nullCount > 0 ? bitmap : null, data: words } as never);
      }
      case arrow.Type.Date: {
        const dt = t as arrow.Date_;
        const values = each(toDate);
        if (dt.unit === arrow.DateUnit.DAY) return fixedWidth(t, values, new Int32Array(n));
        return fixedWidth(t, values.map((d) => (d === null ? null : BigInt(d) * 86_400_000n)), new BigInt64Array(n));
      }
      case arrow.Type.Time: {
        const tt = t as arrow.Time;
        const values = each((v) => toTime(v, PER_SECOND[tt.unit]!));
        if (tt.bitWidth === 64) return fixedWidth(t, values, new BigInt64Array(n));
        return fixedWidth(t, values.map((v) => (v === null ? null : Number(v))), new Int32Array(n));
      }
      case arrow.Type.Timestamp:
        return fixedWidth(t, each((v) => toTimestamp(v, PER_SECOND[(t as arrow.Timestamp).unit]!)), new BigInt64Array(n));
      case arrow.Type.Utf8:
      case arrow.Type.LargeUtf8:
        return arrow.vectorFromArray(each(toText), t as arrow.Utf8).data[0]!;
      case arrow.Type.Binary:
      case arrow.Type.LargeBinary:
        return arrow.vectorFromArray(each((v) => toBytes(v)), t as arrow.Binary).data[0]!;
      case arrow.Type.FixedSizeBinary: {
        const width = (t as arrow.FixedSizeBinary).byteWidth;
        const values = each((v) => toBytes(v, width));
        const bytes = new Uint8Array(n * width);
        values.forEach((v, i) => v && bytes.set(v, i * width));
        const { bitmap, nullCount } = validity(values);
        return arrow.makeData({ type: t as arrow.FixedSizeBinary, length: n, nullCount, nullBitmap: nullCount > 0 ? bitmap : null, data: bytes });
      }
      case arrow.Type.FixedSizeList: {
        const fl = t as arrow.FixedSizeList;
        const child = fl.children[0]!;
        if (child.type.typeId !== arrow.Type.Float) break;
        // Embeddings: one flat float buffer, no per-element nulls.
        const dim = fl.listSize;
        const flat = new Float32Array(n * dim);
        const values = each((v) => {
          const a = toArray(v, options.parseText);
          if (a.length !== dim) bad(`a vector of ${a.length} numbers given where ${dim} are needed`);
          a.forEach((x, k) => (flat[row * dim + k] = x === null ? bad('a vector element is null') : toFloat(x)));
          return a;
        });
        const { bitmap, nullCount } = validity(values);
        const childType = child.type as arrow.Float;
        const childData = arrow.makeData({ type: childType, length: n * dim, nullCount: 0, data: childType.precision === arrow.Precision.SINGLE ? flat : Float64Array.from(flat) });
        return arrow.makeData({ type: fl, length: n, nullCount, nullBitmap: nullCount > 0 ? bitmap : null, child: childData });
      }
      default:
        break;
    }
    const values = each((v) => builderValue(v, t, options.parseText));
    return arrow.vectorFromArray(values, t).data[0]!;
  } catch (e) {
    if (!(e instanceof BadValue) && !(e instanceof SyntaxError)) throw e;
    const line = options.source.lineOf(row);
    const value = raw[row];
    throw new SchemaMismatchError(`${options.source.file}:${line}: column ${field.name}: ${e.message}`, {
      context: { file: options.source.file, line, column: field.name, type: String(t), ...(typeof value === 'string' ? { value: value.slice(0, 80) } : {}) },
    });
  }
}
