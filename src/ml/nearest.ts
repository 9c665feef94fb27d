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
import { InvalidArgumentError } from '../errors.js';
import type { Expression } from '../expr/index.js';
import type { SnapshotSelector } from '../scan/index.js';
import type { Table } from '../table.js';
import { vectorColumn } from './tensors.js';
import { TopK } from './top-k.js';

/** How nearness is measured. */
export type DistanceMetric = 'cosine' | 'l2' | 'dot';

/** Options of {@link nearest}. */
export interface NearestOptions extends SnapshotSelector {
  /** The vector column (`FixedSizeList<Float32>[d]`). */
  readonly column: string;
  /** The query vector (length d). */
  readonly query: ArrayLike<number>;
  /** How many neighbours. */
  readonly k: number;
  /** Default `l2`. */
  readonly metric?: DistanceMetric;
  /** Only rows matching this filter. */
  readonly filter?: Expression | string;
  /** Columns returned with each hit (default all). */
  readonly columns?: readonly string[];
}

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
 * @throws InvalidArgumentError for a bad k, metric, column, or a query of the wrong dimension
 * @throws UnsupportedError when the column is not a vector column
 * @throws SnapshotNotFoundError / RefNotFoundError when the version does not exist
 */
export async function nearest(table: Table, options: NearestOptions): Promise<NearestHit[]> {
  const { k, column, query } = options;
  if (!Number.isSafeInteger(k) || k < 0) throw new InvalidArgumentError(`k must be a non-negative integer, got ${k}`);
  if (query.length === 0) throw new InvalidArgumentError('query vector is empty');
  const distance = distanceFunction(options.metric ?? 'l2', query);
  const scan = table.scan({
    ...(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {}),
    ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    // Read only the returned columns and the vector column (all columns when none are named).
    ...(options.columns ? { columns: [...new Set([...options.columns, column])] } : {}),
  });
  const returned = options.columns ?? scan.schema.fields.map((f) => f.name);
  const top = new TopK<Record<string, unknown>>(k);
  if (k === 0) return [];
  let ordinal = 0;
  for await (const batch of scan.batches()) {
    const vectors = vectorColumn(batch, column);
    if (vectors.dim !== query.length) {
      throw new InvalidArgumentError(`query has ${query.length} dimensions but column ${column} has ${vectors.dim}`, { context: { column, dim: vectors.dim, queryDim: query.length } });
    }
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

function plain(v: unknown): unknown {
  if (v instanceof arrow.Vector) return v.toArray();
  if (v !== null && typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') return (v as { toJSON(): unknown }).toJSON();
  return v;
}
