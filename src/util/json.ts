/**
 * Lossless JSON for table metadata.
 *
 * Iceberg snapshot ids are random int64s (Spark's are routinely above 2^53), and `JSON.parse`
 * silently rounds them. Metadata is therefore parsed with `lossless-json`: an integer literal
 * outside the safe range becomes a `bigint`, every other number a `number`. `stringifyJson`
 * writes bigints as bare digits, so ids round-trip exactly. Nothing in Floe calls `JSON.parse`
 * on metadata.
 *
 * @module
 */
import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

/** A parsed JSON value where big integers are `bigint`. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

function parseNumber(text: string): number | bigint {
  if (isInteger(text) && !isSafeNumber(text)) return BigInt(text);
  return Number(text);
}

/**
 * Parses JSON text, keeping integers beyond 2^53 exact as `bigint`.
 * @param text JSON text
 * @throws SyntaxError when the text is not JSON (callers translate it into `CorruptFileError`)
 */
export function parseJson(text: string): JsonValue {
  return parse(text, null, parseNumber) as JsonValue;
}

/**
 * Serialises a value to JSON; `bigint`s are written as plain integer literals.
 * @param value the value
 * @param indent spaces of indentation, if any
 */
export function stringifyJson(value: unknown, indent?: number): string {
  const out = stringify(value, undefined, indent);
  if (out === undefined) throw new TypeError('value is not serialisable to JSON');
  return out;
}
