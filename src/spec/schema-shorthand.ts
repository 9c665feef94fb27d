/**
 * The schema shorthand `floe create --schema` and `Warehouse.createTable` take: a JSON object of
 * column → type, `{"user_id":"long not null","ts":"timestamptz","emb":"vector(384)"}`, as an
 * object or as JSON text; the text may also be an Iceberg schema JSON
 * (`{"type":"struct","fields":[…]}`, spec Appendix C).
 *
 * Types are Iceberg's text forms (`decimal(10,2)`, `list<string>`, `map<string, int>`,
 * `struct<a: int>`); a trailing `not null` makes a column required; `vector(N)` is an embedding
 * column, an Iceberg `list<float>` whose dimension the caller records (Floe keeps it in the table
 * property `floe.column.<field-id>.vector-dimension`, spec/table-format.md). Field ids are
 * assigned as Java's `TypeUtil.assignFreshIds` does: a struct's fields first (top-level columns
 * are 1..n), then their children.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, isFloeError } from '../errors.js';
import { type JsonValue, parseJson } from '../util/index.js';
import { decodeSchema, parseType } from './schema.js';
import type { IcebergType, NestedField, Schema } from './types.js';
import { parseArgument } from './zod-issues.js';

/** A schema read from the shorthand, with the dimension of each vector column. */
export interface ShorthandSchema {
  /** The Iceberg schema (schema id 0), ids assigned. */
  readonly schema: Schema;
  /** Field id → dimension of each `vector(N)` column. */
  readonly vectorDimensions: ReadonlyMap<number, number>;
}

/** Options of {@link schemaFromShorthand}. */
export interface ShorthandOptions {
  /** Where the schema came from, for messages (`--schema`, a file name); default `schema`. */
  readonly where?: string;
}

const VECTOR = /^vector\s*[(<[]\s*(\d+)\s*[)>\]]$/i;

const TYPES_HELP =
  'types: boolean, int, long, float, double, decimal(P,S), date, time, timestamp, timestamptz, string, uuid, binary, fixed[N], vector(N), list<T>, map<K, V>, struct<a: T>; add "not null" for a required column';

const ShorthandSchemaJson = z.record(z.string().min(1, 'a column name must not be empty'), z.string({ error: 'the type must be a string such as "long" or "vector(384)"' }));

/** Assigns fresh ids to the placeholder (0) ids `parseType` leaves in nested types. */
function freshIds(t: IcebergType, next: () => number): IcebergType {
  switch (t.type) {
    case 'struct': {
      const ids = t.fields.map(() => next());
      return { type: 'struct', fields: t.fields.map((f, i) => ({ ...f, id: ids[i]!, type: freshIds(f.type, next) })) };
    }
    case 'list': {
      const elementId = next();
      return { ...t, elementId, element: freshIds(t.element, next) };
    }
    case 'map': {
      const keyId = next();
      const valueId = next();
      return { ...t, keyId, valueId, key: freshIds(t.key, next), value: freshIds(t.value, next) };
    }
    default:
      return t;
  }
}

function compactSchema(columns: Readonly<Record<string, string>>): ShorthandSchema {
  let last = 0;
  const next = (): number => ++last;
  const parsed = Object.entries(columns).map(([name, value]) => {
    const m = /^(.*?)\s+not\s+null\s*$/i.exec(value);
    return { name, text: (m ? m[1]! : value).trim(), required: m !== null, id: next() };
  });
  const vectorDimensions = new Map<number, number>();
  const fields: NestedField[] = parsed.map(({ name, text, required, id }) => {
    const vector = VECTOR.exec(text);
    if (vector) {
      const dim = Number(vector[1]);
      if (dim < 1) throw new InvalidArgumentError(`column ${name}: a vector needs a positive dimension, got ${text}`, { context: { column: name } });
      vectorDimensions.set(id, dim);
      return { id, name, required, type: { type: 'list', elementId: 0, element: { type: 'float' }, elementRequired: true } };
    }
    try {
      return { id, name, required, type: parseType(text) };
    } catch (e) {
      if (isFloeError(e)) throw new InvalidArgumentError(`column ${JSON.stringify(name)}: ${e.message}`, { context: { column: name, type: text }, help: TYPES_HELP });
      throw e;
    }
  });
  // Children get ids after every top-level column (assignFreshIds order).
  return { schema: { schemaId: 0, fields: fields.map((f) => ({ ...f, type: freshIds(f.type, next) })) }, vectorDimensions };
}

function isIcebergSchemaJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'struct' && Array.isArray((json as { fields?: unknown }).fields);
}

/**
 * Reads the schema shorthand (or, given as text, an Iceberg schema JSON).
 * @param input a column → type object, or its JSON text
 * @param options where it came from, for messages
 * @throws InvalidArgumentError naming the column or the JSON problem
 * @throws ValidationError for an Iceberg schema JSON that breaks the spec
 */
export function schemaFromShorthand(input: Readonly<Record<string, string>> | string, options: ShorthandOptions = {}): ShorthandSchema {
  const where = options.where ?? 'schema';
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = parseJson(input);
    } catch (e) {
      throw new InvalidArgumentError(`${where} is not valid JSON: ${(e as Error).message}`, {
        help: `give a JSON object such as '{"id":"long not null","ts":"timestamptz","emb":"vector(384)"}'`,
      });
    }
    if (isIcebergSchemaJson(json)) return { schema: decodeSchema(json as JsonValue, where === 'schema' ? undefined : where), vectorDimensions: new Map() };
  }
  const columns = parseArgument(ShorthandSchemaJson, json, `${where} (a JSON object of column → type, or an Iceberg schema)`, TYPES_HELP);
  if (Object.keys(columns).length === 0) throw new InvalidArgumentError(`${where} has no columns`, { help: TYPES_HELP });
  return compactSchema(columns);
}
