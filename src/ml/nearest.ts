/**
 * Exact k-nearest-neighbour search over a vector column of one table snapshot: the snapshot is
 * streamed batch by batch (filter applied by the scan) and a bounded top-k heap keeps the k
 * nearest rows, so memory is O(k + one batch) and the result equals a brute-force sort.
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
import type { Expression } from '../expr/index.js';
import type { SnapshotSelector } from '../scan/index.js';
import { type Schema, typeToString } from '../spec/index.js';
import type { Table } from '../table.js';
import { FilterSchema, NameSchema, PositiveSchema, SnapshotSelectorShape, parseOptions } from './options.js';
import { vectorColumn } from './tensors.js';
import { TopK } from './top-k.js';

/** How nearness is measured. */
export type DistanceMetric = 'cosine' | 'l2' | 'dot';

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
  ...SnapshotSelectorShape,
});

/** One neighbour. */
export interface NearestHit {
  /** Its distance to the query (see the module notes). */
  readonly distance: number;
  /** The returned columns' values (vectors as `Float32Array`). */
  readonly row: Readonly<Record<string, unknown>>;
}

/** A distance function over row `r` of a `rows × dim` array. */
type Distance = (values: Float32Array, r: number) => number;

/**
 * The distance function for a metric and query.
 * @throws InvalidArgumentError for an unknown metric
 */
export function distanceFunction(metric: DistanceMetric, query: ArrayLike<number>): Distance {
  const dim = query.length;
  const q = Float64Array.from(query);
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += q[j]! * q[j]!;
  switch (metric) {
    case 'l2':
      return (v, r) => {
        let s = 0;
        const o = r * dim;
        for (let j = 0; j < dim; j++) {
          const x = v[o + j]! - q[j]!;
          s += x * x;
        }
        return Math.sqrt(s);
      };
    case 'dot':
      return (v, r) => {
        let s = 0;
        const o = r * dim;
        for (let j = 0; j < dim; j++) s += v[o + j]! * q[j]!;
        return -s;
      };
    case 'cosine':
      return (v, r) => {
        let s = 0;
        let vv = 0;
        const o = r * dim;
        for (let j = 0; j < dim; j++) {
          const x = v[o + j]!;
          s += x * q[j]!;
          vv += x * x;
        }
        const denom = Math.sqrt(vv) * Math.sqrt(qq);
        return denom === 0 ? 1 : 1 - s / denom;
      };
    default:
      throw new InvalidArgumentError(`unknown metric ${JSON.stringify(metric)}; use 'cosine', 'l2' or 'dot'`);
  }
}

/**
 * The k rows of a snapshot nearest to `query` in `column`, nearest first (exact).
 * @throws InvalidArgumentError naming the option for a bad k, metric, query or unknown option,
 * a column the snapshot does not have, or a query whose dimension is not the column's (checked
 * before scanning, so also when no row would be read)
 * @throws UnsupportedError when the column is not a vector column
 * @throws SnapshotNotFoundError / RefNotFoundError when the version does not exist
 */
export async function nearest(table: Table, input: NearestOptions): Promise<NearestHit[]> {
  const options = parseOptions(NearestOptionsSchema, input, 'nearest');
  const { k, column, query } = options;
  const distance = distanceFunction(options.metric ?? 'l2', query);
  const scan = table.scan({
    ...(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {}),
    ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    // Read only the returned columns and the vector column (all columns when none are named).
    ...(options.columns ? { columns: [...new Set([...options.columns, column])] } : {}),
  });
  checkQueryDimension(table, scan.schema, column, query.length);
  const returned = options.columns ?? scan.schema.fields.map((f) => f.name);
  const top = new TopK<Record<string, unknown>>(k);
  let ordinal = 0;
  for await (const batch of scan.batches()) {
    const vectors = vectorColumn(batch, column);
    const data = batch.getChild(column)!;
    const getters = returned.map((name) => {
      const child = batch.getChild(name);
      if (!child) throw new InvalidArgumentError(`table ${table.name} has no column ${JSON.stringify(name)}`, { context: { column: name } });
      return [name, child] as const;
    });
    for (let r = 0; r < batch.numRows; r++, ordinal++) {
      if (!data.isValid(r)) continue;
      const d = distance(vectors.values, r);
      if (!top.accepts(d, ordinal)) continue;
      const row: Record<string, unknown> = {};
      for (const [name, child] of getters) row[name] = plain(child.get(r));
      top.offer({ distance: d, ordinal, value: row });
    }
  }
  return top.sorted().map((e) => ({ distance: e.distance, row: e.value }));
}

/**
 * Checks the query against the vector column's recorded dimension (the table property
 * `floe.column.<field-id>.vector-dimension`, by field id so it holds in every snapshot's schema).
 * @throws InvalidArgumentError when the schema read has no such column, or the query has another dimension
 * @throws UnsupportedError when the column records no dimension (it is not a vector column)
 */
function checkQueryDimension(table: Table, schema: Schema, column: string, queryDim: number): void {
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
}

function plain(v: unknown): unknown {
  if (v instanceof arrow.Vector) return v.toArray();
  if (v !== null && typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') return (v as { toJSON(): unknown }).toJSON();
  return v;
}
