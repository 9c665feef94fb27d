// Builds Arrow record batches from Literal-convention values for the rowMask tests, writing
// the buffers directly (vectorFromArray cannot build int64 timestamps or decimals from bigints).
import * as arrow from 'apache-arrow';
import { uuidToBytes, type Literal } from '../../src/spec/values.js';

const ENCODER = new TextEncoder();

function bitmap(values: readonly (Literal | null)[]): { nullBitmap: Uint8Array; nullCount: number } {
  const bits = new Uint8Array(Math.ceil(values.length / 8) + 1);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  });
  return { nullBitmap: bits, nullCount };
}

/**
 * Arrow Data for a column of Literal values.
 * @param type the Arrow type
 * @param values the values (null for null)
 */
export function columnData(type: arrow.DataType, values: readonly (Literal | null)[]): arrow.Data {
  const length = values.length;
  const { nullBitmap, nullCount } = bitmap(values);
  const base = { type, length, nullCount, nullBitmap };
  switch (type.typeId) {
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      if (t.bitWidth === 64) return arrow.makeData({ ...base, type: t, data: BigInt64Array.from(values, (v) => (v === null ? 0n : BigInt(v as bigint))) } as never);
      return arrow.makeData({ ...base, type: t, data: Int32Array.from(values, (v) => (v === null ? 0 : Number(v))) } as never);
    }
    case arrow.Type.Float: {
      const t = type as arrow.Float;
      const data = t.precision === arrow.Precision.SINGLE
        ? Float32Array.from(values, (v) => (v === null ? 0 : (v as number)))
        : Float64Array.from(values, (v) => (v === null ? 0 : (v as number)));
      return arrow.makeData({ ...base, type: t, data } as never);
    }
    case arrow.Type.Bool: {
      const bits = new Uint8Array(Math.ceil(length / 8) + 1);
      values.forEach((v, i) => {
        if (v === true) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
      });
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: bits });
    }
    case arrow.Type.Date: {
      const t = type as arrow.Date_;
      if (t.unit === arrow.DateUnit.DAY) return arrow.makeData({ ...base, type: t, data: Int32Array.from(values, (v) => (v === null ? 0 : Number(v))) } as never);
      return arrow.makeData({ ...base, type: t, data: BigInt64Array.from(values, (v) => (v === null ? 0n : BigInt(v as number) * 86_400_000n)) } as never);
    }
    case arrow.Type.Timestamp:
    case arrow.Type.Time: {
      const t = type as arrow.Timestamp | arrow.Time;
      // values are µs; store in the type's unit (exact for the test data)
      const div = t.unit === arrow.TimeUnit.SECOND ? 1_000_000n : t.unit === arrow.TimeUnit.MILLISECOND ? 1_000n : 1n;
      const mul = t.unit === arrow.TimeUnit.NANOSECOND ? 1_000n : 1n;
      const conv = (v: Literal | null): bigint => (v === null ? 0n : ((v as bigint) * mul) / div);
      if (type.typeId === arrow.Type.Time && (t as arrow.Time).bitWidth === 32) {
        return arrow.makeData({ ...base, type: t, data: Int32Array.from(values, (v) => Number(conv(v))) } as never);
      }
      return arrow.makeData({ ...base, type: t, data: BigInt64Array.from(values, conv) } as never);
    }
    case arrow.Type.Decimal: {
      const words = new Uint32Array(length * 4);
      values.forEach((v, i) => {
        let x = BigInt.asUintN(128, v === null ? 0n : (v as bigint));
        for (let k = 0; k < 4; k++) {
          words[i * 4 + k] = Number(x & 0xffffffffn);
          x >>= 32n;
        }
      });
      return arrow.makeData({ ...base, type: type as arrow.Decimal, data: words });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeUtf8: {
      const parts = values.map((v) => (v === null ? new Uint8Array(0) : v instanceof Uint8Array ? v : ENCODER.encode(String(v))));
      const total = parts.reduce((s, p) => s + p.length, 0);
      const data = new Uint8Array(total);
      const offsets = type.typeId === arrow.Type.LargeUtf8 ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
      let at = 0;
      parts.forEach((p, i) => {
        data.set(p, at);
        at += p.length;
        if (offsets instanceof BigInt64Array) offsets[i + 1] = BigInt(at);
        else offsets[i + 1] = at;
      });
      return arrow.makeData({ ...base, type, valueOffsets: offsets, data } as never);
    }
    case arrow.Type.FixedSizeBinary: {
      const t = type as arrow.FixedSizeBinary;
      const data = new Uint8Array(length * t.byteWidth);
      values.forEach((v, i) => {
        if (v === null) return;
        data.set(typeof v === 'string' ? uuidToBytes(v) : (v as Uint8Array), i * t.byteWidth);
      });
      return arrow.makeData({ ...base, type: t, data });
    }
    default:
      throw new Error(`no builder for ${String(type)}`);
  }
}

/** A column of a test batch. */
export interface TestColumn {
  readonly name: string;
  readonly fieldId?: number;
  readonly data: arrow.Data;
}

/**
 * An Arrow field carrying the field id metadata.
 * @param name the name
 * @param type the type
 * @param fieldId the Iceberg field id, if any
 */
export function field(name: string, type: arrow.DataType, fieldId?: number): arrow.Field {
  return new arrow.Field(name, type, true, fieldId === undefined ? new Map() : new Map([['PARQUET:field_id', String(fieldId)]]));
}

/**
 * A record batch of the given columns.
 * @param columns the columns, all of one length
 */
export function batchOf(columns: readonly TestColumn[]): arrow.RecordBatch {
  const fields = columns.map((c) => field(c.name, c.data.type, c.fieldId));
  const length = columns[0]?.data.length ?? 0;
  const data = arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: columns.map((c) => c.data) });
  return new arrow.RecordBatch(new arrow.Schema(fields), data);
}

/**
 * A struct column's Data.
 * @param fields the child fields (with ids)
 * @param children the children's data
 * @param valid per-row validity of the struct itself
 */
export function structData(fields: arrow.Field[], children: arrow.Data[], valid: readonly boolean[]): arrow.Data {
  const { nullBitmap, nullCount } = bitmap(valid.map((v) => (v ? true : null)));
  return arrow.makeData({ type: new arrow.Struct(fields), length: valid.length, nullCount, nullBitmap, children });
}
