/**
 * `floe create --like data.csv|data.jsonl`: column types inferred from the values of a text
 * file (the rows read: `--sample-rows`), as the compact type text `--schema` takes, with
 * `--type col=type` overrides. Every column is nullable; a column is the narrowest of boolean →
 * long → double that holds all its values, else date, timestamptz (ISO text with a zone),
 * timestamp (without), `vector(N)` (arrays of N numbers, N ≥ 2), a `list` of one inferred
 * element type, else string. A column with no values at all is a string, and so is one with a
 * number written with leading zeros (`00501`: a ZIP code or an id, whose zeros a number would
 * drop; pandas' `dtype=str` advice and DuckDB's `read_csv` sniffer treat them the same way).
 *
 * @module
 */
import { InvalidArgumentError, isFloeError } from '../index.js';
import { type JsonValue, stringifyJson } from '../util/index.js';
import type { RawValue } from './convert-column.js';
import { type SchemaArg, schemaFromArg } from './schema-arg.js';
import type { TextRows } from './text-rows.js';

type Kind = 'boolean' | 'long' | 'double' | 'date' | 'timestamptz' | 'timestamp' | 'string' | { vector: number } | { list: Kind } | 'unknown';

// `0`, `-0`, `0.5` are numbers; `00501`, `007`, `-01`, `00.5` are text with digits.
const LEADING_ZERO = /^[-+]?0\d/;
const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(nan|inf|infinity)$/i;
const BOOL = /^(true|false)$/i;
const DATE = /^[+-]?\d{4,}-\d{2}-\d{2}$/;
const TS = /^[+-]?\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/i;
const TSTZ = /^[+-]?\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;

function kindOfText(s: string, parseText: (s: string) => JsonValue): Kind {
  const t = s.trim();
  if (BOOL.test(t)) return 'boolean';
  if (LEADING_ZERO.test(t)) return 'string';
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

function typeText(k: Kind, nested = false): string {
  if (typeof k === 'object') {
    // An embedding column is `vector(N)`; nested in a list it is a plain `list<float>`.
    if ('vector' in k) return nested ? 'list<float>' : `vector(${k.vector})`;
    return `list<${typeText(k.list, true)}>`;
  }
  return k === 'unknown' ? 'string' : k;
}

/** One column of a text file and its type, in the compact form `--schema` takes. */
export interface InferredColumn {
  /** The column's name. */
  readonly name: string;
  /** Its type (`long`, `timestamptz`, `vector(384)`, `list<string>`, …). */
  readonly type: string;
}

/**
 * Infers column types from the rows of a text file.
 * @param rows the rows, by column
 * @param options whether the values are CSV text (else JSON values), and how to parse JSON text inside CSV cells
 */
export function inferColumns(rows: TextRows, options: { readonly csv: boolean; readonly parseText: (s: string) => JsonValue }): InferredColumn[] {
  return rows.columns.map((name) => {
    let kind: Kind = 'unknown';
    const values: readonly RawValue[] = rows.values.get(name) ?? [];
    for (const v of values) {
      if (v === undefined || v === null) continue;
      // CSV cells are text to read (`1.5` is a number); in JSON, quoted values stay strings.
      kind = merge(kind, options.csv && typeof v === 'string' ? kindOfText(v, options.parseText) : kindOf(v, options.parseText));
    }
    return { name, type: typeText(kind) };
  });
}

/**
 * Applies `--type COLUMN=TYPE` overrides to inferred columns.
 * @param columns the inferred columns
 * @param overrides the `--type` values, in order
 * @throws InvalidArgumentError naming the override: not COLUMN=TYPE, a column the file lacks, a column named twice, a type that does not parse
 */
export function overrideTypes(columns: readonly InferredColumn[], overrides: readonly string[]): InferredColumn[] {
  const byName = new Map<string, string>();
  for (const o of overrides) {
    const eq = o.indexOf('=');
    const name = o.slice(0, eq).trim();
    const type = o.slice(eq + 1).trim();
    if (eq <= 0 || name === '' || type === '') throw new InvalidArgumentError(`--type takes COLUMN=TYPE, got ${JSON.stringify(o)}`, { context: { option: '--type', value: o } });
    if (!columns.some((c) => c.name === name)) {
      throw new InvalidArgumentError(`--type ${o}: the file has no column ${JSON.stringify(name)} (its columns: ${columns.map((c) => c.name).join(', ')})`, { context: { option: '--type', column: name } });
    }
    if (byName.has(name)) throw new InvalidArgumentError(`--type names column ${JSON.stringify(name)} twice`, { context: { option: '--type', column: name } });
    try {
      // The type is read exactly as `--schema` reads it.
      schemaFromArg(stringifyJson({ [name]: type }));
    } catch (e) {
      if (isFloeError(e)) throw new InvalidArgumentError(`--type ${o}: ${e.message}`, { context: { option: '--type', column: name, type }, ...(e.help ? { help: e.help } : {}) });
      throw e;
    }
    byName.set(name, type);
  }
  return columns.map((c) => ({ name: c.name, type: byName.get(c.name) ?? c.type }));
}

/**
 * The schema of a new table with these columns, in this order, as `--schema` builds it.
 * @param columns the columns and their types
 */
export function schemaOfColumns(columns: readonly InferredColumn[]): SchemaArg {
  // Placeholder keys: a JSON object would put integer-like column names (`2024`) first.
  const arg = schemaFromArg(stringifyJson(Object.fromEntries(columns.map((c, i) => [`c${i}`, c.type]))));
  return { ...arg, schema: { ...arg.schema, fields: arg.schema.fields.map((f, i) => ({ ...f, name: columns[i]!.name })) } };
}
