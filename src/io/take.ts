/**
 * Row selection on Arrow data: gather rows by index ({@link takeRows}) or by a byte mask
 * ({@link filterRows}), for partitioned writes, delete application and residual filters.
 * apache-arrow JS has no compute kernels, so the gather is written here over `arrow.makeData`.
 *
 * Every Arrow type Floe produces or reads is supported: fixed-width values (numbers, dates,
 * times, timestamps, decimals, fixed binary, intervals, durations) are a typed-array gather per
 * column; booleans and validity are bit gathers; strings and binaries (32- and 64-bit offsets)
 * copy their byte ranges; lists and maps gather their child rows recursively; fixed-size lists
 * and structs gather their children with the same (scaled) indices; dictionaries keep their
 * dictionary. Sliced inputs (`offset != 0`) are handled through arrow-js's layout (see
 * `literals.ts`). Union and view types are rejected.
 *
 * Input from several record batches is gathered in one pass: each output row names its source
 * batch, and children of the batches are gathered together. Dictionaries that differ between
 * batches are decoded to their value type (one output batch can hold only one dictionary).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';

type Indices = Int32Array | Uint32Array;

/** Where each output row comes from: `chunk[j]` (absent: chunk 0) and `row[j]` within it. */
interface Sources {
  readonly chunk: Int32Array | undefined;
  readonly row: Indices;
}

function validAt(d: arrow.Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (bm === undefined || bm.length === 0) return true;
  const pos = d.offset + i;
  return ((bm[pos >> 3]! >> (pos & 7)) & 1) === 1;
}

function gatherValidity(chunks: readonly arrow.Data[], src: Sources): { bitmap: Uint8Array | undefined; nullCount: number } {
  const n = src.row.length;
  if (chunks.every((c) => c.nullCount === 0)) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let j = 0; j < n; j++) {
    const c = chunks[src.chunk ? src.chunk[j]! : 0]!;
    if (validAt(c, src.row[j]!)) bitmap[j >> 3]! |= 1 << (j & 7);
    else nullCount++;
  }
  return nullCount === 0 ? { bitmap: undefined, nullCount: 0 } : { bitmap, nullCount };
}

type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;
type TypedArrayCtor = new (n: number) => TypedArray;

function gatherFixed(chunks: readonly arrow.Data[], src: Sources, stride: number): TypedArray {
  const first = chunks[0]!.values as TypedArray;
  const n = src.row.length;
  const out = new (first.constructor as TypedArrayCtor)(n * stride);
  if (src.chunk === undefined && stride === 1) {
    // Fast path: one chunk, one element per value.
    const v = first as unknown as ArrayLike<number>;
    const o = out as unknown as { [i: number]: number };
    const rows = src.row;
    for (let j = 0; j < n; j++) o[j] = v[rows[j]!]!;
    return out;
  }
  for (let j = 0; j < n; j++) {
    const values = chunks[src.chunk ? src.chunk[j]! : 0]!.values as TypedArray;
    const i = src.row[j]! * stride;
    if (stride === 1) (out as unknown as { [i: number]: unknown })[j] = (values as unknown as ArrayLike<unknown>)[i];
    else (out as Uint8Array).set((values as Uint8Array).subarray(i, i + stride), j * stride);
  }
  return out;
}

function gatherBits(chunks: readonly arrow.Data[], src: Sources): Uint8Array {
  const n = src.row.length;
  const out = new Uint8Array((n + 7) >> 3);
  for (let j = 0; j < n; j++) {
    const c = chunks[src.chunk ? src.chunk[j]! : 0]!;
    const pos = c.offset + src.row[j]!;
    if (((c.values as Uint8Array)[pos >> 3]! >> (pos & 7)) & 1) out[j >> 3]! |= 1 << (j & 7);
  }
  return out;
}

interface Ranges {
  readonly starts: Float64Array;
  readonly lens: Float64Array;
  readonly total: number;
}

