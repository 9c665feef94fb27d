/**
 * The JSON `floe` prints (`--json`, `scan --format jsonl`, errors), written so that any JSON
 * parser reads it exactly.
 *
 * Every 64-bit integer is a JSON **string** of its decimal digits: snapshot ids, sequence
 * numbers, and the values of `long` columns. `JSON.parse` (and `jq`) read numbers as doubles
 * and silently round integers beyond 2^53, and Iceberg snapshot ids are random 63-bit numbers.
 * This is the convention of protobuf's JSON mapping (int64 and uint64 are strings) and of
 * BigQuery's REST API. It applies by type, not by size: a `long` is a string even when it is
 * small, so each field has one type. Counts (rows, files, bytes) and milliseconds since the
 * epoch are JSON numbers: they are held as JS numbers, exact below 2^53.
 *
 * @module
 */

// `JSON.stringify` hands each value to the replacer before it looks at its type, so a bigint
// becomes its digits instead of a TypeError.
function int64AsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * A value as JSON text, every `bigint` written as a string of its digits.
 * @param value the value (plain objects, arrays, strings, numbers, booleans, null, bigints)
 * @param indent spaces of indentation, if any
 * @throws TypeError when the value has no JSON form
 */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, int64AsString, indent);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
