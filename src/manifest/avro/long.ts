/**
 * Avro `long` as `bigint`.
 *
 * Iceberg snapshot ids are random int64s and routinely exceed 2^53; avsc's default `long` type
 * refuses them ("potential precision loss"). Every Avro type Floe builds or reads goes through
 * {@link avroTypeOptions}, whose hook maps each `long` (plain or with a logical type such as
 * `timestamp-micros`) to {@link BIGINT_LONG}, so ids and sequence numbers round-trip exactly.
 *
 * @module
 */
import avro from 'avsc';

function toBuffer(n: bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64LE(n);
  return buf;
}

/** An avsc `long` type whose JS values are `bigint` (avsc `LongType.__with`). */
export const BIGINT_LONG: avro.Type = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer): bigint => buf.readBigInt64LE(),
  toBuffer,
  fromJSON: (json: unknown): bigint => BigInt(json as string | number | bigint),
  toJSON: (n: bigint): string => n.toString(),
  isValid: (n: unknown): boolean =>
    typeof n === 'bigint' && n >= -0x8000000000000000n && n <= 0x7fffffffffffffffn,
  compare: (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0),
});

function isLongSchema(schema: unknown): boolean {
  if (schema === 'long') return true;
  return (
    typeof schema === 'object' &&
    schema !== null &&
    !Array.isArray(schema) &&
    (schema as { type?: unknown }).type === 'long'
  );
}

/**
 * avsc `forSchema` options used for every manifest and manifest-list type: longs are bigints
 * and unions are unwrapped (`null` or the value), which is how Iceberg's optional fields read.
 */
export function avroTypeOptions(): Partial<avro.ForSchemaOptions> {
  return {
    wrapUnions: 'never',
    // Called for every (sub)schema before avsc builds its own type: this is the only way to
    // reach `{"type":"long","logicalType":…}`, which bypasses the registry.
    typeHook: (schema) => (isLongSchema(schema) ? BIGINT_LONG : undefined),
  };
}

/**
 * Builds an avsc type from a schema with {@link avroTypeOptions}.
 * @param schema an Avro schema (JSON object form)
 * @throws Error from avsc when the schema is invalid (callers translate it)
 */
export function avroType(schema: unknown): avro.Type {
  // Every manifest of a table (of one partition spec) carries the same schema: building the
  // avsc type once per distinct schema, not once per file, was 41% of planning CPU on a table
  // of 1,000 snapshots (bench/README.md). Types are immutable, so sharing them is safe.
  const key = JSON.stringify(schema);
  let type = TYPE_CACHE.get(key);
  if (type === undefined) {
    type = avro.Type.forSchema(schema as avro.Schema, avroTypeOptions());
    if (TYPE_CACHE.size >= TYPE_CACHE_LIMIT) TYPE_CACHE.delete(TYPE_CACHE.keys().next().value as string);
    TYPE_CACHE.set(key, type);
  }
  return type;
}

const TYPE_CACHE_LIMIT = 256;
const TYPE_CACHE = new Map<string, avro.Type>();
