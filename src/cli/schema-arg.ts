/**
 * `floe create --schema`: the schema shorthand of `Warehouse.createTable` (a JSON object of
 * column → type, or an Iceberg schema JSON), given inline or as `@file.json`. The shorthand
 * itself is read by the library (`schemaFromShorthand`, spec/schema-shorthand.ts); this file only
 * reads the file and turns vector dimensions into the table properties that record them.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, schemaFromShorthand, type Schema } from '../index.js';

/** A schema for a new table plus the properties it needs (vector dimensions). */
export interface SchemaArg {
  /** The Iceberg schema, ids assigned. */
  readonly schema: Schema;
  /** Table properties the schema needs (vector dimensions). */
  readonly properties: Record<string, string>;
}

/**
 * Reads a `--schema` argument.
 * @param text the argument: JSON, or `@path` of a JSON file
 * @throws InvalidArgumentError naming the column or the JSON problem
 * @throws ValidationError for an Iceberg schema JSON that breaks the spec
 */
export function schemaFromArg(text: string): SchemaArg {
  const fromFile = text.startsWith('@');
  const where = fromFile ? text.slice(1) : '--schema';
  let source = text;
  if (fromFile) {
    try {
      source = readFileSync(where, 'utf8');
    } catch (e) {
      throw new InvalidArgumentError(`cannot read the schema file ${where}: ${(e as Error).message}`, { context: { file: where } });
    }
  }
  const { schema, vectorDimensions } = schemaFromShorthand(source, { where });
  const properties: Record<string, string> = {};
  // The property spec/table-format.md defines for a vector column's dimension.
  for (const [id, dim] of vectorDimensions) properties[`floe.column.${id}.vector-dimension`] = String(dim);
  return { schema, properties };
}
