/**
 * Exact k-nearest-neighbour search over a vector column of one table snapshot: the snapshot is
 * streamed batch by batch (filter applied by the scan), distances are taken over each batch's
 * decoded `Float32Array` by a fused per-metric kernel (`distance.ts`), and a bounded top-k heap
 * keeps the k nearest rows, so memory is O(k + one batch) and the result equals a brute-force
 * sort. With a {@link VectorCache}, the batches of a snapshot are kept (up to the cache's byte
 * bound) and later queries of the same snapshot skip fetching and decoding its files.
 *
 * Distances (smaller is nearer): `l2` the Euclidean distance, `cosine` 1 − cosine similarity (a
 * zero vector has similarity 0), `dot` the negated dot product. Sums are taken in float64 in
 * dimension order. Ties go to the row met first in scan order. Null vectors are skipped.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { type Expression, expressionToString, parseFilter } from '../expr/index.js';
import { NAME_MAPPING_PROPERTY } from '../io/index.js';
import type { SnapshotSelector } from '../scan/index.js';
import { type Schema, typeToString } from '../spec/index.js';
import type { Table } from '../table.js';
import { type DistanceMetric, batchDistance, rowNorms } from './distance.js';
import { FilterSchema, NameSchema, PositiveSchema, SnapshotSelectorShape, parseOptions } from './options.js';
import { vectorColumn } from './tensors.js';
import { TopK } from './top-k.js';
import { type CachedBatch, VectorCache } from './vector-cache.js';

/** Options of {@link nearest}. */
export interface NearestOptions extends SnapshotSelector {
  /** The vector column (`FixedSizeList<Float32>[d]`). */
  readonly column: string;
  /** The query vector: d finite numbers, d the column's recorded dimension. */
  readonly query: Float32Array | Float64Array | readonly number[];
  /** How many neighbours (a positive integer). */
  readonly k: number;
  /** Default `l2`. */
  readonly metric?: DistanceMetric;
  /** Only rows matching this filter. */
  readonly filter?: Expression | string;
  /** Columns returned with each hit (default all). */
  readonly columns?: readonly string[];
  /**
   * Keep the rows read in this cache, and answer from it when the same snapshot, column,
   * columns and filter are queried again (default: no cache; every query reads the files).
   * Results are the same with or without it. Not used for a table whose catalog masks this
   * principal's reads.
   */
  readonly cache?: VectorCache;
}

const METRICS = ['cosine', 'l2', 'dot'] as const satisfies readonly DistanceMetric[];

const allFinite = (a: Float32Array | Float64Array): boolean => a.length > 0 && a.every(Number.isFinite);

/** {@link NearestOptions} as checked before anything is read (the filter is checked where it is bound). */
const NearestOptionsSchema = z.strictObject({
  column: NameSchema,
  query: z.union([z.array(z.number()).min(1), z.instanceof(Float32Array).refine(allFinite), z.instanceof(Float64Array).refine(allFinite)], {
    error: 'must be a non-empty Float32Array, Float64Array or array of finite numbers',
  }),
  k: PositiveSchema,
  metric: z.enum(METRICS, { error: `must be one of ${METRICS.map((m) => `'${m}'`).join(', ')}` }).optional(),
  filter: FilterSchema.optional(),
  columns: z.array(NameSchema).optional(),
  cache: z.instanceof(VectorCache, { error: 'must be a VectorCache' }).optional(),
  ...SnapshotSelectorShape,
});

/** One neighbour. */
export interface NearestHit {
  /** Its distance to the query (see the module notes). */
  readonly distance: number;
  /** The returned columns' values (vectors as `Float32Array`). */
  readonly row: Readonly<Record<string, unknown>>;
}

/**
 * The k rows of a snapshot nearest to `query` in `column`, nearest first (exact).
 * @throws InvalidArgumentError naming the option for a bad k, metric, query, cache or unknown
 * option, a column the snapshot does not have, or a query whose dimension is not the column's
 * (checked before scanning, so also when no row would be read)
 * @throws UnsupportedError when the column is not a vector column
 * @throws SnapshotNotFoundError / RefNotFoundError when the version does not exist
 */
