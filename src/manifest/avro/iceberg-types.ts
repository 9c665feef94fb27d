/**
 * Iceberg types → Avro schemas, as Java Iceberg's `TypeToSchema` writes them, for the partition
 * tuple of a manifest (spec §Manifests: "`102 partition` … schema based on the partition spec").
 *
 * | Iceberg                 | Avro                                                                  |
 * |-------------------------|-----------------------------------------------------------------------|
 * | boolean, int, long, float, double, string | the same primitive                                  |
 * | binary                  | `bytes`                                                               |
 * | date                    | `int` + `logicalType: date`                                           |
 * | time                    | `long` + `logicalType: time-micros`                                   |
 * | timestamp / timestamptz | `long` + `logicalType: timestamp-micros`, `adjust-to-utc` false/true  |
 * | timestamp_ns(tz)        | `long` + `logicalType: timestamp-nanos`, `adjust-to-utc`              |
 * | decimal(P,S)            | `fixed` `decimal_P_S` of the minimal size for P + `logicalType: decimal` |
 * | uuid                    | `fixed` `uuid_fixed` (16) + `logicalType: uuid`                       |
 * | fixed(L)                | `fixed` `fixed_L`                                                     |
 *
 * Avro names are unique per file, so a named type used twice is referenced by name the second
 * time (Java reuses the same `Schema` object, which serialises the same way).
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import type { IcebergType, StructType } from '../../spec/index.js';

/** Avro schema in JSON object form (as stored in `avro.schema`). */
export type AvroSchema = string | readonly AvroSchema[] | { readonly [key: string]: unknown };

/** Where Java records a field's real name when it had to be sanitised (`AvroSchemaUtil.ICEBERG_FIELD_NAME_PROP`). */
export const ICEBERG_FIELD_NAME_PROP = 'iceberg-field-name';

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function sanitizeChar(c: string): string {
  return /[0-9]/.test(c) ? `_${c}` : `_x${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * A valid Avro field name for an Iceberg name, as Java's `AvroSchemaUtil.makeCompatibleName`
 * makes it: a leading digit becomes `_<d>`, any other invalid character `_x<HEX>`
 * (e.g. `Breed Name` → `Breed_x20Name`). Valid names are returned unchanged.
 * @param name the Iceberg name
 */
export function makeCompatibleName(name: string): string {
  if (AVRO_NAME.test(name)) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const ok = i === 0 ? /[A-Za-z_]/.test(c) : /[A-Za-z0-9_]/.test(c);
    out += ok ? c : sanitizeChar(c);
  }
  return out;
}

/**
 * The fewest bytes whose two's complement holds every unscaled value of `decimal(precision, _)`
 * (Java `TypeUtil.decimalRequiredBytes`): decimal(9) → 4, decimal(18) → 8, decimal(38) → 16.
 * @param precision 1..38
 */
export function decimalRequiredBytes(precision: number): number {
  const max = 10n ** BigInt(precision);
  let n = 1;
  while (max > 2n ** BigInt(8 * n - 1)) n++;
  return n;
}

function named(defined: Set<string>, name: string, schema: Record<string, unknown>): AvroSchema {
  if (defined.has(name)) return name;
  defined.add(name);
  return { type: 'fixed', name, ...schema };
}

/**
 * The Avro schema of one Iceberg primitive value.
 * @param type the Iceberg type
 * @param defined names of named types already written in this file (updated)
 * @throws InvalidArgumentError for nested types (never a partition field's type)
 */
export function avroPrimitive(type: IcebergType, defined: Set<string>): AvroSchema {
  switch (type.type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return type.type;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': type.type === 'timestamptz' };
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': type.type === 'timestamptz_ns' };
    case 'uuid':
      return named(defined, 'uuid_fixed', { size: 16, logicalType: 'uuid' });
    case 'fixed':
      return named(defined, `fixed_${type.length}`, { size: type.length });
    case 'decimal':
      return named(defined, `decimal_${type.precision}_${type.scale}`, {
        size: decimalRequiredBytes(type.precision),
        logicalType: 'decimal',
        precision: type.precision,
        scale: type.scale,
      });
    default:
      throw new InvalidArgumentError(`a partition field cannot have the nested type ${type.type}`);
  }
}

/**
 * The `r102` record of a manifest's partition tuple: one optional field per partition field,
 * named as the partition field (sanitised), with `field-id` = the partition field id.
 * @param partitionType the partition type of the manifest's spec (field ids 1000+)
 * @param defined names of named types already written in this file (updated)
 * @throws InvalidArgumentError when a field has a nested type
 */
export function partitionRecordSchema(partitionType: StructType, defined: Set<string>): AvroSchema {
  return {
    type: 'record',
    name: 'r102',
    fields: partitionType.fields.map((f) => {
      const name = makeCompatibleName(f.name);
      return {
        name,
        // Partition values are always optional in manifests: void transforms and null source
        // values produce nulls (Java writes every partition field as a union with null).
        type: ['null', avroPrimitive(f.type, defined)],
        default: null,
        'field-id': f.id,
        ...(name === f.name ? {} : { [ICEBERG_FIELD_NAME_PROP]: f.name }),
      };
    }),
  };
}
