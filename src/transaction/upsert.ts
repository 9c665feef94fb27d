/**
 * Upsert (merge by key), copy-on-write: rows of the table whose key appears in the input are
 * replaced by the input's rows, other input rows are inserted, in one `overwrite` snapshot
 * (spec §Snapshots operation `overwrite`).
 *
 * It is a rewrite ({@link prepareRewrite}) whose filter is a key-membership predicate: an `IN`
 * on each key column prunes manifests and files by partition and column metrics, so a small
 * upsert into a large table reads and rewrites only the files that may hold its keys; the rows
 * actually removed are chosen by an exact key-tuple match (the per-column `IN`s over-approximate
 * a composite key). Conflict validation is the rewrite's (spec/commit-protocol.md §C7): a
 * concurrent commit that removed a file this upsert rewrites, or (serializable isolation) added
 * a file that may hold one of its keys, makes the attempt fail with a non-retryable
 * `CommitConflictError`; `Table.upsert` then re-plans against the new base.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import type { TableState } from '../commit/index.js';
import { InvalidArgumentError } from '../errors.js';
import { type Expression, alwaysFalse, and, bindExpression, gtEq, isIn, ltEq } from '../expr/index.js';
import { conformToSchema, literalAt } from '../io/index.js';
import { LAST_UPDATED_SEQUENCE_NUMBER_FIELD, type PrimitiveType, ROW_ID_FIELD, type Schema, type Snapshot } from '../spec/index.js';
import type { Change } from './change.js';
import { currentSchema } from './metadata-access.js';
import { prepareRewrite } from './rewrite.js';
import type { TableContext } from './table-context.js';
import type { WriteMode } from './write-mode.js';
import { type WriteInput, toArrowTable } from './write-data-files.js';

/** Options of {@link prepareUpsert}. */
export interface UpsertOptions {
  /** The commit id. */
  readonly commitId: string;
  /** The key columns (top-level, by name). */
  readonly on: readonly string[];
  /** The branch (default `main`). */
  readonly branch?: string;
  /** Extra summary entries. */
  readonly extraSummary?: Readonly<Record<string, string>>;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** Copy-on-write (default) or merge-on-read (`write.merge.mode`). */
  readonly mode?: WriteMode;
}

/** How many duplicate keys an error message names. */
const MAX_NAMED_DUPLICATES = 10;

/**
 * A canonical string for one key value, equal for equal values whatever their JS type (an int
 * column read as `number` and a long as `bigint` give the same string).
 */
export function keyPart(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `i${v}` : `f${v}`;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  if (v instanceof Date) return `i${v.getTime()}`;
  if (v instanceof Uint8Array) return `x${Buffer.from(v).toString('hex')}`;
  return `o${String(v)}`;
}

/** Reads the key columns of a batch or table, or throws naming the missing one. */
function keyVectors(data: arrow.Table | arrow.RecordBatch, on: readonly string[], table: string): arrow.Vector[] {
  return on.map((name) => {
    const v = data.getChild(name);
    if (!v) throw new InvalidArgumentError(`upsert key column ${name} is not in the data for table ${table}`, { context: { table, column: name } });
    return v;
  });
}

/** The canonical key of row `i`. */
export function keyAt(vectors: readonly arrow.Vector[], i: number): string {
  if (vectors.length === 1) return keyPart(vectors[0]!.get(i));
  return vectors.map((v) => keyPart(v.get(i))).join('\u0000');
}

/** Key columns checked against the schema: top-level primitive fields. */
function checkKeyColumns(schema: Schema, on: readonly string[], table: string): void {
  if (on.length === 0) throw new InvalidArgumentError(`upsert into table ${table} needs at least one key column in 'on'`, { context: { table } });
  for (const name of on) {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) throw new InvalidArgumentError(`upsert key column ${name} is not a column of table ${table}`, { context: { table, column: name } });
    if (field.type.type === 'struct' || field.type.type === 'list' || field.type.type === 'map') {
      throw new InvalidArgumentError(`upsert key column ${name} of table ${table} is not a primitive column`, { context: { table, column: name } });
    }
  }
}

/**
 * The input's keys, checked: no null key and no key twice.
 * @throws InvalidArgumentError naming up to ten duplicate keys, or the first row with a null key
 */
export function inputKeys(data: arrow.Table, on: readonly string[], table: string): { keys: Set<string>; rows: number[] } {
  const vectors = keyVectors(data, on, table);
  const keys = new Set<string>();
  const rows: number[] = [];
  const duplicates: string[] = [];
  let duplicateCount = 0;
  for (let i = 0; i < data.numRows; i++) {
    const raw = vectors.map((v) => v.get(i) as unknown);
    const nullAt = raw.findIndex((x) => x === null || x === undefined);
    if (nullAt >= 0) {
      throw new InvalidArgumentError(`upsert into table ${table}: row ${i} has a null key column ${on[nullAt]}`, { context: { table, row: i, column: on[nullAt]! } });
    }
    const k = keyAt(vectors, i);
    if (keys.has(k)) {
      duplicateCount++;
      if (duplicates.length < MAX_NAMED_DUPLICATES) duplicates.push(`(${raw.map((x) => String(x)).join(', ')})`);
      continue;
    }
    keys.add(k);
    rows.push(i);
  }
  if (duplicateCount > 0) {
    throw new InvalidArgumentError(
      `upsert into table ${table}: ${duplicateCount} duplicate key(s) on (${on.join(', ')}) in the input: ${duplicates.join(', ')}${duplicateCount > duplicates.length ? ', …' : ''}`,
      { context: { table, key: on.join(','), duplicates: duplicateCount }, help: 'deduplicate the input so each key appears once' },
    );
  }
  return { keys, rows };
}

