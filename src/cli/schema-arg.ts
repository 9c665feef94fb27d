/**
 * `floe create --schema`: a compact JSON object of column → type, or an Iceberg schema JSON
 * (`{"type":"struct","fields":[…]}`, spec Appendix C), given inline or as `@file.json`.
 *
 * Compact form: `{"id":"long not null","ts":"timestamptz","name":"string","emb":"vector(384)"}`.
 * Types are Iceberg's text forms (`decimal(10,2)`, `list<string>`, `map<string, int>`,
 * `struct<a: int>`); a trailing `not null` makes a column required; `vector(N)` is an embedding
 * column: stored as Iceberg `list<float>` and read back as `FixedSizeList<Float32>[N]` (its
 * dimension is the table property `floe.column.<field-id>.vector-dimension`, spec/table-format.md).
 * Field ids are assigned as Java's `TypeUtil.assignFreshIds` does: a struct's fields first
 * (top-level columns are 1..n), then their children.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, decodeSchema, isFloeError, parseType, type IcebergType, type NestedField, type Schema } from '../index.js';
import { type JsonValue, parseJson } from '../util/index.js';

/** A schema for a new table plus the properties it needs (vector dimensions). */
export interface SchemaArg {
  /** The Iceberg schema, ids assigned. */
  readonly schema: Schema;
  /** Table properties the schema needs (vector dimensions). */
  readonly properties: Record<string, string>;
}

const VECTOR = /^vector\s*[(<[]\s*(\d+)\s*[)>\]]$/i;

function readArg(text: string): { json: JsonValue; where: string } {
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
  try {
    return { json: parseJson(source), where };
  } catch (e) {
    throw new InvalidArgumentError(`${where} is not valid JSON: ${(e as Error).message}`, {
      help: `give a JSON object such as '{"id":"long not null","ts":"timestamptz","emb":"vector(384)"}' (quote it for the shell)`,
    });
  }
}

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

function compactSchema(json: { [key: string]: JsonValue }, where: string): SchemaArg {
  const entries = Object.entries(json);
  if (entries.length === 0) throw new InvalidArgumentError(`${where} has no columns`);
  let last = 0;
  const next = (): number => ++last;
  const columns = entries.map(([name, value]) => {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`column ${JSON.stringify(name)} in ${where}: the type must be a string such as "long" or "vector(384)", got ${JSON.stringify(value)}`, {
        context: { column: name },
      });
    }
    const m = /^(.*?)\s+not\s+null\s*$/i.exec(value);
    const text = (m ? m[1]! : value).trim();
    return { name, text, required: m !== null, id: next() };
  });
  const properties: Record<string, string> = {};
  const fields: NestedField[] = columns.map(({ name, text, required, id }) => {
    const vector = VECTOR.exec(text);
    let type: IcebergType;
    if (vector) {
      const dim = Number(vector[1]);
      if (dim < 1) throw new InvalidArgumentError(`column ${name}: a vector needs a positive dimension, got ${text}`, { context: { column: name } });
      type = { type: 'list', elementId: 0, element: { type: 'float' }, elementRequired: true };
      properties[`floe.column.${id}.vector-dimension`] = String(dim);
    } else {
      try {
        type = parseType(text);
      } catch (e) {
        if (isFloeError(e)) {
          throw new InvalidArgumentError(`column ${JSON.stringify(name)}: ${e.message}`, {
            context: { column: name, type: text },
            help: 'types: boolean, int, long, float, double, decimal(P,S), date, time, timestamp, timestamptz, string, uuid, binary, fixed[N], vector(N), list<T>, map<K, V>, struct<a: T>',
          });
        }
        throw e;
      }
    }
    return { id, name, required, type };
  });
  // Children get ids after every top-level column (assignFreshIds order).
  return { schema: { schemaId: 0, fields: fields.map((f) => ({ ...f, type: freshIds(f.type, next) })) }, properties };
}

/**
 * Reads a `--schema` argument.
 * @param text the argument: JSON, or `@path` of a JSON file
 * @throws InvalidArgumentError naming the column or the JSON problem
 * @throws ValidationError for an Iceberg schema JSON that breaks the spec
 */
export function schemaFromArg(text: string): SchemaArg {
  const { json, where } = readArg(text);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidArgumentError(`${where} must be a JSON object of column → type, or an Iceberg schema`);
  }
  if (json['type'] === 'struct' && Array.isArray(json['fields'])) {
    return { schema: decodeSchema(json, where === '--schema' ? undefined : where), properties: {} };
  }
  return compactSchema(json, where);
}
