/**
 * CSV and JSON-lines files → rows of raw values by column, with the line each row came from
 * (for error messages). CSV is parsed by `csv-parse` (RFC 4180: quotes, embedded newlines and
 * delimiters); an unquoted empty cell is a missing value, a quoted one (`""`) an empty string.
 * JSON lines are parsed losslessly (integers beyond 2^53 stay exact); a string escape that
 * decodes to a lone surrogate (`"\ud800"`) is refused, or replaced by U+FFFD when asked, since
 * Iceberg strings are UTF-8 and UTF-8 cannot hold one.
 *
 * @module
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { CorruptFileError, InvalidArgumentError } from '../index.js';
import { type JsonValue, parseJson } from '../util/index.js';
import type { RawValue } from './convert-column.js';
import { INVALID_TEXT_HELP, type InvalidTextMode, loneSurrogateColumn } from './text-decode.js';

/** Rows of a text file, by column. */
export interface TextRows {
  /** Column names in file order. */
  readonly columns: readonly string[];
  /** Column name → one raw value per row (`undefined` where a JSON row lacks the key). */
  readonly values: ReadonlyMap<string, RawValue[]>;
  /** The 1-based line each row starts on. */
  readonly lines: readonly number[];
  /** Rows read. */
  readonly rowCount: number;
  /** Whether the text holds rows beyond the `maxRows` read. */
  readonly hasMore: boolean;
}

/** Options of {@link rowsFromCsv} and {@link rowsFromJsonLines}. */
export interface TextRowsOptions {
  /** Read at most this many rows (default: all). */
  readonly maxRows?: number;
  /** Added to every line number (rows and errors): the text is a piece of a file that starts on line `lineOffset + 1`. */
  readonly lineOffset?: number;
}

/**
 * Parses CSV (or TSV) with a header line.
 * @param text the file's text
 * @param file its path, for errors
 * @param delimiter `,` or `\t`
 * @param options how many rows to read
 * @throws CorruptFileError for malformed CSV (unclosed quotes, ragged rows), naming the line
 */
export function rowsFromCsv(text: string, file: string, delimiter = ',', options: TextRowsOptions = {}): TextRows {
  let records: { record: (string | null)[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter,
      bom: true,
      info: true,
      skip_empty_lines: true,
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
      // The header, the rows, and one more to tell whether there are more.
      ...(options.maxRows !== undefined ? { to: options.maxRows + 2 } : {}),
    }) as unknown as typeof records;
  } catch (e) {
    const at = (e as { lines?: number }).lines;
    const lines = at === undefined ? undefined : at + (options.lineOffset ?? 0);
    throw new CorruptFileError(file, `not valid CSV${lines ? ` (line ${lines})` : ''}: ${(e as Error).message}`, { cause: e, ...(lines ? { context: { line: lines } } : {}) });
  }
  const hasMore = options.maxRows !== undefined && records.length > options.maxRows + 1;
  if (hasMore) records.length = options.maxRows! + 1;
  const [head, ...body] = records;
  if (!head) throw new CorruptFileError(file, 'the CSV file is empty: a header line naming the columns is needed');
  const columns = head.record.map((c, i) => (c ?? '').trim() || `column_${i + 1}`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) throw new CorruptFileError(file, `the CSV header names column ${JSON.stringify(dup)} twice`);
  const values = new Map<string, RawValue[]>(columns.map((c) => [c, new Array<RawValue>(body.length)]));
  body.forEach(({ record }, r) => columns.forEach((c, k) => (values.get(c)![r] = record[k] ?? null)));
  const offset = options.lineOffset ?? 0;
  return { columns, values, lines: body.map((b) => b.info.lines + offset), rowCount: body.length, hasMore };
}

/** Whether every string in a JSON value (keys too) is well-formed UTF-16 (no lone surrogates). */
function isWellFormedJson(v: JsonValue): boolean {
  if (typeof v === 'string') return v.isWellFormed();
  if (Array.isArray(v)) return v.every(isWellFormedJson);
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => k.isWellFormed() && isWellFormedJson(x));
  return true;
}

