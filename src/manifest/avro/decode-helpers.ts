/**
 * Small conversions from avsc-decoded values to the model, each failing with a
 * `CorruptFileError` that names the file, the record and the field.
 *
 * @module
 */
import { CorruptFileError } from '../../errors.js';

/** Where a value came from, for error messages. */
export interface Where {
  /** The file. */
  readonly path: string;
  /** The record index in the file. */
  readonly record: number;
}

/** Throws a CorruptFileError about a field of a record. */
export function corrupt(where: Where, field: string, what: string): never {
  throw new CorruptFileError(where.path, `record ${where.record}: field ${field} ${what}`, {
    context: { record: where.record, field },
  });
}

/** An int or long as a JS number (counts, sizes, ids). */
export function num(v: unknown, where: Where, field: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return corrupt(where, field, `is not an integer (${String(v)})`);
}

/** An optional int or long as a JS number. */
export function optNum(v: unknown, where: Where, field: string): number | undefined {
  return v === null || v === undefined ? undefined : num(v, where, field);
}

/** A long as a bigint (ids, sequence numbers). */
export function big(v: unknown, where: Where, field: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return corrupt(where, field, `is not a long (${String(v)})`);
}

/** An optional long as a bigint or null. */
export function optBig(v: unknown, where: Where, field: string): bigint | null {
  return v === null || v === undefined ? null : big(v, where, field);
}

/** A string. */
export function str(v: unknown, where: Where, field: string): string {
  if (typeof v === 'string') return v;
  return corrupt(where, field, 'is not a string');
}

/** Optional bytes, copied out of the decoded block. */
export function optBytes(v: unknown, where: Where, field: string): Uint8Array | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  return corrupt(where, field, 'is not bytes');
}

/**
 * A map with int keys, written either as Iceberg's array of key/value records
 * (`logicalType: map`) or as a native Avro map (string keys).
 */
export function intKeyMap<V>(
  v: unknown,
  where: Where,
  field: string,
  value: (x: unknown) => V,
): Map<number, V> | undefined {
  if (v === null || v === undefined) return undefined;
  const out = new Map<number, V>();
  if (Array.isArray(v)) {
    for (const kv of v as unknown[]) {
      if (typeof kv !== 'object' || kv === null) corrupt(where, field, 'has a malformed entry');
      const rec = kv as Record<string, unknown>;
      out.set(num(rec['key'], where, `${field}.key`), value(rec['value']));
    }
    return out;
  }
  if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!/^-?\d+$/.test(k)) corrupt(where, field, `has a non-integer key ${k}`);
      out.set(Number(k), value(x));
    }
    return out;
  }
  return corrupt(where, field, 'is not a map');
}

/** An optional array of ints or longs as numbers. */
export function optNumList(v: unknown, where: Where, field: string): number[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) return corrupt(where, field, 'is not an array');
  return (v as unknown[]).map((x) => num(x, where, field));
}