export async function nearest(table: Table, input: NearestOptions): Promise<NearestHit[]> {
  const options = parseOptions(NearestOptionsSchema, input, 'nearest');
  const { k, column, query } = options;
  const metric = options.metric ?? 'l2';
  const kernel = batchDistance(metric, query);
  const scan = table.scan({
    ...(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {}),
    ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    // Read only the returned columns and the vector column (all columns when none are named).
    ...(options.columns ? { columns: [...new Set([...options.columns, column])] } : {}),
  });
  const dim = checkQueryDimension(table, scan.schema, column, query.length);
  const returned = options.columns ?? scan.schema.fields.map((f) => f.name);
  const top = new TopK<Record<string, unknown>>(k);
  let out = new Float64Array(0);
  let ordinal = 0;
  const consider = (batch: arrow.RecordBatch, cached: CachedBatch | undefined): void => {
    const vectors = vectorColumn(batch, column);
    const rows = batch.numRows;
    if (out.length < rows) out = new Float64Array(rows);
    let norms: Float64Array | undefined;
    if (metric === 'cosine' && cached) norms = cached.norms ??= rowNorms(vectors.values, rows, dim);
    kernel(vectors.values, rows, out, norms);
    const data = batch.getChild(column)!;
    const nulls = data.nullCount > 0;
    let getters: (readonly [string, arrow.Vector])[] | undefined;
    for (let r = 0; r < rows; r++, ordinal++) {
      if (nulls && !data.isValid(r)) continue;
      const d = out[r]!;
      if (!top.accepts(d, ordinal)) continue;
      getters ??= returned.map((name) => {
        const child = batch.getChild(name);
        if (!child) throw new InvalidArgumentError(`table ${table.name} has no column ${JSON.stringify(name)}`, { context: { column: name } });
        return [name, child] as const;
      });
      const row: Record<string, unknown> = {};
      for (const [name, child] of getters) row[name] = plain(child.get(r));
      top.offer({ distance: d, ordinal, value: row });
    }
  };
  const cache = options.cache && scan.snapshot && !table.access()?.readPolicy ? options.cache : undefined;
  const key = cache ? cacheKey(table, scan.snapshot!.snapshotId, scan.schema, column, dim, options.filter) : '';
  const hit = cache?.lookup(key);
  if (hit) {
    for (const c of hit) consider(c.batch, c);
  } else {
    const collector = cache?.collector(key);
    for await (const batch of scan.batches()) consider(batch, collector?.add(batch));
    collector?.finish();
  }
  return top.sorted().map((e) => ({ distance: e.distance, row: e.value }));
}

/** What decides the rows a `nearest` scan yields (see `vector-cache.ts`). */
function cacheKey(table: Table, snapshotId: bigint, schema: Schema, column: string, dim: number, filter: Expression | string | undefined): string {
  const filterText = filter === undefined ? null : expressionToString(typeof filter === 'string' ? parseFilter(filter) : filter);
  return JSON.stringify([
    table.uuid(),
    table.location(),
    snapshotId.toString(),
    schema.schemaId,
    schema.fields.map((f) => [f.id, f.name]),
    column,
    dim,
    filterText,
    table.properties()[NAME_MAPPING_PROPERTY] ?? null,
  ]);
}

/**
 * Checks the query against the vector column's recorded dimension, and returns it (the table property
 * `floe.column.<field-id>.vector-dimension`, by field id so it holds in every snapshot's schema).
 * @throws InvalidArgumentError when the schema read has no such column, or the query has another dimension
 * @throws UnsupportedError when the column records no dimension (it is not a vector column)
 */
function checkQueryDimension(table: Table, schema: Schema, column: string, queryDim: number): number {
  const field = schema.fields.find((f) => f.name === column);
  if (!field) {
    throw new InvalidArgumentError(`nearest: table ${table.name} has no column ${JSON.stringify(column)} in the snapshot read`, {
      context: { option: 'column', table: table.name, column },
      help: `columns are: ${schema.fields.map((f) => f.name).join(', ')}`,
    });
  }
  const dim = table.vectorDimensions().get(field.id);
  if (dim === undefined) {
    throw new UnsupportedError(`column ${field.name} of table ${table.name} is ${typeToString(field.type)}, not a fixed-size list of floats (a vector column records its dimension in the table property floe.column.<field-id>.vector-dimension)`, {
      context: { table: table.name, column: field.name },
    });
  }
  if (dim !== queryDim) {
    throw new InvalidArgumentError(`nearest: query has ${queryDim} dimensions but column ${field.name} has ${dim}`, { context: { option: 'query', column: field.name, dim, queryDim } });
  }
  return dim;
}

/**
 * A returned value as plain data. Typed arrays are copies, never views on the batch: a caller
 * changing a hit's vector must not change the rows a {@link VectorCache} serves later.
 */
function plain(v: unknown): unknown {
  if (v instanceof arrow.Vector) return copyView(v.toArray());
  if (ArrayBuffer.isView(v)) return copyView(v);
  if (v !== null && typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') return (v as { toJSON(): unknown }).toJSON();
  return v;
}

function copyView(v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? (v as unknown as { slice(): unknown }).slice() : v;
}