/** The value with each lone surrogate replaced by U+FFFD. */
function toWellFormedJson(v: JsonValue): JsonValue {
  if (typeof v === 'string') return v.toWellFormed();
  if (Array.isArray(v)) return v.map(toWellFormedJson);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toWellFormed(), toWellFormedJson(x)]));
  return v;
}

/** Options of {@link rowsFromJsonLines}. */
export interface JsonRowsOptions extends TextRowsOptions {
  /** Refuse strings holding a lone surrogate, or replace it with U+FFFD. */
  readonly onInvalidText: InvalidTextMode;
}

/**
 * Parses JSON lines (one object per line), or a `.json` file holding one array of objects.
 * @param text the file's text
 * @param file its path, for errors
 * @param options what to do with lone surrogates, how many rows to read
 * @throws CorruptFileError naming the line that is not a JSON object
 * @throws InvalidArgumentError naming file:line:column of a lone surrogate (`onInvalidText: 'fail'`)
 */
export function rowsFromJsonLines(text: string, file: string, options: JsonRowsOptions): TextRows {
  const rows: { [key: string]: JsonValue }[] = [];
  const lines: number[] = [];
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  let hasMore = false;
  /** The row, its strings checked (or repaired) for lone surrogates. */
  const wellFormed = (row: { [key: string]: JsonValue }, where: () => { line?: number; column?: number; text: string }): { [key: string]: JsonValue } => {
    if (isWellFormedJson(row)) return row;
    if (options.onInvalidText === 'replace') return toWellFormedJson(row) as { [key: string]: JsonValue };
    const w = where();
    throw new InvalidArgumentError(`${w.text}: a lone surrogate escape in a string; Iceberg strings are UTF-8, which cannot hold one`, {
      context: { file, ...(w.line !== undefined ? { line: w.line } : {}), ...(w.column !== undefined ? { column: w.column } : {}) },
      help: INVALID_TEXT_HELP,
    });
  };
  const offset = options.lineOffset ?? 0;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let all: JsonValue;
    try {
      all = parseJson(trimmed);
    } catch (e) {
      throw new CorruptFileError(file, `not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    (all as JsonValue[]).forEach((row, i) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new CorruptFileError(file, `element ${i} of the JSON array is not an object`);
      if (rows.length >= maxRows) {
        hasMore = true;
        return;
      }
      rows.push(wellFormed(row, () => ({ text: `${file}: element ${i} of the JSON array` })));
      lines.push(i + 1);
    });
  } else {
    const all = text.split('\n');
    for (let n = 0; n < all.length; n++) {
      const line = all[n]!;
      const i = n + offset;
      if (line.trim() === '') continue;
      if (rows.length >= maxRows) {
        hasMore = true;
        break;
      }
      let row: JsonValue;
      try {
        row = parseJson(line);
      } catch (e) {
        throw new CorruptFileError(file, `line ${i + 1} is not valid JSON: ${(e as Error).message}`, { cause: e, context: { line: i + 1 } });
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new CorruptFileError(file, `line ${i + 1} is not a JSON object (JSON lines need one object per line)`, { context: { line: i + 1 } });
      }
      rows.push(
        wellFormed(row, () => {
          const column = loneSurrogateColumn(line);
          return { line: i + 1, column, text: `${file}:${i + 1}:${column}` };
        }),
      );
      lines.push(i + 1);
    }
  }
  const columns: string[] = [];
  const values = new Map<string, RawValue[]>();
  rows.forEach((row, r) => {
    for (const [k, v] of Object.entries(row)) {
      let col = values.get(k);
      if (!col) {
        col = new Array<RawValue>(rows.length);
        values.set(k, col);
        columns.push(k);
      }
      col[r] = v;
    }
  });
  return { columns, values, lines, rowCount: rows.length, hasMore };
}
