/**
 * Column metrics of a data file, computed from the Arrow data written into it, for the data
 * file's manifest entry (spec §Manifests: `value_counts`, `null_value_counts`,
 * `nan_value_counts`, `lower_bounds`, `upper_bounds`), keyed by field id.
 *
 * What is counted follows the Parquet file the data becomes, as Java's `ParquetUtil.footerMetrics`
 * reads it back: every primitive leaf reachable through structs gets a value count (nulls
 * included), a null count (a value is null when it or any enclosing struct is), a NaN count for
 * float and double, and lower/upper bounds over its non-null, non-NaN values. Leaves inside a
 * list or map get counts only, no bounds (as Java); there a null or empty list (or map) counts as
 * one null value, like the Parquet definition level that stands for it. No bounds are written when
 * every value is null or NaN.
 *
 * Bounds are serialised with `literalToBytes` (spec Appendix D); string and binary bounds are
 * truncated to `truncateLength` (default 16, Java's `write.metadata.metrics.default`
 * `truncate(16)`) with `truncateLowerBound`/`truncateUpperBound`, so they remain bounds; an upper
 * bound that cannot be truncated is left out. Strings are compared by their UTF-8 bytes, which is
 * code-point order (spec: strings compare by code point). `-0.0` sorts below `0.0`.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import {
  compareLiterals,
  DEFAULT_TRUNCATE_WIDTH,
  literalToBytes,
  truncateLowerBound,
  truncateUpperBound,
  uuidFromBytes,
  type IcebergType,
  type Literal,
  type NestedField,
  type PrimitiveType,
  type Schema,
} from '../spec/index.js';
import { fieldIdOf } from './arrow-schema.js';
import { isValidAt, literalAt } from './literals.js';
import { wholeColumnRange } from './metrics-fast.js';
import { decodeDictionary } from './take.js';

/** Column metrics keyed by field id (the shape of the data file's metric maps). */
export interface ColumnMetrics {
  /** Rows in the data. */
  readonly recordCount: number;
  /** Values per leaf column, nulls and NaNs included. */
  readonly valueCounts: Map<number, number>;
  /** Null values per leaf column. */
  readonly nullValueCounts: Map<number, number>;
  /** NaN values per float/double column. */
  readonly nanValueCounts: Map<number, number>;
  /** Serialised lower bound per column (spec Appendix D). */
  readonly lowerBounds: Map<number, Uint8Array>;
  /** Serialised upper bound per column (spec Appendix D). */
  readonly upperBounds: Map<number, Uint8Array>;
}

/** Options for {@link computeMetrics}. */
export interface MetricsOptions {
  /** Code points (strings) or bytes (binary) kept in bounds; default 16. */
  readonly truncateLength?: number;
}

type Raw = number | bigint | boolean | Uint8Array;

interface Leaf {
  readonly field: NestedField;
  readonly type: PrimitiveType;
  valueCount: number;
  nullCount: number;
  nanCount: number;
  min: Raw | undefined;
  max: Raw | undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Orders raw values of one column; numbers put -0.0 below 0.0 (NaN never reaches here). */
function compareRaw(type: PrimitiveType, a: Raw, b: Raw): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
    return 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    // uuids compare as the spec layer orders them; bytes (strings as UTF-8) unsigned lexicographically
    if (type.type === 'uuid') return compareLiterals(type, uuidFromBytes(a), uuidFromBytes(b));
    return compareBytes(a, b);
  }
  return 0;
}

const textDecoder = new TextDecoder();

