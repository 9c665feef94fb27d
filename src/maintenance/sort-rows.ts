/**
 * Sorting rows on write by a sort order (spec §Sorting): each field's source column through its
 * transform, ascending or descending, nulls first or last. A compaction sorts the rows it writes
 * so that each output file (and row group) covers a narrow range of the key, and the column
 * metrics then prune a selective filter on the key to a few files.
 *
 * The key comes from the `sortBy` option (`'id'`, `['ts DESC', 'id NULLS LAST']`), else the
 * `write.sort-order` table property (the same text, comma-separated), else the table's default
 * sort order in its metadata.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { literalAt, takeRows } from '../io/index.js';
import { type Literal, type PrimitiveType, type Schema, type SortField, type TableMetadata, type Transform, applyTransform, compareLiterals, isPrimitive, parseArgument } from '../spec/index.js';

/** One sort key column. */
export interface SortKey {
  /** The top-level column's name. */
  readonly column: string;
  /** Its type. */
  readonly type: PrimitiveType;
  /** The transform the key is taken through (identity for `sortBy`). */
  readonly transform: Transform;
  /** Ascending or descending. */
  readonly direction: 'asc' | 'desc';
  /** Where nulls go (spec §Sorting default: first when ascending, last when descending). */
  readonly nullOrder: 'nulls-first' | 'nulls-last';
}

const SORT_TERM = /^\s*(\S+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i;

/** The `sortBy` option: a sort term (`'id DESC NULLS LAST'`) or a non-empty list of them. */
export const SortBySchema = z.union([z.string().min(1, 'a sort term must not be empty'), z.array(z.string().min(1, 'a sort term must not be empty')).min(1, 'expected at least one sort term')], {
  error: "expected a column name with an optional ASC/DESC and NULLS FIRST/LAST, or a list of them (e.g. ['ts DESC', 'id'])",
});

/**
 * Resolves sort terms against the schema.
 * @param terms the terms
 * @param schema the current schema
 * @param what the argument, for messages
 * @throws InvalidArgumentError naming the argument and the term for a malformed term, an unknown
 *   column or a column that is not a top-level primitive
 */
export function sortKeysFromTerms(terms: readonly string[], schema: Schema, what: string): SortKey[] {
  return terms.map((term) => {
    const m = SORT_TERM.exec(term);
    if (!m) throw new InvalidArgumentError(`${what}: ${JSON.stringify(term)} is not a sort term (column [ASC|DESC] [NULLS FIRST|LAST])`, { context: { argument: what, value: term } });
    const field = schema.fields.find((f) => f.name === m[1]);
    if (!field || !isPrimitive(field.type)) {
      throw new InvalidArgumentError(`${what}: ${field ? `column ${m[1]} is not a primitive column` : `unknown column ${m[1]}`}`, {
        context: { argument: what, column: m[1]! },
        help: `sort by top-level primitive columns: ${schema.fields.map((f) => f.name).join(', ')}`,
      });
    }
    const direction = m[2]?.toLowerCase() === 'desc' ? 'desc' : 'asc';
    const nulls = m[3]?.toLowerCase();
    const nullOrder = nulls === undefined ? (direction === 'asc' ? 'nulls-first' : 'nulls-last') : nulls === 'first' ? 'nulls-first' : 'nulls-last';
    return { column: field.name, type: field.type as PrimitiveType, transform: { kind: 'identity' } as Transform, direction, nullOrder };
  });
}

/**
 * The sort keys a rewrite writes with: `sortBy`, else `write.sort-order`, else the default sort
 * order of the metadata (none when the table is unsorted).
 */
export function resolveSortKeys(sortBy: string | readonly string[] | undefined, metadata: TableMetadata, schema: Schema, table: string): SortKey[] {
  if (sortBy !== undefined) {
    const terms = parseArgument(SortBySchema, sortBy, `sortBy of rewriteDataFiles on table ${table}`);
    return sortKeysFromTerms(typeof terms === 'string' ? [terms] : terms, schema, `sortBy of rewriteDataFiles on table ${table}`);
  }
  const property = metadata.properties['write.sort-order'];
  if (property !== undefined) return sortKeysFromTerms(property.split(','), schema, `table property write.sort-order of table ${table}`);
  const order = metadata.sortOrders.find((o) => o.orderId === metadata.defaultSortOrderId);
  return (order?.fields ?? []).flatMap((f: SortField): SortKey[] => {
    const field = schema.fields.find((c) => c.id === f.sourceId);
    // A sort field on a dropped or nested column cannot be taken from the top-level columns: the
    // order is then kept only by the fields before it (a sort order is a preference, spec §Sorting).
    if (!field || !isPrimitive(field.type)) return [];
    return [{ column: field.name, type: field.type as PrimitiveType, transform: f.transform, direction: f.direction, nullOrder: f.nullOrder }];
  });
}

function compareKey(key: SortKey, a: Literal, b: Literal): number {
  if (key.transform.kind === 'identity' || key.transform.kind === 'truncate') return compareLiterals(key.type, a, b);
  // Time and bucket transforms give ints.
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Rows in sort order (stable: equal keys keep their order).
 * @param data the rows
 * @param keys the sort keys (none returns `data` as it is)
 */
export function sortRows(data: arrow.Table, keys: readonly SortKey[]): arrow.Table {
  if (keys.length === 0 || data.numRows < 2) return data;
  const columns = keys.map((k) => {
    const vector = data.getChild(k.column);
    const values: (Literal | null)[] = new Array(data.numRows);
    for (let i = 0; i < data.numRows; i++) values[i] = vector ? applyTransform(k.transform, k.type, literalAt(vector, i, k.type)) : null;
    return values;
  });
  const order = Array.from({ length: data.numRows }, (_, i) => i);
  order.sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const a = columns[k]![x]!;
      const b = columns[k]![y]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === (key.nullOrder === 'nulls-first') ? -1 : 1;
      }
      const c = compareKey(key, a, b);
      if (c !== 0) return key.direction === 'asc' ? c : -c;
    }
    return x - y;
  });
  return new arrow.Table([takeRows(data, Int32Array.from(order))]);
}
