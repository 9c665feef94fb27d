/**
 * Input files for `floe append` and `floe create --like`: Parquet, Arrow IPC (file or stream),
 * CSV/TSV and JSON lines.
 *
 * The format comes from the extension, checked against the file's first bytes: a `.parquet`
 * file must start with `PAR1`, an Arrow file with `ARROW1` (or an IPC stream's continuation
 * marker); a file whose bytes say Parquet or Arrow is read as such whatever its name. Text
 * formats are converted column by column to the table's Arrow types (`convert-column.ts`);
 * Parquet and Arrow data go to the table as they are, and the table conforms them to its
 * schema by column name.
 *
 * @module
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { CorruptFileError, InvalidArgumentError, SchemaMismatchError, readParquet, readParquetSchema } from '../index.js';
import { type JsonValue, parseJson } from '../util/index.js';
import { columnFromValues } from './convert-column.js';
import { type InferredColumn, inferColumns } from './infer-schema.js';
import { type InvalidTextMode, decodeText } from './text-decode.js';
import { type TextRows, rowsFromCsv, rowsFromJsonLines } from './text-rows.js';
import { readTextSample } from './text-sample.js';

/** The input formats `floe` reads. */
export type InputFormat = 'parquet' | 'arrow' | 'csv' | 'tsv' | 'jsonl';

const EXTENSIONS: Readonly<Record<string, InputFormat>> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
};

const KNOWN = 'use .parquet, .arrow/.feather/.ipc (Arrow IPC), .csv, .tsv, or .jsonl/.ndjson/.json (JSON lines)';

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

function isParquet(head: Uint8Array, tail: Uint8Array): boolean {
  return head.length >= 12 && startsWith(head, 'PAR1') && startsWith(tail, 'PAR1');
}

function isArrowIpc(bytes: Uint8Array): boolean {
  // An IPC file starts with ARROW1; a stream with the 0xFFFFFFFF continuation marker.
  return startsWith(bytes, 'ARROW1') || (bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff);
}

/**
 * The format of an input file, from its extension and its first and last bytes.
 * @param file the path
 * @param head its first bytes (or all of them)
 * @param tail its last four bytes
 * @throws InvalidArgumentError for an unknown extension, or a `.parquet`/`.arrow` file whose bytes are not
 */
export function detectFormat(file: string, head: Uint8Array, tail: Uint8Array): InputFormat {
  if (isParquet(head, tail)) return 'parquet';
  if (isArrowIpc(head)) return 'arrow';
  const ext = path.extname(file).toLowerCase();
  const byName = EXTENSIONS[ext];
  if (byName === 'parquet') {
    throw new InvalidArgumentError(`${file} is not a Parquet file (it does not begin and end with PAR1)`, { context: { file }, help: KNOWN });
  }
  if (byName === 'arrow') throw new InvalidArgumentError(`${file} is not an Arrow IPC file (no ARROW1 magic or stream marker)`, { context: { file }, help: KNOWN });
  if (byName === undefined) throw new InvalidArgumentError(`cannot tell the format of ${file} from its extension ${JSON.stringify(ext)}`, { context: { file }, help: KNOWN });
  if (head.includes(0)) throw new InvalidArgumentError(`${file} is binary, not ${byName.toUpperCase()} text`, { context: { file }, help: KNOWN });
  return byName;
}

/** The error for a file that cannot be read. */
export function unreadable(file: string, e: unknown): InvalidArgumentError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InvalidArgumentError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(e as Error).message}`, { context: { file }, cause: e });
}

/** A whole file's bytes. */
export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw unreadable(file, e);
  }
}

/** Bytes read to tell a file's format without reading it all. */
const HEAD_BYTES = 64 * 1024;

/** The first {@link HEAD_BYTES} and the last four bytes of a file. */
export async function readEnds(file: string): Promise<{ head: Uint8Array; tail: Uint8Array }> {
  try {
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      const head = new Uint8Array(Math.min(size, HEAD_BYTES));
      await handle.read(head, 0, head.length, 0);
      const tail = new Uint8Array(Math.min(size, 4));
      await handle.read(tail, 0, tail.length, size - tail.length);
      return { head, tail };
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw unreadable(file, e);
  }
}

/** Reads a whole Arrow IPC file or stream. */
export function arrowFromIpc(bytes: Uint8Array, file: string): arrow.Table {
  try {
    return arrow.tableFromIPC(bytes);
  } catch (e) {
    throw new CorruptFileError(file, `not a readable Arrow IPC file: ${(e as Error).message}`, { cause: e });
  }
}

/** Parses JSON text in a CSV cell, losslessly. */
export function parseCellJson(text: string): JsonValue {
  return parseJson(text);
}

function textRows(format: InputFormat, bytes: Uint8Array, file: string, onInvalidText: InvalidTextMode): TextRows {
  const text = decodeText(bytes, { file, mode: onInvalidText });
  return format === 'jsonl' ? rowsFromJsonLines(text, file, { onInvalidText }) : rowsFromCsv(text, file, format === 'tsv' ? '\t' : ',');
}

/** Maps the file's columns onto the table's fields by name (exact, else case-insensitive). */
function matchColumns(rows: RawRows, target: arrow.Schema, file: string, table: string): Map<string, string> {
  const byField = new Map<string, string>();
  const names = target.fields.map((f) => f.name);
  for (const c of rows.columns) {
    const exact = names.find((n) => n === c);
    const loose = names.filter((n) => n.toLowerCase() === c.toLowerCase());
    const name = exact ?? (loose.length === 1 ? loose[0] : undefined);
    if (name === undefined) {
      throw new SchemaMismatchError(`${file} has a column ${JSON.stringify(c)} that table ${table} does not have`, {
        context: { file, column: c, table },
        help: `the table's columns are: ${names.join(', ')}; add the column with \`floe evolve ${table} add-column ${c} TYPE\`, or remove it from the file`,
      });
    }
    byField.set(name, c);
  }
  return byField;
}

