/**
 * Distance kernels for exact nearest-neighbour search: one fused loop per metric over a vector
 * column's decoded `Float32Array` (`rows × dim`, row-major), writing every row's distance into a
 * `Float64Array`. No per-row objects or Arrow `Vector.get` calls: the loop reads the buffer
 * parquet decoding produced.
 *
 * Distances (smaller is nearer): `l2` the Euclidean distance, `cosine` 1 − cosine similarity (a
 * zero vector has similarity 0), `dot` the negated dot product. Sums are taken in float64 in
 * dimension order; a row norm precomputed for cosine is the same `Math.sqrt` of the same sum, so
 * it gives bit-identical values.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** How nearness is measured. */
export type DistanceMetric = 'cosine' | 'l2' | 'dot';

/** A distance function over row `r` of a `rows × dim` array. */
export type Distance = (values: Float32Array, r: number) => number;

/**
 * Distances of rows `[0, rows)` of a `rows × dim` array, written to `out[0 .. rows)`. `norms`,
 * when given (cosine only), holds each row's Euclidean norm (see {@link rowNorms}), so the
 * kernel only takes the dot product.
 */
export type BatchDistance = (values: Float32Array, rows: number, out: Float64Array, norms?: Float64Array) => void;

function unknownMetric(metric: unknown): never {
  throw new InvalidArgumentError(`unknown metric ${JSON.stringify(metric)}; use 'cosine', 'l2' or 'dot'`);
}

function queryNorm(q: Float64Array): number {
  let qq = 0;
  for (let j = 0; j < q.length; j++) qq += q[j]! * q[j]!;
  return Math.sqrt(qq);
}

/**
 * The distance function for a metric and query (one row at a time): the batch kernel applied
 * to one row, so both give the same values.
 * @throws InvalidArgumentError for an unknown metric
 */
export function distanceFunction(metric: DistanceMetric, query: ArrayLike<number>): Distance {
  const dim = query.length;
  const kernel = batchDistance(metric, query);
  const out = new Float64Array(1);
  return (v, r) => {
    kernel(v.subarray(r * dim, (r + 1) * dim), 1, out);
    return out[0]!;
  };
}

/**
 * The batch kernel for a metric and query (see {@link BatchDistance}); same values as
 * {@link distanceFunction}.
 * @throws InvalidArgumentError for an unknown metric
 */
export function batchDistance(metric: DistanceMetric, query: ArrayLike<number>): BatchDistance {
  const dim = query.length;
  const q = Float64Array.from(query);
  const qn = queryNorm(q);
  switch (metric) {
    case 'l2':
      return (v, rows, out) => {
        for (let r = 0, o = 0; r < rows; r++, o += dim) {
          let s = 0;
          for (let j = 0; j < dim; j++) {
            const x = v[o + j]! - q[j]!;
            s += x * x;
          }
          out[r] = Math.sqrt(s);
        }
      };
    case 'dot':
      return (v, rows, out) => {
        for (let r = 0, o = 0; r < rows; r++, o += dim) {
          let s = 0;
          for (let j = 0; j < dim; j++) s += v[o + j]! * q[j]!;
          out[r] = -s;
        }
      };
    case 'cosine':
      return (v, rows, out, norms) => {
        for (let r = 0, o = 0; r < rows; r++, o += dim) {
          let s = 0;
          let vn: number;
          if (norms) {
            for (let j = 0; j < dim; j++) s += v[o + j]! * q[j]!;
            vn = norms[r]!;
          } else {
            let vv = 0;
            for (let j = 0; j < dim; j++) {
              const x = v[o + j]!;
              s += x * q[j]!;
              vv += x * x;
            }
            vn = Math.sqrt(vv);
          }
          const denom = vn * qn;
          out[r] = denom === 0 ? 1 : 1 - s / denom;
        }
      };
    default:
      return unknownMetric(metric);
  }
}

/** Each row's Euclidean norm (the float64 sum of squares in dimension order, square-rooted). */
export function rowNorms(values: Float32Array, rows: number, dim: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0, o = 0; r < rows; r++, o += dim) {
    let vv = 0;
    for (let j = 0; j < dim; j++) {
      const x = values[o + j]!;
      vv += x * x;
    }
    out[r] = Math.sqrt(vv);
  }
  return out;
}
