/**
 * Value comparisons shared by the evaluators, with the filter semantics of `expression.ts`:
 * floating-point values compare as IEEE 754 numbers (`-0 == 0`; NaN is handled by the callers,
 * since every ordering with NaN is false), every other type in Iceberg's order
 * (`compareLiterals`: strings by code point, which is UTF-8 byte order, bytes unsigned).
 *
 * @module
 */
import { compareLiterals, type PrimitiveType, type Literal } from '../spec/index.js';

/**
 * Compares two non-NaN values of one type.
 * @param type their type
 * @param a a value
 * @param b a value
 * @returns negative, zero or positive
 */
export function compareValues(type: PrimitiveType, a: Literal, b: Literal): number {
  if (type.type === 'float' || type.type === 'double') {
    const x = a as number;
    const y = b as number;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareLiterals(type, a, b);
}

/**
 * Whether a value is a floating-point NaN.
 * @param v a value or null
 */
export function isNaNValue(v: Literal | null | undefined): boolean {
  return typeof v === 'number' && v !== v;
}

/**
 * The first `length` UTF-16 code units of `s`. Comparing such prefixes with `compareStrings`
 * is monotone (it is lexicographic over code units), which is all prefix pruning needs.
 * @param s a string
 * @param length code units to keep
 */
export function stringPrefix(s: string, length: number): string {
  return s.length <= length ? s : s.slice(0, length);
}

/**
 * A string that two values of one type share exactly when they are equal as filter literals
 * (IEEE equality for floats, so -0 and 0 share one), for deduplicating large `in` lists in
 * linear time.
 * @param v a non-NaN value
 */
export function literalKey(v: Literal): string {
  if (typeof v === 'number') return `n${v === 0 ? 0 : v}`;
  if (typeof v === 'bigint') return `b${v}`;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  let hex = 'x';
  for (const b of v) hex += b < 16 ? `0${b.toString(16)}` : b.toString(16);
  return hex;
}

/**
 * The distinct values of a list, first occurrence kept (see {@link literalKey}).
 * @param values non-NaN values of one type
 */
export function distinctLiterals(values: readonly Literal[]): Literal[] {
  const seen = new Set<string>();
  const out: Literal[] = [];
  for (const v of values) {
    const k = literalKey(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}