/** One input file, read. */
export interface InputData {
  /** The rows. */
  readonly data: arrow.Table;
  /** The file's format. */
  readonly format: InputFormat;
  /** The file's size. */
  readonly sizeBytes: number;
}

/** Options of {@link readInputFile}. */
export interface ReadInputOptions {
  /** The table's name, for errors. */
  readonly table: string;
  /** Refuse text that is not valid Unicode (invalid UTF-8, lone surrogates), or replace it with U+FFFD. */
  readonly onInvalidText: InvalidTextMode;
}

/**
 * Reads an input file for appending to a table: text formats are converted to the table's
 * Arrow schema; Parquet and Arrow data are returned as they are.
 * @param file the path
 * @param target the table's Arrow schema
 * @param options the table's name, what to do with invalid text
 * @throws InvalidArgumentError / CorruptFileError for a missing, unknown or unreadable file, or text that is not valid Unicode (file:line:column)
 * @throws SchemaMismatchError naming the file, line and column of a value that does not fit
 */
export async function readInputFile(file: string, target: arrow.Schema, options: ReadInputOptions): Promise<InputData> {
  const { table, onInvalidText } = options;
  const bytes = await readBytes(file);
  const format = detectFormat(file, bytes, bytes.subarray(Math.max(0, bytes.length - 4)));
  if (format === 'parquet') return { data: readParquet(bytes, { path: file }), format, sizeBytes: bytes.length };
  if (format === 'arrow') return { data: arrowFromIpc(bytes, file), format, sizeBytes: bytes.length };
  const rows = textRows(format, bytes, file, onInvalidText);
  const batch = batchOfRows(rows, (r) => rows.lines[r] ?? 0, target, { file, table });
  return { data: new arrow.Table([batch]), format, sizeBytes: bytes.length };
}

/** Raw rows of a text file by column, as {@link batchOfRows} converts them. */
export type RawRows = Pick<TextRows, 'columns' | 'values' | 'rowCount'>;

/**
 * Converts rows of a text file to a record batch of the table's Arrow schema, column by column.
 * @param rows the rows by column
 * @param lineOf the file line of a row (called only for an error)
 * @param target the table's Arrow schema
 * @param where the file and the table, for errors
 * @throws SchemaMismatchError naming the file, line and column of a value that does not fit, or a column the table lacks
 */
export function batchOfRows(rows: RawRows, lineOf: (row: number) => number, target: arrow.Schema, where: { readonly file: string; readonly table: string }): arrow.RecordBatch {
  const { file, table } = where;
  const byField = matchColumns(rows, target, file, table);
  const source = { file, lineOf };
  const children = target.fields.map((field) => {
    const column = byField.get(field.name);
    const raw = column === undefined ? new Array<null>(rows.rowCount).fill(null) : rows.values.get(column)!;
    if (column === undefined && !field.nullable && rows.rowCount > 0) {
      throw new SchemaMismatchError(`${file} has no column ${JSON.stringify(field.name)}, which table ${table} requires`, { context: { file, column: field.name, table } });
    }
    return columnFromValues(field, raw, { source, parseText: parseCellJson });
  });
  const struct = arrow.makeData({ type: new arrow.Struct(target.fields), length: rows.rowCount, nullCount: 0, children });
  return new arrow.RecordBatch(target, struct);
}

/** What `floe create --like` learns from a file. */
export type FileSchema =
  | {
      /** Parquet or Arrow: the file's own schema. */
      readonly kind: 'arrow';
      /** The schema the file records. */
      readonly schema: arrow.Schema;
    }
  | {
      /** CSV, TSV or JSON lines: types inferred from the rows read. */
      readonly kind: 'text';
      /** The columns in file order, with their inferred types. */
      readonly columns: readonly InferredColumn[];
      /** Rows the types were inferred from. */
      readonly rowsRead: number;
      /** Whether the file has rows beyond those. */
      readonly hasMore: boolean;
    };

/** Options of {@link schemaOfFile}. */
export interface SchemaOfFileOptions {
  /** Infer text files' types from at most this many rows (the file is read no further). */
  readonly sampleRows: number;
  /** Refuse text that is not valid Unicode, or replace it with U+FFFD. */
  readonly onInvalidText: InvalidTextMode;
}

/**
 * The schema of a file, for `floe create --like`: Parquet and Arrow files say theirs; for CSV
 * and JSON lines the column types are inferred from the first `sampleRows` rows (see
 * `infer-schema.ts`), read as a stream.
 * @param file the path
 * @param options how many rows to infer from, what to do with invalid text
 * @throws InvalidArgumentError / CorruptFileError for a missing, unknown or unreadable file, or text that is not valid Unicode (file:line:column)
 */
export async function schemaOfFile(file: string, options: SchemaOfFileOptions): Promise<FileSchema> {
  const { head, tail } = await readEnds(file);
  const format = detectFormat(file, head, tail);
  if (format === 'parquet') return { kind: 'arrow', schema: readParquetSchema(await readBytes(file), file) };
  if (format === 'arrow') return { kind: 'arrow', schema: arrowFromIpc(await readBytes(file), file).schema };
  const rows = await readTextSample(file, format, { maxRows: options.sampleRows, onInvalidText: options.onInvalidText });
  if (rows.columns.length === 0) throw new InvalidArgumentError(`${file} has no columns to take a schema from`, { context: { file } });
  return { kind: 'text', columns: inferColumns(rows, { csv: format !== 'jsonl', parseText: parseCellJson }), rowsRead: rows.rowCount, hasMore: rows.hasMore };
}