/** The value ranges of the selected rows (lists, maps, strings); null slots get empty ranges. */
function rangesOf(chunks: readonly arrow.Data[], src: Sources): Ranges {
  const n = src.row.length;
  const starts = new Float64Array(n);
  const lens = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const c = chunks[src.chunk ? src.chunk[j]! : 0]!;
    const i = src.row[j]!;
    // Null slots may carry junk ranges in other writers' data: emit them empty.
    if (!validAt(c, i)) continue;
    const off = c.valueOffsets as ArrayLike<number | bigint>;
    const s = Number(off[i]);
    const e = Number(off[i + 1]);
    starts[j] = s;
    lens[j] = e - s;
    total += e - s;
  }
  return { starts, lens, total };
}

function offsetsOf(r: Ranges, large: boolean): Int32Array | BigInt64Array {
  if (!large && r.total > 0x7fffffff) throw new UnsupportedError(`gathered ${r.total} child values: more than 32-bit offsets can address`);
  const n = r.lens.length;
  const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let pos = 0;
  for (let j = 0; j < n; j++) {
    pos += r.lens[j]!;
    if (large) (offsets as BigInt64Array)[j + 1] = BigInt(pos);
    else (offsets as Int32Array)[j + 1] = pos;
  }
  return offsets;
}

/** The child rows covered by the selected ranges, in order (for lists and maps). */
function childSources(r: Ranges, src: Sources): Sources {
  const childRow = new Int32Array(r.total);
  const childChunk = src.chunk ? new Int32Array(r.total) : undefined;
  let pos = 0;
  for (let j = 0; j < r.lens.length; j++) {
    const s = r.starts[j]!;
    const len = r.lens[j]!;
    const cid = src.chunk ? src.chunk[j]! : 0;
    for (let k = 0; k < len; k++) {
      childRow[pos] = s + k;
      if (childChunk) childChunk[pos] = cid;
      pos++;
    }
  }
  return { chunk: childChunk, row: childRow };
}

function gatherBytes(chunks: readonly arrow.Data[], src: Sources, large: boolean): { offsets: Int32Array | BigInt64Array; data: Uint8Array } {
  const r = rangesOf(chunks, src);
  const offsets = offsetsOf(r, large);
  const data = new Uint8Array(r.total);
  let pos = 0;
  for (let j = 0; j < r.lens.length; j++) {
    const len = r.lens[j]!;
    if (len > 0) {
      const c = chunks[src.chunk ? src.chunk[j]! : 0]!;
      const s = r.starts[j]!;
      data.set((c.values as Uint8Array).subarray(s, s + len), pos);
      pos += len;
    }
  }
  return { offsets, data };
}

function childrenOf(chunks: readonly arrow.Data[], k: number): arrow.Data[] {
  return chunks.map((c) => c.children[k]!);
}

