// Seeded random rows for an Iceberg schema, and exact conversion between rows and Arrow data
// (through the io layer's literal builders and readers), for round-trip and reference tests.
//
// Row values: primitives in the Literal convention, structs as plain objects keyed by field
// name, lists as arrays, maps as arrays of [key, value] pairs, null for null.
import * as arrow from 'apache-arrow';
import { arrowSchemaFromIceberg, dataFromLiterals, isValidAt, literalAt } from '../../src/io/index.js';
import type { IcebergType, NestedField, PrimitiveType, Schema } from '../../src/spec/types.js';
import { uuidFromBytes, type Literal } from '../../src/spec/values.js';

export type Value = Literal | null | Value[] | { [name: string]: Value } | [Value, Value][];
export type Row = Record<string, Value>;

export interface GenOptions {
  readonly nullRate?: number;
  readonly maxListLength?: number;
  readonly vectorDimensions?: ReadonlyMap<number, number>;
}

function randomBigInt(rnd: () => number, bits: number): bigint {
  let v = 0n;
  for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(Math.floor(rnd() * 65536));
  return BigInt.asIntN(bits, v);
}

function randomString(rnd: () => number): string {
  const alphabet = ['a', 'b', 'z', 'É', 'ß', '日', '😀', '\u0000', ' ', 'Z'];
  const len = Math.floor(rnd() * 24);
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

function randomBytes(rnd: () => number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
}

export function randomLiteral(type: PrimitiveType, rnd: () => number): Literal {
  switch (type.type) {
    case 'unknown':
      throw new Error('unknown has no non-null values');
    case 'boolean':
      return rnd() < 0.5;
    case 'int':
      return Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    case 'long':
      return randomBigInt(rnd, 64);
    case 'float': {
      const r = rnd();
      if (r < 0.05) return Number.NaN;
      if (r < 0.08) return -0;
      return Math.fround((rnd() - 0.5) * 1e6);
    }
    case 'double': {
      const r = rnd();
      if (r < 0.05) return Number.NaN;
      if (r < 0.08) return -0;
      if (r < 0.1) return Number.POSITIVE_INFINITY;
      return (rnd() - 0.5) * 1e12;
    }
    case 'decimal': {
      const limit = 10n ** BigInt(type.precision);
      return randomBigInt(rnd, 128) % limit;
    }
    case 'date':
      return Math.floor((rnd() - 0.5) * 60_000);
    case 'time':
      return BigInt(Math.floor(rnd() * 86_400_000_000));
    case 'timestamp':
    case 'timestamptz':
      return BigInt(Math.floor((rnd() - 0.5) * 8e15));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return randomBigInt(rnd, 62);
    case 'string':
      return randomString(rnd);
    case 'uuid':
      return uuidFromBytes(randomBytes(rnd, 16));
    case 'fixed':
      return randomBytes(rnd, type.length);
    case 'binary':
      return randomBytes(rnd, Math.floor(rnd() * 12));
  }
}

export function randomValue(field: NestedField, rnd: () => number, options: GenOptions = {}): Value {
  const nullRate = options.nullRate ?? 0.15;
  if (!field.required && rnd() < nullRate) return null;
  const t = field.type;
  switch (t.type) {
    case 'struct': {
      const out: { [name: string]: Value } = {};
      for (const f of t.fields) out[f.name] = randomValue(f, rnd, options);
      return out;
    }
    case 'list': {
      const dim = options.vectorDimensions?.get(field.id);
      const len = dim ?? Math.floor(rnd() * ((options.maxListLength ?? 4) + 1));
      const el: NestedField = { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element };
      return Array.from({ length: len }, () => randomValue(el, rnd, options));
    }
    case 'map': {
      const len = Math.floor(rnd() * ((options.maxListLength ?? 4) + 1));
      const k: NestedField = { id: t.keyId, name: 'key', required: true, type: t.key };
      const v: NestedField = { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value };
      return Array.from({ length: len }, () => [randomValue(k, rnd, options), randomValue(v, rnd, options)] as [Value, Value]);
    }
    default:
      return randomLiteral(t, rnd);
  }
}

export function randomRows(schema: Schema, n: number, rnd: () => number, options: GenOptions = {}): Row[] {
  return Array.from({ length: n }, () => {
    const row: Row = {};
    for (const f of schema.fields) row[f.name] = randomValue(f, rnd, options);
    return row;
  });
}

function validityOf(values: readonly Value[]): { nullCount: number; nullBitmap?: Uint8Array } {
  const bm = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null) nulls++;
    else bm[i >> 3]! |= 1 << (i & 7);
  });
  return nulls > 0 ? { nullCount: nulls, nullBitmap: bm } : { nullCount: 0 };
}

