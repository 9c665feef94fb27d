/**
 * Handing batch columns to training code as contiguous typed arrays: a vector column
 * (`FixedSizeList<Float32>[d]`) as one `Float32Array` of `rows × d`, a numeric column as its
 * typed array. Where Arrow already holds the values contiguously (no nulls, the usual case) the
 * result is a view on Arrow's buffer, not a copy.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';

/** A column's values as one contiguous typed array. */
export interface ColumnArray<A> {
  /** The values, row-major (`rows × dim` for vectors). */
  readonly values: A;
  /** Rows. */
  readonly rows: number;
  /** Values per row (1 for scalar columns). */
  readonly dim: number;
  /** Whether `values` is a copy (nulls had to be zeroed, or the type converted) rather than a view on Arrow's buffer. */
  readonly copied: boolean;
}

/** Typed arrays numeric columns come back as. */
export type NumericArray = Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array;

function column(batch: arrow.RecordBatch, name: string): arrow.Data {
  const i = batch.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new InvalidArgumentError(`batch has no column ${JSON.stringify(name)}`, { help: `columns are: ${batch.schema.fields.map((f) => f.name).join(', ')}` });
  return batch.data.children[i]!;
}

function isNullAt(d: arrow.Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (d.nullCount === 0 || bm === undefined || bm.length === 0) return false;
  const pos = d.offset + i;
  return ((bm[pos >> 3]! >> (pos & 7)) & 1) === 0;
}

/**
 * A vector column as a `Float32Array` of `rows × dim` (a view when possible; null vectors come
 * back as zeros in a copy). A `Float64` vector column is converted (copied).
 * @throws InvalidArgumentError when the column is missing
 * @throws UnsupportedError when it is not a fixed-size list of floats
 */
export function vectorColumn(batch: arrow.RecordBatch, name: string): ColumnArray<Float32Array> {
  const d = column(batch, name);
  if (!arrow.DataType.isFixedSizeList(d.type)) {
    throw new UnsupportedError(`column ${name} is ${String(d.type)}, not a fixed-size list (a vector column needs its dimension in the table property floe.column.<field-id>.vector-dimension)`, { context: { column: name } });
  }
  const dim = (d.type as arrow.FixedSizeList).listSize;
  const child = d.children[0]!;
  if (!arrow.DataType.isFloat(child.type)) throw new UnsupportedError(`column ${name} is ${String(d.type)}, not a list of floats`, { context: { column: name } });
  const rows = d.length;
  // arrow-js reads row r of a fixed-size list at child element r × dim, and subarrays a
  // fixed-width child's `values` when it slices, so row 0 is always at `values[0]`.
  const raw = child.values as Float32Array | Float64Array;
  const window = raw.subarray(0, rows * dim);
  const hasNulls = d.nullCount > 0;
  if (raw instanceof Float32Array && !hasNulls && window.length === rows * dim) return { values: window as Float32Array, rows, dim, copied: false };
  const out = new Float32Array(rows * dim);
  out.set(window);
  if (hasNulls) for (let r = 0; r < rows; r++) if (isNullAt(d, r)) out.fill(0, r * dim, (r + 1) * dim);
  return { values: out, rows, dim, copied: true };
}

/**
 * A numeric column (ints, floats) as its typed array (a view when there are no nulls; else a copy
 * with nulls as 0).
 * @throws InvalidArgumentError when the column is missing
 * @throws UnsupportedError when it is not numeric
 */
export function numericColumn(batch: arrow.RecordBatch, name: string): ColumnArray<NumericArray> {
  const d = column(batch, name);
  if (!arrow.DataType.isInt(d.type) && !arrow.DataType.isFloat(d.type)) throw new UnsupportedError(`column ${name} is ${String(d.type)}, not numeric`, { context: { column: name } });
  const values = (d.values as NumericArray).subarray(0, d.length) as NumericArray;
  if (d.nullCount === 0) return { values, rows: d.length, dim: 1, copied: false };
  const out = values.slice() as NumericArray;
  for (let r = 0; r < d.length; r++) if (isNullAt(d, r)) (out as unknown as { [i: number]: number | bigint })[r] = out instanceof BigInt64Array || out instanceof BigUint64Array ? 0n : 0;
  return { values: out, rows: d.length, dim: 1, copied: true };
}