function gather(type: arrow.DataType, chunks: readonly arrow.Data[], src: Sources): arrow.Data {
  const length = src.row.length;
  const { bitmap, nullCount } = gatherValidity(chunks, src);
  const nulls = bitmap ? { nullBitmap: bitmap, nullCount } : { nullCount: 0 };
  const t = type;
  if (arrow.DataType.isDictionary(t)) {
    const dict = chunks[0]!.dictionary;
    if (chunks.every((c) => c.dictionary === dict)) {
      return arrow.makeData({ type: t, length, ...nulls, data: gatherFixed(chunks, src, 1) as never, dictionary: dict! });
    }
    // Different dictionaries per batch: decode, by gathering the dictionaries' values.
    return decodeGathered(t, chunks, src);
  }
  switch (t.typeId) {
    case arrow.Type.Null:
      return arrow.makeData({ type: t as arrow.Null, length });
    case arrow.Type.Bool:
      return arrow.makeData({ type: t as arrow.Bool, length, ...nulls, data: gatherBits(chunks, src) });
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Decimal:
    case arrow.Type.Interval:
    case arrow.Type.Duration:
    case arrow.Type.FixedSizeBinary:
      return arrow.makeData({ type: t as arrow.Int, length, ...nulls, data: gatherFixed(chunks, src, chunks[0]!.stride) as never });
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary: {
      const large = t.typeId === arrow.Type.LargeUtf8 || t.typeId === arrow.Type.LargeBinary;
      const { offsets, data } = gatherBytes(chunks, src, large);
      return arrow.makeData({ type: t as arrow.Utf8, length, ...nulls, valueOffsets: offsets as Int32Array, data });
    }
    case arrow.Type.List:
    case arrow.Type.LargeList:
    case arrow.Type.Map: {
      const r = rangesOf(chunks, src);
      const offsets = offsetsOf(r, t.typeId === arrow.Type.LargeList);
      const childData = gather(t.children[0]!.type, childrenOf(chunks, 0), childSources(r, src));
      return arrow.makeData({ type: t as arrow.List, length, ...nulls, valueOffsets: offsets as Int32Array, child: childData });
    }
    case arrow.Type.FixedSizeList: {
      const size = (t as arrow.FixedSizeList).listSize;
      const row = new Int32Array(length * size);
      const chunk = src.chunk ? new Int32Array(length * size) : undefined;
      for (let j = 0; j < length; j++) {
        const base = src.row[j]! * size;
        for (let k = 0; k < size; k++) {
          row[j * size + k] = base + k;
          if (chunk) chunk[j * size + k] = src.chunk![j]!;
        }
      }
      const childData = gather(t.children[0]!.type, childrenOf(chunks, 0), { chunk, row });
      return arrow.makeData({ type: t as arrow.FixedSizeList, length, ...nulls, child: childData });
    }
    case arrow.Type.Struct: {
      const children = t.children.map((f: arrow.Field, k: number) => gather(f.type, childrenOf(chunks, k), src));
      return arrow.makeData({ type: t as arrow.Struct, length, ...nulls, children });
    }
    default:
      throw new UnsupportedError(`cannot select rows of arrow type ${String(t)}`, { context: { arrowType: String(t) } });
  }
}

/** Where global row `i` of a multi-chunk vector lives. */
function locate(chunks: readonly arrow.Data[]): (i: number) => [number, number] {
  const starts: number[] = [0];
  for (const c of chunks) starts.push(starts[starts.length - 1]! + c.length);
  return (i) => {
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return [lo, i - starts[lo]!];
  };
}

/** Gather dictionary-encoded rows as plain values of the dictionary's value type. */
function decodeGathered(t: arrow.Dictionary, chunks: readonly arrow.Data[], src: Sources): arrow.Data {
  const length = src.row.length;
  // All dictionaries' chunks side by side; each source chunk knows where its dictionary starts.
  const dictChunks: arrow.Data[] = [];
  const firstDictChunk: number[] = [];
  for (const c of chunks) {
    firstDictChunk.push(dictChunks.length);
    dictChunks.push(...(c.dictionary?.data ?? []));
  }
  const dchunk = new Int32Array(length);
  const drow = new Int32Array(length);
  const locators = chunks.map((c) => locate(c.dictionary?.data ?? []));
  for (let j = 0; j < length; j++) {
    const k = src.chunk ? src.chunk[j]! : 0;
    const c = chunks[k]!;
    const i = src.row[j]!;
    if (!validAt(c, i) || dictChunks.length === 0) continue;
    const [dc, dr] = locators[k]!(Number((c.values as ArrayLike<number | bigint>)[i]));
    dchunk[j] = firstDictChunk[k]! + dc;
    drow[j] = dr;
  }
  if (dictChunks.length === 0) return nullOf(t.dictionary, length);
  const decoded = gather(t.dictionary, dictChunks, { chunk: dictChunks.length > 1 ? dchunk : undefined, row: drow });
  // A row is null when its index is null or its dictionary value is.
  const combined = new Uint8Array((length + 7) >> 3);
  let nulls = 0;
  for (let j = 0; j < length; j++) {
    const c = chunks[src.chunk ? src.chunk[j]! : 0]!;
    if (validAt(c, src.row[j]!) && validAt(decoded, j)) combined[j >> 3]! |= 1 << (j & 7);
    else nulls++;
  }
  return decoded.clone(decoded.type, 0, length, nulls, [decoded.valueOffsets, decoded.values, nulls === 0 ? undefined : combined, undefined] as never);
}

function nullOf(type: arrow.DataType, length: number): arrow.Data {
  return arrow.makeVector(arrow.vectorFromArray(new Array<null>(length).fill(null), type)).data[0]!;
}

