/**
 * Columns that are not read from a file: all nulls, or one constant repeated (identity partition
 * values and `initial-default`s, spec §Column Projection).
 *
 * Every buffer is allocated at full size, nulls included: arrow-rs validates IPC input (a
 * zero-length values buffer for a FixedSizeBinary(16) column of one null is rejected with "Need
 * at least 16 bytes in buffers[0]"), so a column built here survives `writeParquet`.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { UnsupportedError } from '../errors.js';
import type { Literal, PrimitiveType } from '../spec/index.js';
import { dataFromLiterals } from './literals.js';

type ArrayCtor = new (n: number) => ArrayLike<unknown>;

/**
 * A column of `length` nulls of any Arrow type (nested types included).
 * @param type the Arrow type
 * @param length the number of rows
 * @throws {UnsupportedError} for dictionary, union and view types
 */
export function nullData(type: arrow.DataType, length: number): arrow.Data {
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  const nulls = { length, nullCount: length, nullBitmap };
  const t = type;
  switch (t.typeId) {
    case arrow.Type.Null:
      return arrow.makeData({ type: t as arrow.Null, length });
    case arrow.Type.Bool:
      return arrow.makeData({ type: t as arrow.Bool, ...nulls, data: new Uint8Array((length + 7) >> 3) });
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Decimal:
    case arrow.Type.Interval:
    case arrow.Type.Duration:
    case arrow.Type.FixedSizeBinary: {
      const Ctor = (t as arrow.Int).ArrayType as unknown as ArrayCtor;
      const stride = arrow.makeData({ type: t as arrow.Int, length: 0 }).stride;
      return arrow.makeData({ type: t as arrow.Int, ...nulls, data: new Ctor(length * stride) as never });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return arrow.makeData({ type: t as arrow.Utf8, ...nulls, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) });
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary:
      return arrow.makeData({
        type: t as arrow.LargeUtf8,
        ...nulls,
        valueOffsets: new BigInt64Array(length + 1),
        data: new Uint8Array(0),
      });
    case arrow.Type.List:
    case arrow.Type.Map:
      return arrow.makeData({
        type: t as arrow.List,
        ...nulls,
        valueOffsets: new Int32Array(length + 1),
        child: nullData(t.children[0]!.type, 0),
      });
    case arrow.Type.FixedSizeList: {
      const size = (t as arrow.FixedSizeList).listSize;
      return arrow.makeData({ type: t as arrow.FixedSizeList, ...nulls, child: nullData(t.children[0]!.type, length * size) });
    }
    case arrow.Type.Struct:
      return arrow.makeData({
        type: t as arrow.Struct,
        ...nulls,
        children: t.children.map((f: arrow.Field) => nullData(f.type, length)),
      });
    default:
      throw new UnsupportedError(`cannot build a null column of arrow type ${String(t)}`, { context: { arrowType: String(t) } });
  }
}

/**
 * A column repeating one value (or nulls, for a null value).
 * @param type the Arrow type of the column (a primitive one)
 * @param icebergType the value's Iceberg type
 * @param value the value
 * @param length the number of rows
 * @throws {InvalidArgumentError} when the value does not fit the type
 */
export function constantData(type: arrow.DataType, icebergType: PrimitiveType, value: Literal | null, length: number): arrow.Data {
  if (value === null) return nullData(type, length);
  return dataFromLiterals(icebergType, new Array<Literal>(length).fill(value), type);
}
