/**
 * Converts a user's filter literal to a column's Iceberg type (the Literal convention of
 * `spec/values.ts`).
 *
 * A literal the type cannot hold exactly (`5.5` for an int, `1e10` for an int, `0.125` for a
 * decimal(5,2), `'2026-01-01T12:00'` for a date) is not an error: the conversion returns the
 * nearest representable values below and above it (either may be missing when the literal is
 * outside the type's range), and binding rewrites the predicate so it keeps exactly the same
 * rows (`intCol < 5.5` becomes `intCol <= 5`, `intCol = 5.5` becomes false).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { MICROS_PER_DAY, literalFromString, normalizeUuid, uuidFromBytes, type PrimitiveType, type Literal } from '../spec/index.js';
import type { ExactNumber, UserLiteral } from './expression.js';

/** The result of converting a literal: exact, or bracketed by the nearest representable values. */
export type Converted =
  | { readonly exact: true; readonly value: Literal }
  | {
      readonly exact: false;
      /** The greatest representable value below the literal; absent when the literal is below the type's range. */
      readonly floor?: Literal;
      /** The least representable value above the literal; absent when the literal is above the type's range. */
      readonly ceil?: Literal;
    };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function exact(value: Literal): Converted {
  return { exact: true, value };
}

function between(floor: Literal | undefined, ceil: Literal | undefined): Converted {
  if (floor === undefined) return ceil === undefined ? { exact: false } : { exact: false, ceil };
  return ceil === undefined ? { exact: false, floor } : { exact: false, floor, ceil };
}

/** Type name as users write it, for messages. */
export function typeName(type: PrimitiveType): string {
  if (type.type === 'decimal') return `decimal(${type.precision},${type.scale})`;
  if (type.type === 'fixed') return `fixed[${type.length}]`;
  return type.type;
}

