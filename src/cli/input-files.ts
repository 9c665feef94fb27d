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
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { CorruptFileError, InvalidArgumentError, SchemaMismatchError, readParquet, readParquetSchema } from '../index.js';
import { type JsonValue, parseJson } from '../util/index.js';
import { columnFromValues } from './convert-column.js';
import { inferCsvSchema, inferSchema } from './infer-schema.js';
import { type TextRows, rowsFromCsv, rowsFromJsonLines } from './text-rows.js';

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

function isParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && startsWith(bytes, 'PAR1') && startsWith(bytes.subarray(bytes.length - 4), 'PAR1');
}

function isArrowIpc(bytes: Uint8Array): boolean {
  // An IPC file starts with ARROW1; a stream with the 0xFFFFFFFF continuation marker.
  return startsWith(bytes, 'ARROW1') || (bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff);
}

/**
 * The format of an input file, from its extension and first bytes.
 * @param file the path
 * @param bytes its contents
 * @throws InvalidArgumentError for an unknown extension, or a `.parquet`/`.arrow` file whose bytes are not
 */
export function detectFormat(file: string, bytes: Uint8Array): InputFormat {
  if (isParquet(bytes)) return 'parquet';
  if (isArrowIpc(bytes)) return 'arrow';
  const ext = path.extname(file).toLowerCase();
  const byName = EXTENSIONS[ext];
  if (byName === 'parquet') {
    throw new InvalidArgumentError(`${file} is not a Parquet file (it does not begin and end with PAR1)`, { context: { file }, help: KNOWN });
  }
  if (byName === 'arrow') throw new InvalidArgumentError(`${file} is not an Arrow IPC file (no ARROW1 magic or stream marker)`, { context: { file }, help: KNOWN });
  if (byName === undefined) throw new InvalidArgumentError(`cannot tell the format of ${file} from its extension ${JSON.stringify(ext)}`, { context: { file }, help: KNOWN });
  if (bytes.includes(0)) throw new InvalidArgumentError(`${file} is binary, not ${byName.toUpperCase()} text`, { context: { file }, help: KNOWN });
  return byName;
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(e as Error).message}`, { context: { file }, cause: e });
  }
}

function arrowFromIpc(bytes: Uint8Array, file: string): arrow.Table {
  try {
    return arrow.tableFromIPC(bytes);
  } catch (e) {
    throw new CorruptFileError(file, `not a readable Arrow IPC file: ${(e as Error).message}`, { cause: e });
  }
}

function parseCellJson(text: string): JsonValue {
  return parseJson(text);
}

function textRows(format: InputFormat, bytes: Uint8Array, file: string): TextRows {
  const text = new TextDecoder('utf-8').decode(bytes);
  return format === 'jsonl' ? rowsFromJsonLines(text, file) : rowsFromCsv(text, file, format === 'tsv' ? '\t' : ',');
}

/** Maps the file's columns onto the table's fields by name (exact, else case-insensitive). */
function matchColumns(rows: TextRows, target: arrow.Schema, file: string, table: string): Map<string, string> {
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

/**
 * Reads an input file for appending to a table: text formats are converted to the table's
 * Arrow schema; Parquet and Arrow data are returned as they are.
 * @param file the path
 * @param target the table's Arrow schema
 * @param table the table's name, for errors
 * @throws InvalidArgumentError / CorruptFileError for a missing, unknown or unreadable file
 * @throws SchemaMismatchError naming the file, line and column of a value that does not fit
 */
export async function readInputFile(file: string, target: arrow.Schema, table: string): Promise<InputData> {
  const bytes = await readBytes(file);
  const format = detectFormat(file, bytes);
  if (format === 'parquet') return { data: readParquet(bytes, { path: file }), format, sizeBytes: bytes.length };
  if (format === 'arrow') return { data: arrowFromIpc(bytes, file), format, sizeBytes: bytes.length };
  const rows = textRows(format, bytes, file);
  const byField = matchColumns(rows, target, file, table);
  const source = { file, lineOf: (r: number) => rows.lines[r] ?? 0 };
  const children = target.fields.map((field) => {
    const column = byField.get(field.name);
    const raw = column === undefined ? new Array<null>(rows.rowCount).fill(null) : rows.values.get(column)!;
    if (column === undefined && !field.nullable && rows.rowCount > 0) {
      throw new SchemaMismatchError(`${file} has no column ${JSON.stringify(field.name)}, which table ${table} requires`, { context: { file, column: field.name, table } });
    }
    return columnFromValues(field, raw, { source, parseText: parseCellJson });
  });
  const struct = arrow.makeData({ type: new arrow.Struct(target.fields), length: rows.rowCount, nullCount: 0, children });
  return { data: new arrow.Table([new arrow.RecordBatch(target, struct)]), format, sizeBytes: bytes.length };
}

/**
 * The Arrow schema of a file, for `floe create --like`: Parquet and Arrow files say theirs;
 * for CSV and JSON lines it is inferred from the values (see `infer-schema.ts`).
 * @param file the path
 * @throws InvalidArgumentError / CorruptFileError for a missing, unknown or unreadable file
 */
export async function schemaOfFile(file: string): Promise<arrow.Schema> {
  const bytes = await readBytes(file);
  const format = detectFormat(file, bytes);
  if (format === 'parquet') return readParquetSchema(bytes, file);
  if (format === 'arrow') return arrowFromIpc(bytes, file).schema;
  const rows = textRows(format, bytes, file);
  if (rows.columns.length === 0) throw new InvalidArgumentError(`${file} has no columns to take a schema from`, { context: { file } });
  return format === 'jsonl' ? inferSchema(rows, parseCellJson) : inferCsvSchema(rows, parseCellJson);
}
