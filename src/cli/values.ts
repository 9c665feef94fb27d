/**
 * Arrow cells as plain values for printing: JSON lines, CSV and aligned tables.
 *
 * Exactness first: int64 stays a `bigint`; timestamps, times and decimals are read from their
 * raw buffers (arrow-js `get` turns a µs timestamp into a float of ms, which drops digits) and
 * printed as ISO-8601 text with every digit; float32 prints its shortest round-tripping form.
 * Binary prints as base64, uuids in their dashed form, vectors and lists as arrays.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { datetime } from '../index.js';

/** A cell as a plain value (what JSON output holds). */
export type PlainValue = null | boolean | number | bigint | string | PlainValue[] | { [key: string]: PlainValue };

/** Finds the chunk holding row `i` of a vector and the row's index inside it. */
function locate(vector: arrow.Vector, i: number): [arrow.Data, number] {
  let row = i;
  for (const d of vector.data) {
    if (row < d.length) return [d, row];
    row -= d.length;
  }
  throw new RangeError(`row ${i} is outside a vector of ${vector.length} rows`);
}

function isValidAt(d: arrow.Data, i: number): boolean {
  // arrow-js keeps value buffers pre-sliced but applies `offset` to bitmaps.
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return d.type.typeId !== arrow.Type.Null;
  const bit = d.offset + i;
  return ((d.nullBitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

/**
 * Formats an epoch offset as ISO-8601 (`2026-01-05T10:00:00.123456Z`). The date comes from exact
 * calendar arithmetic (`datetime`), not `Date`, whose range ends in +275760 and which
 * prints years beyond 9999 with six digits.
 * @param value the raw value
 * @param perSecond units per second (1e6 for µs)
 * @param withZone whether to append `Z` (timestamptz)
 */
export function formatTimestamp(value: bigint, perSecond: bigint, withZone: boolean): string {
  const perDay = perSecond * 86_400n;
  const days = datetime.floorDiv(value, perDay);
  return `${datetime.formatDate(Number(days))}T${formatTime(value - days * perDay, perSecond)}${withZone ? 'Z' : ''}`;
}

function formatTime(value: bigint, perSecond: bigint): string {
  const seconds = value / perSecond;
  const fraction = value % perSecond;
  const s = Number(seconds);
  const digits = perSecond.toString().length - 1;
  const text = `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  return fraction === 0n ? text : `${text}.${pad(fraction, digits)}`;
}

/**
 * Formats an unscaled decimal: `12345` with scale 2 is `123.45`.
 * @param unscaled the unscaled value
 * @param scale digits after the point
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return unscaled.toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function decimalAt(d: arrow.Data, i: number): bigint {
  const words = d.values as Uint32Array;
  const stride = (d.type as arrow.Decimal).bitWidth / 32;
  let v = 0n;
  for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]!);
  return BigInt.asIntN(stride * 32, v);
}

/**
 * The shortest decimal text that reads back as the same float32.
 * @param v a float32 value (as a JS number)
 */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function uuidText(bytes: Uint8Array): string {
  const h = hexOf(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const PER_SECOND: Record<number, bigint> = {
  [arrow.TimeUnit.SECOND]: 1n,
  [arrow.TimeUnit.MILLISECOND]: 1_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000_000n,
  [arrow.TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/** Options of {@link valueAt}. */
export interface ValueOptions {
  /** Whether `FixedSizeBinary(16)` columns hold uuids (Iceberg `uuid`) rather than `fixed[16]`. */
  readonly uuidColumns?: boolean;
}

/**
 * The plain value of row `i` of a vector.
 * @param vector the column
 * @param i the row
 * @param options how to read ambiguous types
 */
export function valueAt(vector: arrow.Vector, i: number, options: ValueOptions = {}): PlainValue {
  const [d, j] = locate(vector, i);
  if (!isValidAt(d, j)) return null;
  const t = d.type;
  switch (t.typeId) {
    case arrow.Type.Int: {
      const v = (d.values as ArrayLike<number | bigint>)[j]!;
      return typeof v === 'bigint' && Number.isSafeInteger(Number(v)) && (t as arrow.Int).bitWidth < 64 ? Number(v) : v;
    }
    case arrow.Type.Float: {
      const v = Number((d.values as ArrayLike<number>)[j]);
      return (t as arrow.Float).precision === arrow.Precision.SINGLE ? shortestFloat32(v) : v;
    }
    case arrow.Type.Decimal:
      return formatDecimal(decimalAt(d, j), (t as arrow.Decimal).scale);
    case arrow.Type.Date: {
      const dt = t as arrow.Date_;
      const raw = (d.values as ArrayLike<number | bigint>)[j]!;
      // `YYYY-MM-DD`, `+YYYYY-MM-DD` beyond 9999 (as `java.time` prints them).
      return datetime.formatDate(dt.unit === arrow.DateUnit.DAY ? Number(raw) : Number(datetime.floorDiv(BigInt(raw), 86_400_000n)));
    }
    case arrow.Type.Time: {
      const tt = t as arrow.Time;
      return formatTime(BigInt((d.values as ArrayLike<number | bigint>)[j]!), PER_SECOND[tt.unit]!);
    }
    case arrow.Type.Timestamp: {
      const ts = t as arrow.Timestamp;
      return formatTimestamp(BigInt((d.values as ArrayLike<number | bigint>)[j]!), PER_SECOND[ts.unit]!, !!ts.timezone);
    }
    case arrow.Type.FixedSizeBinary: {
      const width = (t as arrow.FixedSizeBinary).byteWidth;
      const bytes = (d.values as Uint8Array).subarray(j * width, (j + 1) * width);
      return width === 16 && options.uuidColumns ? uuidText(bytes) : Buffer.from(bytes).toString('base64');
    }
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return Buffer.from(vector.get(i) as Uint8Array).toString('base64');
    case arrow.Type.List:
    case arrow.Type.FixedSizeList:
    case arrow.Type.LargeList: {
      const sub = vector.get(i) as arrow.Vector;
      return Array.from({ length: sub.length }, (_, k) => valueAt(sub, k, options));
    }
    case arrow.Type.Struct: {
      const out: { [key: string]: PlainValue } = {};
      const s = t as arrow.Struct;
      s.children.forEach((f, k) => {
        out[f.name] = valueAt(arrow.makeVector(d.children[k]!), j, options);
      });
      return out;
    }
    case arrow.Type.Map: {
      // Map offsets are pre-sliced; the entries child is not.
      const offsets = d.valueOffsets as Int32Array;
      const entries = d.children[0]!;
      const keys = arrow.makeVector(entries.children[0]!);
      const vals = arrow.makeVector(entries.children[1]!);
      const pairs: [PlainValue, PlainValue][] = [];
      for (let k = offsets[j]!; k < offsets[j + 1]!; k++) pairs.push([valueAt(keys, k, options), valueAt(vals, k, options)]);
      if (pairs.every(([k]) => typeof k === 'string')) return Object.fromEntries(pairs);
      return pairs.map(([key, value]) => ({ key, value }));
    }
    default: {
      const v = vector.get(i) as unknown;
      if (v === null || v === undefined) return null;
      if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return v;
      return String(v);
    }
  }
}

/**
 * A plain value as JSON-safe data: non-finite floats become strings (`"NaN"`), as JSON has no
 * literal for them; bigints stay bigints (the JSON writer prints their digits exactly).
 * @param v the value
 */
export function jsonSafe(v: PlainValue): PlainValue {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/** Options of {@link textOf}. */
export interface TextOptions {
  /** Show at most this many elements of a list (default: all). */
  readonly maxListItems?: number;
}

/**
 * A plain value as text for a table or CSV cell: empty for null, arrays and objects as JSON.
 * @param v the value
 * @param options how much of long lists to show
 */
export function textOf(v: PlainValue, options: TextOptions = {}): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  const max = options.maxListItems;
  if (Array.isArray(v) && max !== undefined && v.length > max) {
    const shown = v.slice(0, max).map((x) => inner(x)).join(', ');
    return `[${shown}, …] (${v.length})`;
  }
  return inner(v);
}

function inner(v: PlainValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(inner).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inner(x)}`).join(', ')}}`;
  return String(v);
}