/** Key column types whose Literals `IN` takes exactly (decimals, uuids, fixed and binary are matched exactly but not pruned on). */
const PRUNABLE_KEY_TYPES = new Set(['boolean', 'int', 'long', 'string', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/** Key column types with numeric Literals, whose min and max bound the keys. */
const RANGE_KEY_TYPES = new Set(['int', 'long', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/**
 * An expression that every row whose key is among `rows` of `data` matches: an `IN` per key
 * column of a prunable type, with values read exactly as Literals (arrow-js returns timestamps
 * and dates as milliseconds, which `IN` would read as micros or days). It over-approximates a
 * composite key (and matches everything when no key column is prunable): callers match exactly.
 * @param data rows holding the key columns, with the table's Arrow types
 * @param rows the rows whose keys to match
 * @param on the key columns
 * @param schema the table schema
 */
export function keyMembershipExpression(data: arrow.Table | arrow.RecordBatch, rows: readonly number[], on: readonly string[], schema: Schema): Expression {
  if (rows.length === 0) return alwaysFalse();
  const parts: Expression[] = [];
  for (const name of on) {
    const field = schema.fields.find((f) => f.name === name);
    const vector = data.getChild(name);
    if (!field || !vector || !PRUNABLE_KEY_TYPES.has(field.type.type)) continue;
    const values = rows.map((i) => literalAt(vector, i, field.type as PrimitiveType)).filter((v) => v !== null);
    parts.push(isIn(name, values as (string | number | bigint | boolean)[]));
    // Column metrics ignore an IN of more than IN_PREDICATE_LIMIT values; the keys' range
    // still prunes files (a contiguous batch of keys reads only the files that overlap it).
    if (RANGE_KEY_TYPES.has(field.type.type) && values.length > 1) {
      let lo = values[0]! as number | bigint;
      let hi = lo;
      for (const v of values as (number | bigint)[]) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      parts.push(gtEq(name, lo), ltEq(name, hi));
    }
  }
  return and(...parts);
}

/**
 * The upsert's rows with the row lineage columns of a v3 table (spec §Row Lineage): a row whose
 * key matches a row it replaces keeps that row's `_row_id`; every row's
 * `_last_updated_sequence_number` is null, so it inherits this commit's sequence number; a new
 * key's `_row_id` is null, so it gets a new id.
 * @param data the upsert's rows (the table's schema)
 * @param removed the rows it replaces, read with their row lineage
 * @param on the key columns
 * @param table the table, for errors
 */
export function withReplacedRowIds(data: arrow.Table, removed: readonly arrow.RecordBatch[], on: readonly string[], table: string): arrow.Table {
  const ids = new Map<string, bigint>();
  for (const b of removed) {
    const vectors = keyVectors(b, on, table);
    const rowIds = b.getChild(ROW_ID_FIELD.name);
    for (let i = 0; i < b.numRows; i++) {
      const id = rowIds?.get(i) as bigint | null | undefined;
      if (id !== null && id !== undefined) ids.set(keyAt(vectors, i), id);
    }
  }
  const vectors = keyVectors(data, on, table);
  const rowIds: (bigint | null)[] = [];
  for (let i = 0; i < data.numRows; i++) rowIds.push(ids.get(keyAt(vectors, i)) ?? null);
  return data.assign(
    new arrow.Table({
      [ROW_ID_FIELD.name]: arrow.vectorFromArray(rowIds, new arrow.Int64()),
      [LAST_UPDATED_SEQUENCE_NUMBER_FIELD.name]: arrow.vectorFromArray(rowIds.map(() => null), new arrow.Int64()),
    }),
  );
}

/**
 * Plans an upsert: checks the input (key columns, no null or duplicate keys), reads only the
 * files that may hold its keys, writes their surviving rows and the input, and returns the
 * change that commits it all.
 * @throws InvalidArgumentError for unknown or non-primitive key columns, null keys, duplicate keys (named)
 * @throws SchemaMismatchError when the rows do not fit the schema (nothing is written)
 */
export async function prepareUpsert(ctx: TableContext, state: TableState, input: WriteInput, options: UpsertOptions): Promise<Change<Snapshot>> {
  const schema = currentSchema(state.metadata);
  checkKeyColumns(schema, options.on, ctx.name);
  // Conform first so key values have the table's Arrow types on both sides of the match.
  const data = conformToSchema(toArrowTable(input, { schema, table: ctx.name, ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}) }), schema, {
    table: ctx.name,
    ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
  });
  const { keys, rows } = inputKeys(data, options.on, ctx.name);
  const membership = keyMembershipExpression(data, rows, options.on, schema);
  const filter = bindExpression(membership, schema, { caseSensitive: true });
  const on = options.on;
  const table = ctx.name;
  return prepareRewrite(ctx, state, {
    commitId: options.commitId,
    filter,
    matchRows: (batch) => {
      const vectors = keyVectors(batch, on, table);
      const mask = new Uint8Array(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) mask[i] = keys.has(keyAt(vectors, i)) ? 1 : 0;
      return mask;
    },
    matchColumns: on,
    dataWithLineage: (rows, removed) => withReplacedRowIds(rows, removed, on, table),
    ...(options.mode ? { mode: options.mode } : {}),
    data,
    extraSummary: { 'floe.upsert.keys': String(keys.size), ...options.extraSummary },
    ...(options.branch ? { branch: options.branch } : {}),
    ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
  });
}