/**
 * A dictionary-encoded column decoded to plain values of its value type (other columns are
 * returned unchanged).
 * @param data a column chunk
 */
export function decodeDictionary(data: arrow.Data): arrow.Data {
  if (!arrow.DataType.isDictionary(data.type)) return data;
  const row = new Int32Array(data.length);
  for (let i = 0; i < row.length; i++) row[i] = i;
  return decodeGathered(data.type, [data], { chunk: undefined, row });
}

function batchesOf(input: arrow.RecordBatch | arrow.Table): { schema: arrow.Schema; batches: readonly arrow.RecordBatch[] } {
  if (input instanceof arrow.Table) return { schema: input.schema, batches: input.batches };
  return { schema: input.schema, batches: [input] };
}

/**
 * Gather rows by index into one record batch, in the order given (indices may repeat).
 * @param input a record batch, or a table (indices then count across its batches)
 * @param indices row indices
 * @throws {InvalidArgumentError} for an index out of range
 * @throws {UnsupportedError} for union or view columns
 */
export function takeRows(input: arrow.RecordBatch | arrow.Table, indices: Int32Array | Uint32Array): arrow.RecordBatch {
  const { schema, batches } = batchesOf(input);
  const total = batches.reduce((n, b) => n + b.numRows, 0);
  let src: Sources;
  const nonEmpty = batches.filter((b) => b.numRows > 0);
  const used = nonEmpty.length > 0 ? nonEmpty : batches.slice(0, 1);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (i < 0 || i >= total) throw new InvalidArgumentError(`row index ${i} is out of range for ${total} rows`, { context: { index: i, rows: total } });
  }
  if (used.length <= 1) {
    src = { chunk: undefined, row: indices };
  } else {
    const starts = new Float64Array(used.length + 1);
    used.forEach((b, k) => (starts[k + 1] = starts[k]! + b.numRows));
    const chunk = new Int32Array(indices.length);
    const row = new Int32Array(indices.length);
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      // binary search for the batch holding global row i
      let lo = 0;
      let hi = used.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= i) lo = mid;
        else hi = mid - 1;
      }
      chunk[j] = lo;
      row[j] = i - starts[lo]!;
    }
    src = { chunk, row };
  }
  if (used.length === 0) {
    // A table with no batches at all: only an empty selection is possible.
    const empty = arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children: schema.fields.map((f) => gatherEmpty(f.type)) });
    return new arrow.RecordBatch(schema, empty);
  }
  const structType = new arrow.Struct(schema.fields);
  const data = gather(structType, used.map((b) => b.data), src);
  // A dictionary column decoded across batches changes type: the schema follows.
  const outSchema = data.children.every((c, k) => c.type === schema.fields[k]!.type)
    ? schema
    : new arrow.Schema(
        schema.fields.map((f, k) => (data.children[k]!.type === f.type ? f : new arrow.Field(f.name, data.children[k]!.type, f.nullable, f.metadata))),
        schema.metadata,
      );
  // The top-level struct of a record batch has no validity of its own.
  const top = arrow.makeData({ type: new arrow.Struct(outSchema.fields), length: indices.length, nullCount: 0, children: data.children });
  return new arrow.RecordBatch(outSchema, top);
}

function gatherEmpty(type: arrow.DataType): arrow.Data {
  return arrow.makeVector(arrow.vectorFromArray([], type)).data[0]!;
}

/**
 * Keep the rows whose mask byte is non-zero, in order.
 * @param batch a record batch
 * @param mask one byte per row (as `expr`'s `rowMask` returns)
 * @throws {InvalidArgumentError} when the mask length differs from the row count
 */
export function filterRows(batch: arrow.RecordBatch, mask: Uint8Array): arrow.RecordBatch {
  if (mask.length !== batch.numRows) {
    throw new InvalidArgumentError(`filter mask has ${mask.length} entries for ${batch.numRows} rows`, {
      context: { maskLength: mask.length, rows: batch.numRows },
    });
  }
  let kept = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) kept++;
  if (kept === batch.numRows) return batch;
  const indices = new Int32Array(kept);
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) indices[k++] = i;
  return takeRows(batch, indices);
}
