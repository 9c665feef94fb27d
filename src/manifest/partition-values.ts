/**
 * Partition values between the in-memory {@link Literal} form (`src/spec/values.ts`) and the
 * Avro form of a manifest's `r102` partition record (see `avro/iceberg-types.ts`).
 *
 * Reading trusts the file's writer schema first (its Avro type and logical type), then the
 * table's partition type when the caller knows it: Spark writes decimal(3,2) as
 * `fixed(2)` + `logicalType: decimal`, which becomes the unscaled `bigint` (1.23 → 123n); an
 * `int` column promoted to `long` reads as `bigint`; a uuid in `fixed(16)` becomes its string.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { bigIntFromBytes, bigIntToMinimalBytes, normalizeUuid, uuidFromBytes, uuidToBytes, type IcebergType, type Literal } from '../spec/index.js';
import type { JsonValue } from '../util/index.js';
import { decimalRequiredBytes } from './avro/iceberg-types.js';
import { primitiveOf } from './avro/writer-schema.js';

/**
 * Big-endian two's complement of `value` in exactly `size` bytes (Avro decimal `fixed`): the
 * minimal form of spec/bounds.ts, sign-extended.
 * @throws RangeError when the value does not fit
 */
function bigintToTwosComplement(value: bigint, size: number): Uint8Array {
  const minimal = bigIntToMinimalBytes(value);
  if (minimal.length > size) throw new RangeError(`${value} does not fit in ${size} bytes`);
  const out = new Uint8Array(size).fill(value < 0n ? 0xff : 0);
  out.set(minimal, size - minimal.length);
  return out;
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function bad(field: string, type: IcebergType, value: unknown): never {
  const shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new InvalidArgumentError(`partition field ${field} of type ${type.type} cannot hold ${typeof value} ${shown}`, {
    context: { field, type: type.type },
  });
}

/**
 * The avsc value of one partition value, for writing.
 * @param value the literal, or null
 * @param type the partition field's Iceberg type (its transform's result type)
 * @param field the partition field's name, for errors
 * @throws InvalidArgumentError when the literal does not fit the type
 */
export function partitionValueToAvro(value: Literal | null, type: IcebergType, field: string): unknown {
  if (value === null) return null;
  switch (type.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'int':
    case 'date':
      if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
      break;
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'uuid':
      if (typeof value === 'string' && normalizeUuid(value) !== undefined) return toBuffer(uuidToBytes(value));
      if (value instanceof Uint8Array && value.length === 16) return toBuffer(value);
      break;
    case 'fixed':
      if (value instanceof Uint8Array && value.length === type.length) return toBuffer(value);
      break;
    case 'binary':
      if (value instanceof Uint8Array) return toBuffer(value);
      break;
    case 'decimal':
      if (typeof value === 'bigint') {
        try {
          return toBuffer(bigintToTwosComplement(value, decimalRequiredBytes(type.precision)));
        } catch {
          break;
        }
      }
      break;
    default:
      break;
  }
  return bad(field, type, value);
}

function asBytes(v: unknown): Uint8Array | undefined {
  return v instanceof Uint8Array ? new Uint8Array(v) : undefined;
}

/**
 * The literal of one decoded partition value.
 * @param raw the avsc value (unions unwrapped, longs as bigint, bytes as Buffer)
 * @param avroType the field's writer type (resolved, without the null branch)
 * @param icebergType the partition field's Iceberg type, when the caller knows it
 * @returns the literal, or undefined when the value cannot be read as a literal
 */
export function partitionValueFromAvro(raw: unknown, avroType: JsonValue, icebergType?: IcebergType): Literal | null | undefined {
  if (raw === null || raw === undefined) return null;
  const { type, logicalType } = primitiveOf(avroType);
  const want = icebergType?.type;
  if (typeof raw === 'boolean' || typeof raw === 'string') {
    if (typeof raw === 'string' && (logicalType === 'uuid' || want === 'uuid')) return raw.toLowerCase();
    return raw;
  }
  if (typeof raw === 'number') {
    // int promoted to long in the table's partition type (spec §Schema Evolution: int → long).
    if (type === 'int' && (want === 'long' || want === 'time' || want === 'timestamp' || want === 'timestamptz')) {
      return BigInt(raw);
    }
    return raw;
  }
  if (typeof raw === 'bigint') {
    if (logicalType === 'timestamp-millis' || logicalType === 'time-millis') return raw * 1000n;
    if ((want === 'int' || want === 'date') && raw >= -(2n ** 31n) && raw < 2n ** 31n) return Number(raw);
    return raw;
  }
  const bytes = asBytes(raw);
  if (bytes === undefined) return undefined;
  if (logicalType === 'decimal' || want === 'decimal') return bigIntFromBytes(bytes);
  if ((logicalType === 'uuid' || want === 'uuid') && bytes.length === 16) return uuidFromBytes(bytes);
  return bytes;
}
