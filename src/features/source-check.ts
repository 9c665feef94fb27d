/**
 * Does a view still match its source table? Every entity, feature and the event time must be
 * a column of the table's current schema, of the declared type or one that promotes to it
 * without loss (Iceberg spec §Schema Evolution: int → long, float → double, decimal(P,S) →
 * decimal(P',S) with P' ≥ P), and the filter must bind to the schema. Registration refuses a
 * definition with problems; `validate` reports them for a registered view whose table changed
 * since (a dropped or renamed column), so a broken view is named, not silently read as nulls.
 *
 * @module
 */
import { bindExpression, parseFilter } from '../expr/index.js';
import { type IcebergType, type PrimitiveType, type Schema, canPromote, findFieldByName, parseType, typeToString } from '../spec/index.js';
import type { FeatureViewDefinition } from './view.js';

/** One way a view does not match its table. */
export interface ViewProblem {
  /** The definition field at fault (`features[2].type`, `eventTime`, `source.table`). */
  readonly field: string;
  /** What is wrong, naming the column and types. */
  readonly message: string;
}

/** Types an event-time column may have: dates and timestamps (read as ms), or epoch ms in a long. */
const EVENT_TIME_TYPES = new Set(['date', 'timestamp', 'timestamptz', 'long']);

/** Whether a column of type `actual` can be read as `declared` without loss (nested types: only the same type). */
function typeReadsAs(actual: IcebergType, declared: IcebergType): boolean {
  if (typeToString(actual) === typeToString(declared)) return true;
  const nested = new Set(['struct', 'list', 'map']);
  if (nested.has(actual.type) || nested.has(declared.type)) return false;
  return canPromote(actual as PrimitiveType, declared as PrimitiveType);
}

/** The problems of `definition` against `schema` (the source table's current schema); empty when it matches. */
export function checkViewAgainstSchema(definition: FeatureViewDefinition, schema: Schema): ViewProblem[] {
  const problems: ViewProblem[] = [];
  const table = definition.source.table;
  const column = (name: string, declared: string, field: string): void => {
    const f = findFieldByName(schema, name);
    if (f === undefined) {
      problems.push({ field, message: `column ${name} is not in table ${table}` });
      return;
    }
    if (!typeReadsAs(f.type, parseType(declared))) problems.push({ field, message: `column ${name} of table ${table} is ${typeToString(f.type)}, which does not read as the declared ${declared}` });
  };
  definition.entities.forEach((e, i) => column(e.name, e.type, `entities[${i}].type`));
  definition.features.forEach((f, i) => column(f.name, f.type, `features[${i}].type`));
  const time = findFieldByName(schema, definition.eventTime);
  if (time === undefined) problems.push({ field: 'eventTime', message: `column ${definition.eventTime} is not in table ${table}` });
  else if (!EVENT_TIME_TYPES.has(typeToString(time.type))) problems.push({ field: 'eventTime', message: `column ${definition.eventTime} of table ${table} is ${typeToString(time.type)}; an event time must be a date, timestamp, timestamptz or long (epoch ms)` });
  for (const c of definition.source.columns ?? []) {
    if (findFieldByName(schema, c) === undefined) problems.push({ field: 'source.columns', message: `column ${c} is not in table ${table}` });
  }
  if (definition.source.filter !== undefined) {
    try {
      bindExpression(parseFilter(definition.source.filter), schema);
    } catch (e) {
      problems.push({ field: 'source.filter', message: `filter ${JSON.stringify(definition.source.filter)} does not apply to table ${table}: ${(e as Error).message}` });
    }
  }
  return problems;
}
