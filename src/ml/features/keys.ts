/**
 * Canonical join keys: one string per key tuple, equal for equal values whatever the JS type
 * Arrow hands back (an `int` column gives numbers, a `long` column bigints).
 *
 * @module
 */
import type * as arrow from 'apache-arrow';

/** The canonical string of one key value (`null` for null). */
export function keyPartOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `i${v}` : `f${v}`;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  if (v instanceof Uint8Array) {
    let hex = 'x';
    for (const b of v) hex += b.toString(16).padStart(2, '0');
    return hex;
  }
  return `o${String(v)}`;
}

/** The canonical key of row `i` over the key columns, or undefined when a part is null (nulls never join). */
export function joinKeyAt(vectors: readonly arrow.Vector[], i: number): string | undefined {
  let key = '';
  for (let c = 0; c < vectors.length; c++) {
    const v = vectors[c]!.get(i) as unknown;
    if (v === null || v === undefined) return undefined;
    key += c === 0 ? keyPartOf(v) : `\u0000${keyPartOf(v)}`;
  }
  return key;
}

/** A time value as a number (ms for dates and timestamps, as Arrow returns them), or undefined for null. */
export function timeAt(vector: arrow.Vector, i: number): number | undefined {
  const v = vector.get(i) as unknown;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return undefined;
}
