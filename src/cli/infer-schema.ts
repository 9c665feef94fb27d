/**
 * `floe create --like data.csv|data.jsonl`: an Arrow schema inferred from the values of a text
 * file. Every column is nullable; a column is the narrowest of boolean → long → double that
 * holds all its values, else date, timestamptz (ISO text with a zone), timestamp (without), a
 * vector `FixedSizeList<Float32>[N]` (arrays of N numbers, N ≥ 2), a `list` of one inferred
 * element type, else string. A column with no values at all is a string.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import type { JsonValue } from '../util/index.js';
import type { RawValue } from './convert-column.js';
import type { TextRows } from './text-rows.js';

type Kind = 'boolean' | 'long' | 'double' | 'date' | 'timestamptz' | 'timestamp' | 'string' | { vector: number } | { list: Kind } | 'unknown';

const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(nan|inf|infinity)$/i;
const BOOL = /^(true|false)$/i;
const DATE = /^[+-]?\d{4,}-\d{2}-\d{2}$/;
const TS = /^[+-]?\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/i;
const TSTZ = /^[+-]?\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;

function kindOfText(s: string, parseText: (s: string) => JsonValue): Kind {
  const t = s.trim();
  if (BOOL.test(t)) return 'boolean';
  if (INT.test(t)) return 'long';
  if (FLOAT.test(t)) return 'double';
  if (DATE.test(t)) return 'date';
  if (TSTZ.test(t)) return 'timestamptz';
  if (TS.test(t)) return 'timestamp';
  if (t.startsWith('[')) {
    try {
      return kindOf(parseText(t), parseText);
    } catch {
      return 'string';
    }
  }
  return 'string';
}

function kindOf(v: JsonValue, parseText: (s: string) => JsonValue): Kind {
  if (v === null) return 'unknown';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'bigint') return 'long';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (typeof v === 'string') {
    const k = kindOfText(v, parseText);
    // In JSON, quoted numbers and booleans stay strings: the writer chose to quote them.
    return k === 'date' || k === 'timestamp' || k === 'timestamptz' ? k : 'string';
  }
  if (Array.isArray(v)) {
    if (v.length >= 2 && v.every((x) => typeof x === 'number' || typeof x === 'bigint')) return { vector: v.length };
    return { list: v.map((x) => kindOf(x, parseText)).reduce(merge, 'unknown') };
  }
  return 'string';
}

function same(a: Kind, b: Kind): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function merge(a: Kind, b: Kind): Kind {
  if (a === 'unknown') return b;
  if (b === 'unknown' || same(a, b)) return a;
  const numeric = (k: Kind): boolean => k === 'long' || k === 'double';
  if (numeric(a) && numeric(b)) return 'double';
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  const asList = (k: Kind): Kind | undefined => (typeof k === 'object' ? ('list' in k ? k.list : 'double') : undefined);
  const la = asList(a);
  const lb = asList(b);
  if (la !== undefined && lb !== undefined) return { list: merge(la, lb) };
  return 'string';
}

function arrowType(k: Kind): arrow.DataType {
  if (typeof k === 'object') {
    if ('vector' in k) return new arrow.FixedSizeList(k.vector, new arrow.Field('element', new arrow.Float32(), false));
    return new arrow.List(new arrow.Field('element', arrowType(k.list), true));
  }
  switch (k) {
    case 'boolean':
      return new arrow.Bool();
    case 'long':
      return new arrow.Int64();
    case 'double':
      return new arrow.Float64();
    case 'date':
      return new arrow.DateDay();
    case 'timestamptz':
      return new arrow.TimestampMicrosecond('UTC');
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    default:
      return new arrow.Utf8();
  }
}

/**
 * Infers an Arrow schema from the rows of a text file.
 * @param rows the rows, by column
 * @param parseText parses JSON text inside CSV cells
 */
export function inferSchema(rows: TextRows, parseText: (s: string) => JsonValue): arrow.Schema {
  return new arrow.Schema(
    rows.columns.map((name) => {
      const values: readonly RawValue[] = rows.values.get(name) ?? [];
      let kind: Kind = 'unknown';
      for (const v of values) if (v !== undefined && v !== null) kind = merge(kind, kindOf(v, parseText));
      return new arrow.Field(name, arrowType(kind), true);
    }),
  );
}

/**
 * Infers an Arrow schema from CSV rows, where every cell is text.
 * @param rows the rows, by column
 * @param parseText parses JSON text inside cells
 */
export function inferCsvSchema(rows: TextRows, parseText: (s: string) => JsonValue): arrow.Schema {
  return new arrow.Schema(
    rows.columns.map((name) => {
      let kind: Kind = 'unknown';
      for (const v of rows.values.get(name) ?? []) if (typeof v === 'string') kind = merge(kind, kindOfText(v, parseText));
      return new arrow.Field(name, arrowType(kind), true);
    }),
  );
}