/** Reads slot `i` of a (non-dictionary) column as a comparable raw value, or undefined to use the slow path. */
function rawAt(data: arrow.Data, i: number, type: PrimitiveType): Raw | undefined {
  const t = data.type;
  switch (t.typeId) {
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const off = data.valueOffsets as Int32Array;
      return (data.values as Uint8Array).subarray(off[i]!, off[i + 1]!);
    }
    case arrow.Type.FixedSizeBinary: {
      const w = (t as arrow.FixedSizeBinary).byteWidth;
      return (data.values as Uint8Array).subarray(i * w, (i + 1) * w);
    }
    case arrow.Type.Float:
      if ((t as arrow.Float).precision === arrow.Precision.HALF) return undefined;
      return (data.values as Float32Array | Float64Array)[i]!;
    case arrow.Type.Int:
      if ((t as arrow.Int).bitWidth === 64) return type.type === 'long' ? (data.values as BigInt64Array)[i]! : undefined;
      return type.type === 'int' ? (data.values as Int32Array)[i]! : undefined;
    case arrow.Type.Date:
      return (t as arrow.Date_).unit === arrow.DateUnit.DAY && type.type === 'date' ? (data.values as Int32Array)[i]! : undefined;
    case arrow.Type.Timestamp: {
      const unit = (t as arrow.Timestamp).unit;
      const micros = unit === arrow.TimeUnit.MICROSECOND && (type.type === 'timestamp' || type.type === 'timestamptz');
      const nanos = unit === arrow.TimeUnit.NANOSECOND && (type.type === 'timestamp_ns' || type.type === 'timestamptz_ns');
      return micros || nanos ? (data.values as BigInt64Array)[i]! : undefined;
    }
    case arrow.Type.Time:
      return (t as arrow.Time).unit === arrow.TimeUnit.MICROSECOND && type.type === 'time' ? (data.values as BigInt64Array)[i]! : undefined;
    default:
      return undefined;
  }
}

function literalOfRaw(type: PrimitiveType, raw: Raw): Literal {
  if (raw instanceof Uint8Array) {
    if (type.type === 'string') return textDecoder.decode(raw);
    if (type.type === 'uuid') return uuidFromBytes(raw);
    return raw.slice();
  }
  return raw;
}

