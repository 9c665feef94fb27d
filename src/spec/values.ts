/**
 * In-memory representation of single Iceberg values: partition tuples, column bounds, default
 * values and filter literals all use it, so transforms, metrics, pruning and row filters agree.
 *
 * | Iceberg type            | JS value                                   |
 * |-------------------------|--------------------------------------------|
 * | boolean                 | `boolean`                                  |
 * | int                     | `number` (int32)                           |
 * | long                    | `bigint`                                   |
 * | float, double           | `number` (float keeps float32 precision)   |
 * | decimal(P,S)            | `bigint`: the unscaled value               |
 * | date                    | `number`: days since 1970-01-01            |
 * | time                    | `bigint`: microseconds since midnight      |
 * | timestamp, timestamptz  | `bigint`: microseconds since the epoch     |
 * | timestamp_ns, …tz_ns    | `bigint`: nanoseconds since the epoch      |
 * | string                  | `string`                                   |
 * | uuid                    | `string`: lowercase 8-4-4-4-12             |
 * | fixed(L), binary        | `Uint8Array`                               |
 *
 * A missing value is `null`.
 *
 * @module
 */

/** One non-null Iceberg value (see the module table for which JS type each Iceberg type uses). */
export type Literal = boolean | number | bigint | string | Uint8Array;