/** Arrow data for `values` of `type`, in `arrowType` (as arrowSchemaFromIceberg builds it). */
export function buildData(type: IcebergType, arrowType: arrow.DataType, values: readonly Value[]): arrow.Data {
  switch (type.type) {
    case 'struct': {
      const children = type.fields.map((f, k) =>
        buildData(f.type, arrowType.children[k]!.type, values.map((v) => (v === null ? null : (v as Record<string, Value>)[f.name] ?? null))),
      );
      return arrow.makeData({ type: arrowType as arrow.Struct, length: values.length, ...validityOf(values), children });
    }
    case 'list': {
      if (arrow.DataType.isFixedSizeList(arrowType)) {
        const dim = arrowType.listSize;
        const flat: Value[] = [];
        for (const v of values) flat.push(...(v === null ? new Array<Value>(dim).fill(null) : (v as Value[])));
        const child = buildData(type.element, arrowType.children[0]!.type, flat);
        return arrow.makeData({ type: arrowType, length: values.length, ...validityOf(values), child });
      }
      const offsets = new Int32Array(values.length + 1);
      const flat: Value[] = [];
      values.forEach((v, i) => {
        if (v !== null) flat.push(...(v as Value[]));
        offsets[i + 1] = flat.length;
      });
      const child = buildData(type.element, arrowType.children[0]!.type, flat);
      return arrow.makeData({ type: arrowType as arrow.List, length: values.length, ...validityOf(values), valueOffsets: offsets, child });
    }
    case 'map': {
      const offsets = new Int32Array(values.length + 1);
      const keys: Value[] = [];
      const vals: Value[] = [];
      values.forEach((v, i) => {
        if (v !== null) for (const [k, x] of v as [Value, Value][]) (keys.push(k), vals.push(x));
        offsets[i + 1] = keys.length;
      });
      const entriesType = arrowType.children[0]!.type as arrow.Struct;
      const entries = arrow.makeData({
        type: entriesType,
        length: keys.length,
        nullCount: 0,
        children: [buildData(type.key, entriesType.children[0]!.type, keys), buildData(type.value, entriesType.children[1]!.type, vals)],
      });
      return arrow.makeData({ type: arrowType as arrow.Map_, length: values.length, ...validityOf(values), valueOffsets: offsets, child: entries });
    }
    default:
      return dataFromLiterals(type, values as (Literal | null)[], arrowType);
  }
}

/** A record batch of `rows` in the Arrow schema Floe uses for `schema`. */
export function batchFromRows(schema: Schema, rows: readonly Row[], options: { vectorDimensions?: ReadonlyMap<number, number> } = {}): arrow.RecordBatch {
  const target = arrowSchemaFromIceberg(schema, options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {});
  const children = schema.fields.map((f, k) => buildData(f.type, target.fields[k]!.type, rows.map((r) => r[f.name] ?? null)));
  return new arrow.RecordBatch(target, arrow.makeData({ type: new arrow.Struct(target.fields), length: rows.length, nullCount: 0, children }));
}

/** Slot `i` of `data` as a row value. */
export function valueAt(type: IcebergType, data: arrow.Data, i: number): Value {
  if (!isValidAt(data, i)) return null;
  switch (type.type) {
    case 'struct': {
      const out: { [name: string]: Value } = {};
      type.fields.forEach((f, k) => (out[f.name] = valueAt(f.type, data.children[k]!, i)));
      return out;
    }
    case 'list': {
      const child = data.children[0]!;
      if (arrow.DataType.isFixedSizeList(data.type)) {
        const dim = data.type.listSize;
        return Array.from({ length: dim }, (_, k) => valueAt(type.element, child, i * dim + k));
      }
      const off = data.valueOffsets as Int32Array;
      return Array.from({ length: off[i + 1]! - off[i]! }, (_, k) => valueAt(type.element, child, off[i]! + k));
    }
    case 'map': {
      const entries = data.children[0]!;
      const off = data.valueOffsets as Int32Array;
      return Array.from({ length: off[i + 1]! - off[i]! }, (_, k) => [
        valueAt(type.key, entries.children[0]!, off[i]! + k),
        valueAt(type.value, entries.children[1]!, off[i]! + k),
      ] as [Value, Value]);
    }
    default:
      return literalAt(data, i, type);
  }
}

/** Every row of a batch (or all batches of a table) as row values, by schema field order. */
export function rowsOf(schema: Schema, input: arrow.RecordBatch | arrow.Table): Row[] {
  const batches = input instanceof arrow.Table ? input.batches : [input];
  const out: Row[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const row: Row = {};
      schema.fields.forEach((f, k) => (row[f.name] = valueAt(f.type, b.data.children[k]!, i)));
      out.push(row);
    }
  }
  return out;
}

/** Every primitive type, as optional top-level fields with ids from `firstId`. */
export function allPrimitiveFields(firstId: number): NestedField[] {
  const types: PrimitiveType[] = [
    { type: 'boolean' },
    { type: 'int' },
    { type: 'long' },
    { type: 'float' },
    { type: 'double' },
    { type: 'decimal', precision: 9, scale: 2 },
    { type: 'decimal', precision: 18, scale: 4 },
    { type: 'decimal', precision: 38, scale: 10 },
    { type: 'date' },
    { type: 'time' },
    { type: 'timestamp' },
    { type: 'timestamptz' },
    { type: 'string' },
    { type: 'uuid' },
    { type: 'fixed', length: 5 },
    { type: 'binary' },
  ];
  return types.map((type, k) => ({
    id: firstId + k,
    name: `c_${type.type}${type.type === 'decimal' ? `_${type.precision}` : ''}`,
    required: false,
    type,
  }));
}
