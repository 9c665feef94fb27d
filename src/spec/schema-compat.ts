/**
 * Which schemas a format version can hold: Iceberg Java's `Schema.checkCompatibility`
 * (`api/src/main/java/org/apache/iceberg/Schema.java`, `MIN_FORMAT_VERSIONS` and
 * `DEFAULT_VALUES_MIN_FORMAT_VERSION`). spec §Version 3: the types `unknown`, `timestamp_ns` and
 * `timestamptz_ns` and non-null `initial-default` values are added in v3; `write-default` is
 * only used at write time, so Java (and Floe) allow it in any version.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { indexNamesById, indexById, typeToString } from './schema.js';
import type { Schema } from './types.js';

/** The format version that introduced non-null `initial-default` values (spec §Default values). */
export const DEFAULT_VALUES_MIN_FORMAT_VERSION = 3;

const MIN_FORMAT_VERSIONS: Readonly<Record<string, number>> = { unknown: 3, timestamp_ns: 3, timestamptz_ns: 3 };

/**
 * Checks that a schema fits a table's format version.
 * @param schema the schema to add
 * @param formatVersion the table's format version
 * @throws InvalidArgumentError naming each field that needs a later format version
 */
export function checkSchemaCompatibility(schema: Schema, formatVersion: number): void {
  const names = indexNamesById(schema);
  const problems: string[] = [];
  const byId = [...indexById(schema).entries()].sort(([a], [b]) => a - b);
  for (const [id, field] of byId) {
    const name = names.get(id) ?? field.name;
    const min = MIN_FORMAT_VERSIONS[field.type.type];
    if (min !== undefined && formatVersion < min) problems.push(`${name}: type ${typeToString(field.type)} is not supported until v${min}`);
    if (field.initialDefault !== undefined && formatVersion < DEFAULT_VALUES_MIN_FORMAT_VERSION) {
      problems.push(`${name}: a non-null initial default is not supported until v${DEFAULT_VALUES_MIN_FORMAT_VERSION}`);
    }
  }
  if (problems.length > 0) {
    throw new InvalidArgumentError(`schema not valid for format v${formatVersion}: ${problems.join('; ')}`, {
      context: { formatVersion },
      help: 'upgrade the table to format version 3 first',
    });
  }
}