function rawOfLiteral(type: PrimitiveType, v: Literal): Raw {
  if (type.type === 'string' && typeof v === 'string') return new TextEncoder().encode(v);
  if (type.type === 'uuid' && typeof v === 'string') {
    const hex = v.replace(/-/g, '');
    const out = new Uint8Array(16);
    for (let k = 0; k < 16; k++) out[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
    return out;
  }
  // Other literals are numbers, bigints, booleans or bytes already; a stray string compares as its UTF-8 bytes.
  return typeof v === 'string' ? new TextEncoder().encode(v) : v;
}

function isFloating(type: PrimitiveType): boolean {
  return type.type === 'float' || type.type === 'double';
}

class Collector {
  readonly leaves = new Map<number, Leaf>();

  leaf(field: NestedField): Leaf {
    let l = this.leaves.get(field.id);
    if (!l) {
      l = { field, type: field.type as PrimitiveType, valueCount: 0, nullCount: 0, nanCount: 0, min: undefined, max: undefined };
      this.leaves.set(field.id, l);
    }
    return l;
  }

  /** `count` null slots for every leaf under `field` (an absent struct, a null or empty list/map). */
  addNullSlots(field: NestedField, count: number): void {
    if (count === 0) return;
    forEachLeaf(field, (f) => {
      const l = this.leaf(f);
      l.valueCount += count;
      l.nullCount += count;
    });
  }

  /** Visit slots `rows` of `data`, the column of `field`; `repeated`: inside a list or map. */
  visit(field: NestedField, data: arrow.Data, rows: Int32Array | null, repeated: boolean): void {
    const d = decodeDictionary(data);
    const type = field.type;
    const n = rows ? rows.length : d.length;
    const rowAt = (k: number): number => (rows ? rows[k]! : k);
    switch (type.type) {
      case 'struct': {
        const valid: number[] = [];
        for (let k = 0; k < n; k++) if (isValidAt(d, rowAt(k))) valid.push(rowAt(k));
        const validRows = Int32Array.from(valid);
        const children = childColumns(d, type.fields);
        type.fields.forEach((f, c) => {
          this.addNullSlots(f, n - validRows.length);
          const child = children[c];
          if (child) this.visit(f, child, validRows, repeated);
          else this.addNullSlots(f, validRows.length);
        });
        return;
      }
      case 'list': {
        const elementField: NestedField = { id: type.elementId, name: 'element', required: type.elementRequired, type: type.element };
        if (this.countWholeFixedSizeList(elementField, d, rows)) return;
        const { rows: elementRows, empty } = expand(d, n, rowAt);
        this.addNullSlots(elementField, empty);
        const child = d.children[0];
        if (child) this.visit(elementField, child, elementRows, true);
        return;
      }
      case 'map': {
        const keyField: NestedField = { id: type.keyId, name: 'key', required: true, type: type.key };
        const valueField: NestedField = { id: type.valueId, name: 'value', required: type.valueRequired, type: type.value };
        const { rows: entryRows, empty } = expand(d, n, rowAt);
        this.addNullSlots(keyField, empty);
        this.addNullSlots(valueField, empty);
        const entries = d.children[0];
        if (entries) {
          const [k, v] = entries.children;
          if (k) this.visit(keyField, k, entryRows, true);
          if (v) this.visit(valueField, v, entryRows, true);
        }
        return;
      }
      default:
        this.visitPrimitive(field, type, d, n, rowAt, repeated, rows === null);
    }
  }

  /**
   * Fast path for the common embedding column: a whole, unsliced, null-free `FixedSizeList` of a
   * primitive type. Its elements only get counts (no bounds inside lists, as Java), so they are
   * counted straight over the child's buffers instead of through an index list of every element
   * (which was 42% of appending 200k × 128-d vectors, bench/README.md).
   * @returns whether the column was handled
   */
  private countWholeFixedSizeList(elementField: NestedField, d: arrow.Data, rows: Int32Array | null): boolean {
    if (rows !== null || !arrow.DataType.isFixedSizeList(d.type) || d.offset !== 0 || d.nullCount !== 0) return false;
    const t = elementField.type;
    if (t.type === 'struct' || t.type === 'list' || t.type === 'map') return false;
    const child = d.children[0];
    const total = d.length * d.type.listSize;
    if (!child || child.offset !== 0 || child.length !== total || arrow.DataType.isDictionary(child.type)) return false;
    const floating = isFloating(t as PrimitiveType);
    const values = child.values as unknown;
    if (floating && !(values instanceof Float32Array || values instanceof Float64Array)) return false;
    const l = this.leaf(elementField);
    l.valueCount += total;
    if (child.nullCount > 0) for (let i = 0; i < total; i++) if (!isValidAt(child, i)) l.nullCount++;
    if (floating) {
      const floats = values as Float32Array | Float64Array;
      let nan = 0;
      for (let i = 0; i < total; i++) if (floats[i] !== floats[i] && (child.nullCount === 0 || isValidAt(child, i))) nan++;
      l.nanCount += nan;
    }
    return true;
  }

  private visitPrimitive(field: NestedField, type: PrimitiveType, d: arrow.Data, n: number, rowAt: (k: number) => number, repeated: boolean, whole: boolean): void {
    const l = this.leaf(field);
    l.valueCount += n;
    const floating = isFloating(type);
    const range = whole && !repeated ? wholeColumnRange(d, type) : undefined;
    if (range !== undefined) {
      l.nanCount += range.nanCount;
      if (range.min !== undefined && (l.min === undefined || compareRaw(type, range.min, l.min) < 0)) l.min = range.min;
      if (range.max !== undefined && (l.max === undefined || compareRaw(type, range.max, l.max) > 0)) l.max = range.max;
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = rowAt(k);
      if (!isValidAt(d, i)) {
        l.nullCount++;
        continue;
      }
      let raw = rawAt(d, i, type);
      if (raw === undefined) {
        const lit = literalAt(d, i, type);
        if (lit === null) {
          l.nullCount++;
          continue;
        }
        raw = rawOfLiteral(type, lit);
      }
      if (floating && Number.isNaN(raw)) {
        l.nanCount++;
        continue;
      }
      if (repeated) continue;
      if (l.min === undefined || compareRaw(type, raw, l.min) < 0) l.min = raw;
      if (l.max === undefined || compareRaw(type, raw, l.max) > 0) l.max = raw;
    }
  }
}

/** The element (or entry) slots of the selected list/map rows, and how many rows were null or empty. */
function expand(d: arrow.Data, n: number, rowAt: (k: number) => number): { rows: Int32Array; empty: number } {
  const out: number[] = [];
  let empty = 0;
  const fixed = arrow.DataType.isFixedSizeList(d.type) ? d.type.listSize : undefined;
  const offsets = d.valueOffsets as ArrayLike<number | bigint> | undefined;
  for (let k = 0; k < n; k++) {
    const i = rowAt(k);
    if (!isValidAt(d, i)) {
      empty++;
      continue;
    }
    const s = fixed !== undefined ? i * fixed : Number(offsets![i]);
    const e = fixed !== undefined ? s + fixed : Number(offsets![i + 1]);
    if (e === s) empty++;
    for (let j = s; j < e; j++) out.push(j);
  }
  return { rows: Int32Array.from(out), empty };
}

function forEachLeaf(field: NestedField, fn: (f: NestedField) => void): void {
  const t: IcebergType = field.type;
  if (t.type === 'struct') for (const f of t.fields) forEachLeaf(f, fn);
  else if (t.type === 'list') forEachLeaf({ id: t.elementId, name: 'element', required: t.elementRequired, type: t.element }, fn);
  else if (t.type === 'map') {
    forEachLeaf({ id: t.keyId, name: 'key', required: true, type: t.key }, fn);
    forEachLeaf({ id: t.valueId, name: 'value', required: t.valueRequired, type: t.value }, fn);
  } else fn(field);
}

/** The child column of each field: matched by `PARQUET:field_id`, else by name. */
function childColumns(data: arrow.Data, fields: readonly NestedField[]): (arrow.Data | undefined)[] {
  const arrowFields = (data.type.children ?? []) as arrow.Field[];
  return fields.map((f) => {
    let k = arrowFields.findIndex((af) => fieldIdOf(af) === f.id);
    if (k < 0) k = arrowFields.findIndex((af) => af.name === f.name);
    return k < 0 ? undefined : data.children[k];
  });
}

/**
 * Compute a data file's column metrics from the data written into it (see the module doc).
 * @param data the rows, as a table or its record batches (columns matched to the schema by field id, else by name)
 * @param schema the table schema the data was conformed to
 * @param options bound truncation length
 */
export function computeMetrics(data: arrow.Table | readonly arrow.RecordBatch[], schema: Schema, options: MetricsOptions = {}): ColumnMetrics {
  const width = options.truncateLength ?? DEFAULT_TRUNCATE_WIDTH;
  const batches = data instanceof arrow.Table ? data.batches : data;
  const collector = new Collector();
  let recordCount = 0;
  for (const batch of batches) {
    recordCount += batch.numRows;
    const columns = childColumns(batch.data, schema.fields);
    schema.fields.forEach((f, c) => {
      const col = columns[c];
      if (col) collector.visit(f, col, null, false);
      else collector.addNullSlots(f, batch.numRows);
    });
  }
  const out: ColumnMetrics = {
    recordCount,
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
  };
  // Leaves the data never reached (no batches) still get their counts.
  if (batches.length === 0) for (const f of schema.fields) forEachLeaf(f, (leaf) => collector.leaf(leaf));
  for (const [id, l] of collector.leaves) {
    out.valueCounts.set(id, l.valueCount);
    out.nullValueCounts.set(id, l.nullCount);
    if (isFloating(l.type)) out.nanValueCounts.set(id, l.nanCount);
    if (l.min !== undefined) {
      const lower = truncateLowerBound(l.type, literalOfRaw(l.type, l.min), width);
      out.lowerBounds.set(id, literalToBytes(l.type, lower));
    }
    if (l.max !== undefined) {
      const upper = truncateUpperBound(l.type, literalOfRaw(l.type, l.max), width);
      if (upper !== null) out.upperBounds.set(id, literalToBytes(l.type, upper));
    }
  }
  return out;
}
