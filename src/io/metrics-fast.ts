/**
 * Bounds and NaN count of a whole, null-free primitive column, read straight off its typed
 * array: the common case of an append (every column of a flat batch) without the per-value
 * boxing and `subarray` of the general walk in `metrics.ts`, which was ~13% of a 1M-row append's
 * CPU (bench/README.md). The results are the same as the general walk's: bounds ordered as the
 * spec's Appendix D orders values (-0.0 below 0.0, NaN left out and counted), strings and binary
 * unsigned byte-wise.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import type { PrimitiveType } from '../spec/index.js';

/** A raw bound: a number, bigint or the bytes of a string/binary value (a view of the column). */
export type RawBound = number | bigint | Uint8Array;

/** What {@link wholeColumnRange} found. */
export interface ColumnRange {
  /** NaN values (float/double columns). */
  readonly nanCount: number;
  /** Smallest non-NaN value; undefined when there is none. */
  readonly min: RawBound | undefined;
  /** Largest non-NaN value; undefined when there is none. */
  readonly max: RawBound | undefined;
}

/**
 * The range of every slot of `d`, when `d` has no nulls and its Arrow type stores the Iceberg
 * `type`'s values directly (int, long, float, double, date, time, timestamps, string, binary).
 * @returns undefined when the column needs the general walk
 */
export function wholeColumnRange(d: arrow.Data, type: PrimitiveType): ColumnRange | undefined {
  if (d.nullCount !== 0 || d.length === 0) return undefined;
  const t = d.type;
  const values = d.values as unknown;
  switch (t.typeId) {
    case arrow.Type.Float:
      if (type.type !== 'float' && type.type !== 'double') return undefined;
      return values instanceof Float64Array || values instanceof Float32Array ? floatRange(values, d.length) : undefined;
    case arrow.Type.Int:
      if ((t as arrow.Int).bitWidth === 64) return type.type === 'long' && values instanceof BigInt64Array ? integerRange(values, d.length) : undefined;
      return type.type === 'int' && values instanceof Int32Array ? integerRange(values, d.length) : undefined;
    case arrow.Type.Date:
      return (t as arrow.Date_).unit === arrow.DateUnit.DAY && type.type === 'date' && values instanceof Int32Array ? integerRange(values, d.length) : undefined;
    case arrow.Type.Timestamp: {
      const unit = (t as arrow.Timestamp).unit;
      const micros = unit === arrow.TimeUnit.MICROSECOND && (type.type === 'timestamp' || type.type === 'timestamptz');
      const nanos = unit === arrow.TimeUnit.NANOSECOND && (type.type === 'timestamp_ns' || type.type === 'timestamptz_ns');
      return (micros || nanos) && values instanceof BigInt64Array ? integerRange(values, d.length) : undefined;
    }
    case arrow.Type.Time:
      return (t as arrow.Time).unit === arrow.TimeUnit.MICROSECOND && type.type === 'time' && values instanceof BigInt64Array ? integerRange(values, d.length) : undefined;
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      if (type.type !== 'string' && type.type !== 'binary') return undefined;
      return values instanceof Uint8Array && d.valueOffsets instanceof Int32Array ? bytesRange(values, d.valueOffsets, d.length) : undefined;
    default:
      return undefined;
  }
}

function floatRange(values: Float32Array | Float64Array, n: number): ColumnRange {
  let nanCount = 0;
  let seen = false;
  let min = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) {
      nanCount++;
      continue;
    }
    if (!seen) {
      min = v;
      max = v;
      seen = true;
    } else if (v < min) min = v;
    else if (v > max) max = v;
    // -0.0 sorts below 0.0 (Appendix D); only zeros need the sign look.
    else if (v === 0) {
      if (min === 0 && Object.is(v, -0)) min = -0;
      if (max === 0 && Object.is(max, -0) && !Object.is(v, -0)) max = 0;
    }
  }
  return seen ? { nanCount, min, max } : { nanCount, min: undefined, max: undefined };
}

/** Integers (numbers or bigints) have no NaN and no signed zero: a plain min/max loop. */
function integerRange<T extends number | bigint>(values: ArrayLike<T>, n: number): ColumnRange {
  let min = values[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { nanCount: 0, min, max };
}

/** Unsigned byte-wise order of `data[a0, a1)` against `data[b0, b1)`. */
function compareRanges(data: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0);
  for (let k = 0; k < n; k++) {
    const d = data[a0 + k]! - data[b0 + k]!;
    if (d !== 0) return d;
  }
  return a1 - a0 - (b1 - b0);
}

function bytesRange(data: Uint8Array, offsets: Int32Array, n: number): ColumnRange {
  let lo = 0;
  let hi = 0;
  for (let i = 1; i < n; i++) {
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
    if (compareRanges(data, s, e, offsets[lo]!, offsets[lo + 1]!) < 0) lo = i;
    else if (compareRanges(data, s, e, offsets[hi]!, offsets[hi + 1]!) > 0) hi = i;
  }
  return { nanCount: 0, min: data.subarray(offsets[lo]!, offsets[lo + 1]!), max: data.subarray(offsets[hi]!, offsets[hi + 1]!) };
}
