/**
 * zod building blocks shared by the wire schemas: JSON longs (which the lossless parser yields
 * as `number` up to 2^53 and `bigint` above), millisecond timestamps, and string maps.
 *
 * @module
 */
import { z } from 'zod';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A JSON long (spec Appendix C "JSON long"), as a `bigint`. Accepts an integral `number` (small
 * ids parse as numbers) or a `bigint` (ids above 2^53), in the int64 range.
 */
export const LongSchema = z
  .union([z.number().int(), z.bigint()])
  .transform((v) => BigInt(v))
  .refine((v) => v >= INT64_MIN && v <= INT64_MAX, { message: 'outside the 64-bit integer range' });

/** A JSON long holding milliseconds since the epoch (or a duration in ms), as a `number`. */
export const MillisSchema = z
  .union([z.number().int(), z.bigint()])
  .transform((v) => Number(v))
  .refine((v) => Number.isSafeInteger(v), { message: 'outside the safe integer range for milliseconds' });

/**
 * A JSON long holding a duration in ms (ref retention ages), as a `number`. Some writers use
 * `Long.MAX_VALUE` for "forever"; values beyond 2^53 are clamped to `Number.MAX_SAFE_INTEGER`,
 * which is still thousands of years, rather than rejecting the table.
 */
export const DurationMsSchema = z
  .union([z.number().int(), z.bigint()])
  .transform((v) => (BigInt(v) > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)));

/**
 * A string-to-string map (table properties, snapshot summaries). Values written as JSON
 * numbers or booleans by lenient writers are read as their text.
 */
export const StringMapSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.bigint(), z.boolean()]).transform((v) => String(v)),
);
