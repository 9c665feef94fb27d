/**
 * CSV and JSON-lines files → rows of raw values by column, with the line each row came from
 * (for error messages). CSV is parsed by `csv-parse` (RFC 4180: quotes, embedded newlines and
 * delimiters); an unquoted empty cell is a missing value, a quoted one (`""`) an empty string.
 * JSON lines are parsed losslessly (integers beyond 2^53 stay exact).
 *
 * @module
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { CorruptFileError } from '../index.js';
import { type JsonValue, parseJson } from '../util/index.js';
import type { RawValue } from './convert-column.js';

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
}

/**
 * Parses CSV (or TSV) with a header line.
 * @param text the file's text
 * @param file its path, for errors
 * @param delimiter `,` or `\t`
 * @throws CorruptFileError for malformed CSV (unclosed quotes, ragged rows), naming the line
 */
export function rowsFromCsv(text: string, file: string, delimiter = ','): TextRows {
  let records: { record: (string | null)[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter,
      bom: true,
      info: true,
      skip_empty_lines: true,
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as unknown as typeof records;
  } catch (e) {
    const lines = (e as { lines?: number }).lines;
    throw new CorruptFileError(file, `not valid CSV${lines ? ` (line ${lines})` : ''}: ${(e as Error).message}`, { cause: e, ...(lines ? { context: { line: lines } } : {}) });
  }
  const [head, ...body] = records;
  if (!head) throw new CorruptFileError(file, 'the CSV file is empty: a header line naming the columns is needed');
  const columns = head.record.map((c, i) => (c ?? '').trim() || `column_${i + 1}`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) throw new CorruptFileError(file, `the CSV header names column ${JSON.stringify(dup)} twice`);
  const values = new Map<string, RawValue[]>(columns.map((c) => [c, new Array<RawValue>(body.length)]));
  body.forEach(({ record }, r) => columns.forEach((c, k) => (values.get(c)![r] = record[k] ?? null)));
  return { columns, values, lines: body.map((b) => b.info.lines), rowCount: body.length };
}

/**
 * Parses JSON lines (one object per line), or a `.json` file holding one array of objects.
 * @param text the file's text
 * @param file its path, for errors
 * @throws CorruptFileError naming the line that is not a JSON object
 */
export function rowsFromJsonLines(text: string, file: string): TextRows {
  const rows: { [key: string]: JsonValue }[] = [];
  const lines: number[] = [];
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
      rows.push(row);
      lines.push(i + 1);
    });
  } else {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let row: JsonValue;
      try {
        row = parseJson(line);
      } catch (e) {
        throw new CorruptFileError(file, `line ${i + 1} is not valid JSON: ${(e as Error).message}`, { cause: e, context: { line: i + 1 } });
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new CorruptFileError(file, `line ${i + 1} is not a JSON object (JSON lines need one object per line)`, { context: { line: i + 1 } });
      }
      rows.push(row);
      lines.push(i + 1);
    });
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
  return { columns, values, lines, rowCount: rows.length };
}