function describe(v: UserLiteral): string {
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (v instanceof Date) return `Date ${v.toISOString()}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return `number ${v.text}`;
  return `${typeof v} ${String(v)}`;
}

function mismatch(column: string, type: PrimitiveType, v: UserLiteral, help?: string): InvalidArgumentError {
  return new InvalidArgumentError(`cannot compare column ${column} of type ${typeName(type)} with ${describe(v)}`, {
    context: { column, type: typeName(type) },
    ...(help === undefined ? {} : { help }),
  });
}

/**
 * Converts a literal to a column's type.
 * @param column the column's name, for messages
 * @param type the column's type
 * @param v the user's literal (never null or NaN: the builders reject those)
 * @throws InvalidArgumentError when the literal cannot be read as the type at all (a string for
 *   an int column that is not an integer, a number for a string column, bytes of the wrong length)
 */
export function convertLiteral(column: string, type: PrimitiveType, v: UserLiteral): Converted {
  try {
    return convert(column, type, v);
  } catch (e) {
    if (e instanceof InvalidArgumentError && e.context.column === undefined) {
      // A spec-layer parse error: name the column it was compared with.
      throw new InvalidArgumentError(`column ${column}: ${e.message}`, { context: { column, ...e.context }, cause: e });
    }
    throw e;
  }
}

function convert(column: string, type: PrimitiveType, v: UserLiteral): Converted {
  if (typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) return convertExact(column, type, v);
  switch (type.type) {
    case 'unknown':
      // spec §Primitive Types: an `unknown` column is all null; only IS NULL tests apply.
      throw mismatch(column, type, v, 'an unknown column holds only nulls: test it with isNull');
    case 'boolean':
      if (typeof v === 'boolean') return exact(v);
      if (typeof v === 'string') return exact(literalFromString(type, v));
      throw mismatch(column, type, v);
    case 'int':
      if (typeof v === 'number' || typeof v === 'bigint') return toInt(v);
      if (typeof v === 'string') return stringToInteger(column, type, v);
      throw mismatch(column, type, v);
    case 'long':
      if (typeof v === 'number' || typeof v === 'bigint') return toLong(v);
      if (typeof v === 'string') return stringToInteger(column, type, v);
      throw mismatch(column, type, v);
    case 'float':
    case 'double': {
      const is32 = type.type === 'float';
      if (typeof v === 'number') return toFloating(v, is32);
      if (typeof v === 'bigint') return bigintToFloating(v, is32);
      if (typeof v === 'string') {
        const n = literalFromString({ type: 'double' }, v) as number;
        if (Number.isNaN(n)) throw mismatch(column, type, v, `use isNaN / IS NAN to filter on NaN values`);
        return toFloating(n, is32);
      }
      throw mismatch(column, type, v);
    }
    case 'decimal': {
      let text: string;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw mismatch(column, type, v);
        // The shortest text that reads back as the number: what the user wrote for `0.1`.
        text = String(v);
      } else if (typeof v === 'bigint') text = v.toString();
      else if (typeof v === 'string') text = v.trim();
      else throw mismatch(column, type, v);
      const c = decimalApprox(text, type.scale);
      if (c === undefined) throw mismatch(column, type, v, `write the decimal as digits, e.g. '12.50'`);
      return clampDecimal(c, type.precision);
    }
    case 'date': {
      if (typeof v === 'number' || typeof v === 'bigint') {
        // Numbers are days since the epoch (the Literal convention).
        return toInt(v);
      }
      if (v instanceof Date) return microsToDays(BigInt(v.getTime()) * 1000n);
      if (typeof v === 'string') {
        try {
          return exact(literalFromString(type, v));
        } catch (e) {
          // A date-time compared with a date: the instant's day, bracketed unless at midnight.
          let micros: Literal;
          try {
            micros = literalFromString({ type: 'timestamptz' }, v);
          } catch {
            throw e;
          }
          return microsToDays(micros as bigint);
        }
      }
      throw mismatch(column, type, v);
    }
    case 'time':
      if (typeof v === 'number' || typeof v === 'bigint') return toLong(v);
      if (typeof v === 'string') return exact(literalFromString(type, v));
      throw mismatch(column, type, v);
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      if (typeof v === 'number' || typeof v === 'bigint') return toLong(v);
      if (v instanceof Date) {
        const micros = BigInt(v.getTime()) * 1000n;
        return exact(type.type.endsWith('_ns') ? micros * 1000n : micros);
      }
      if (typeof v === 'string') return exact(literalFromString(type, v));
      throw mismatch(column, type, v);
    }
    case 'string':
      if (typeof v === 'string') return exact(v);
      throw mismatch(column, type, v, `quote the value: '${String(v)}'`);
    case 'uuid':
      if (typeof v === 'string') {
        const u = normalizeUuid(v.trim());
        if (u === undefined) throw mismatch(column, type, v, 'write a uuid as 8-4-4-4-12 hex');
        return exact(u);
      }
      if (v instanceof Uint8Array && v.length === 16) return exact(uuidFromBytes(v));
      throw mismatch(column, type, v);
    case 'fixed':
      if (v instanceof Uint8Array) {
        if (v.length !== type.length) throw mismatch(column, type, v, `a fixed[${type.length}] value has exactly ${type.length} bytes`);
        return exact(v);
      }
      if (typeof v === 'string') return exact(literalFromString(type, v));
      throw mismatch(column, type, v);
    case 'binary':
      if (v instanceof Uint8Array) return exact(v);
      if (typeof v === 'string') return exact(literalFromString(type, v));
      throw mismatch(column, type, v);
  }
}

/**
 * A number kept as its text ({@link ExactNumber}): converted from its digits, so a decimal or a
 * long compares with exactly what was written and an int, date, time or timestamp brackets a
 * fraction as it would for a `number`.
 */
function convertExact(column: string, type: PrimitiveType, v: ExactNumber): Converted {
  switch (type.type) {
    case 'int':
    case 'long':
    case 'date':
      return textToInteger(column, type, v.text, type.type === 'long' ? 64 : 32, v);
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return textToInteger(column, type, v.text, 64, v);
    case 'float':
    case 'double':
      // Number() of the text is the double nearest to the written value.
      return type.type === 'float' ? toFloating(Number(v.text), true) : exact(Number(v.text));
    case 'decimal': {
      const c = decimalApprox(v.text, type.scale);
      if (c === undefined) throw mismatch(column, type, v);
      return clampDecimal(c, type.precision);
    }
    default:
      throw mismatch(column, type, v, type.type === 'string' ? `quote the value: '${v.text}'` : undefined);
  }
}

function stringToInteger(column: string, type: PrimitiveType, v: string): Converted {
  return textToInteger(column, type, v.trim(), type.type === 'int' ? 32 : 64, v);
}

/** Integer or decimal text as an int (32) or long (64): exact, or bracketed when it has a fraction or is out of range. */
function textToInteger(column: string, type: PrimitiveType, t: string, bits: 32 | 64, original: UserLiteral): Converted {
  if (/^[+-]?\d+$/.test(t)) return bits === 32 ? toInt(BigInt(t)) : toLong(BigInt(t));
  // Decimal text such as '5.5' is bracketed exactly like the number 5.5 would be.
  const c = decimalApprox(t, 0);
  if (c === undefined) throw mismatch(column, type, original);
  const asLong = c.exact ? toLong(c.value as bigint) : clampLong(c);
  if (bits === 64) return asLong;
  return asLong.exact ? toInt(asLong.value as bigint) : clampInt(asLong);
}

// ---------------------------------------------------------------- integers

function toInt(v: number | bigint): Converted {
  if (typeof v === 'bigint') {
    if (v > BigInt(INT_MAX)) return between(INT_MAX, undefined);
    if (v < BigInt(INT_MIN)) return between(undefined, INT_MIN);
    return exact(Number(v));
  }
  if (v === Infinity || v > INT_MAX) return between(INT_MAX, undefined);
  if (v === -Infinity || v < INT_MIN) return between(undefined, INT_MIN);
  if (Number.isInteger(v)) return exact(v === 0 ? 0 : v);
  return between(Math.floor(v), Math.ceil(v));
}

function clampInt(c: Converted): Converted {
  if (c.exact) return toInt(c.value as bigint);
  const floor = c.floor === undefined ? undefined : toInt(c.floor as bigint);
  const ceil = c.ceil === undefined ? undefined : toInt(c.ceil as bigint);
  const f = floor === undefined ? undefined : floor.exact ? floor.value : floor.floor;
  const g = ceil === undefined ? undefined : ceil.exact ? ceil.value : ceil.ceil;
  return between(f, g);
}

function toLong(v: number | bigint): Converted {
  if (typeof v === 'number') {
    if (v === Infinity) return between(LONG_MAX, undefined);
    if (v === -Infinity) return between(undefined, LONG_MIN);
    if (!Number.isInteger(v)) return clampLong(between(BigInt(Math.floor(v)), BigInt(Math.ceil(v))));
    v = BigInt(v);
  }
  if (v > LONG_MAX) return between(LONG_MAX, undefined);
  if (v < LONG_MIN) return between(undefined, LONG_MIN);
  return exact(v);
}

function clampLong(c: Converted): Converted {
  if (c.exact) return toLong(c.value as bigint);
  const f = c.floor as bigint | undefined;
  const g = c.ceil as bigint | undefined;
  if (f !== undefined && f >= LONG_MAX) return between(LONG_MAX, undefined);
  if (g !== undefined && g <= LONG_MIN) return between(undefined, LONG_MIN);
  return between(f, g);
}

// ---------------------------------------------------------------- floating point

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function nextUp64(f: number): number {
  if (Number.isNaN(f) || f === Infinity) return f;
  if (f === 0) return Number.MIN_VALUE;
  F64[0] = f;
  U64[0] = f > 0 ? (U64[0] as bigint) + 1n : (U64[0] as bigint) - 1n;
  return F64[0] as number;
}

function nextDown64(f: number): number {
  return -nextUp64(-f);
}

/**
 * A float column compares with the literal rounded to the nearest float32, as Java Iceberg's
 * `Literal.to(FloatType)` does: `f = 0.1` matches the float 0.1f that a writer stored for 0.1.
 * Only a finite literal beyond the float32 range is bracketed (it is not infinity).
 */
function toFloating(v: number, is32: boolean): Converted {
  if (!is32) return exact(v);
  const f = Math.fround(v);
  if (Number.isFinite(v) && !Number.isFinite(f)) return f > 0 ? between(F32_MAX, undefined) : between(undefined, -F32_MAX);
  return exact(f);
}

const F32_MAX = 3.4028234663852886e38;

function bigintToFloating(v: bigint, is32: boolean): Converted {
  const n = Number(v);
  if (is32) return toFloating(Number.isFinite(n) ? n : n > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE, true);
  if (!Number.isFinite(n)) return n > 0 ? between(Number.MAX_VALUE, undefined) : between(undefined, -Number.MAX_VALUE);
  const back = BigInt(n);
  if (back === v) return exact(n);
  // A bigint between two doubles: bracket it so `d < 2^60 + 1` stays exact.
  return back > v ? between(nextDown64(n), n) : between(n, nextUp64(n));
}

// ---------------------------------------------------------------- decimals

/** Beyond the largest unscaled decimal(38) (10^38) and long (2^63): any shift past it only makes the value larger. */
const MAX_DECIMAL_SHIFT = 100;

/**
 * Reads decimal text (`1.5`, `-0.25`, `1e3`, `2E-2`) as an unscaled value at `scale`: exact, or
 * bracketed by its floor and ceiling when it has more fraction digits than the scale.
 * @returns undefined when the text is not a decimal number
 */
function decimalApprox(text: string, scale: number): Converted | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? '';
  if (intDigits === '' && fracDigits === '') return undefined;
  const negative = m[1] === '-';
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  const digits = BigInt(intDigits + fracDigits || '0');
  const shift = exponent - fracDigits.length + scale;
  if (digits === 0n) return exact(0n);
  // An exponent such as 1e999999999 must not build a billion-digit bigint: past 10^100 the value
  // is beyond every decimal(38) and long, and below 10^-(digits + 1) it is strictly between 0 and ±1.
  if (shift > MAX_DECIMAL_SHIFT) return exact(negative ? -(10n ** BigInt(MAX_DECIMAL_SHIFT)) : 10n ** BigInt(MAX_DECIMAL_SHIFT));
  if (-shift > intDigits.length + fracDigits.length + 1) return negative ? between(-1n, 0n) : between(0n, 1n);
  if (shift >= 0) {
    const u = digits * 10n ** BigInt(shift);
    return exact(negative ? -u : u);
  }
  const d = 10n ** BigInt(-shift);
  const q = digits / d;
  if (digits % d === 0n) return exact(negative ? -q : q);
  return negative ? between(-(q + 1n), -q) : between(q, q + 1n);
}

function clampDecimal(c: Converted, precision: number): Converted {
  const max = 10n ** BigInt(precision) - 1n;
  if (c.exact) {
    const u = c.value as bigint;
    if (u > max) return between(max, undefined);
    if (u < -max) return between(undefined, -max);
    return c;
  }
  const f = c.floor as bigint;
  const g = c.ceil as bigint;
  if (f >= max) return between(max, undefined);
  if (g <= -max) return between(undefined, -max);
  return c;
}

// ---------------------------------------------------------------- dates

function microsToDays(micros: bigint): Converted {
  const q = micros / MICROS_PER_DAY;
  const r = micros % MICROS_PER_DAY;
  const floor = r < 0n ? q - 1n : q;
  const days = Number(floor);
  if (r === 0n) return toInt(days);
  return clampInt(between(BigInt(days), BigInt(days + 1)));
}
