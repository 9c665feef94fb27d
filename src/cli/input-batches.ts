/**
 * Input files for `floe append`, read as a stream of record batches so that memory holds a few
 * chunks, not the file: CSV/TSV and JSON lines are decoded, parsed and converted to the table's
 * Arrow schema {@link DEFAULT_CHUNK_ROWS} rows at a time; Arrow IPC files are read one record
 * batch at a time. Parquet inputs are decoded whole (parquet-wasm reads from the file's bytes),
 * and a `.json` file holding one JSON array is read whole (an array has no end before its end).
 *
 * CSV chunks are parsed by `csv-parse` without its per-record `info` and per-field `cast`
 * callbacks, which cost most of the time of a parse: a chunk holding an empty cell (where a
 * quoted `""` and a missing value differ) or a ragged row is parsed again the exact way
 * (`rowsFromCsv`), and the lines of a chunk's rows are worked out the same way when a value
 * needs naming.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { parse as parseCsv } from 'csv-parse/sync';
import { CorruptFileError, readParquet } from '../index.js';
import { arrowFromIpc, batchOfRows, detectFormat, type InputFormat, type RawRows, readBytes, readEnds, unreadable } from './input-files.js';
import type { RawValue } from './convert-column.js';
import { type InvalidTextMode, decodeText, decodeTextStream } from './text-decode.js';
import { rowsFromCsv, rowsFromJsonLines } from './text-rows.js';

/** Rows converted at a time from a text file. */
export const DEFAULT_CHUNK_ROWS = 64 * 1024;

/** One piece of an input file, converted. */
export interface InputChunk {
  /** The rows (a text chunk is one batch of the table's schema; Parquet and Arrow as they are). */
  readonly data: arrow.Table | arrow.RecordBatch;
  /** Rows in `data`. */
  readonly rows: number;
}

/** Options of {@link readInputChunks}. */
export interface ReadChunksOptions {
  /** The table's name, for errors. */
  readonly table: string;
  /** Refuse text that is not valid Unicode, or replace it with U+FFFD. */
  readonly onInvalidText: InvalidTextMode;
  /** Rows per text chunk (default {@link DEFAULT_CHUNK_ROWS}). */
  readonly chunkRows?: number;
  /** Called with the bytes of the file read so far, as they are read (for progress). */
  readonly onBytes?: (bytes: number) => void;
}

/** An input file being read: its format and size, and its chunks. */
export interface InputStream {
  /** The file's format. */
  readonly format: InputFormat;
  /** The file's size in bytes. */
  readonly sizeBytes: number;
  /** The chunks, in file order. */
  readonly chunks: AsyncIterable<InputChunk>;
}

/**
 * Opens an input file for appending to a table, as a stream of chunks.
 * @param file the path
 * @param target the table's Arrow schema
 * @param options the table's name, what to do with invalid text, chunk size, a byte counter
 * @throws InvalidArgumentError / CorruptFileError for a missing, unknown or unreadable file (now), or text that is not valid Unicode (when its chunk is read)
 * @throws SchemaMismatchError naming the file, line and column of a value that does not fit (when its chunk is read)
 */
export async function readInputChunks(file: string, target: arrow.Schema, options: ReadChunksOptions): Promise<InputStream> {
  const { head, tail } = await readEnds(file);
  const format = detectFormat(file, head, tail);
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(file)).size;
  } catch (e) {
    throw unreadable(file, e);
  }
  const chunks = format === 'parquet' ? parquetChunks(file, options) : format === 'arrow' ? arrowChunks(file, options) : textChunks(file, format, target, options, head);
  return { format, sizeBytes, chunks };
}

async function* parquetChunks(file: string, options: ReadChunksOptions): AsyncGenerator<InputChunk> {
  const bytes = await readBytes(file);
  options.onBytes?.(bytes.length);
  const data = readParquet(bytes, { path: file });
  yield { data, rows: data.numRows };
}

async function* arrowChunks(file: string, options: ReadChunksOptions): AsyncGenerator<InputChunk> {
  let reader: arrow.AsyncRecordBatchStreamReader | arrow.RecordBatchReader;
  try {
    reader = await arrow.RecordBatchReader.from(countBytes(createReadStream(file), options.onBytes));
  } catch (e) {
    // Not a stream the reader can follow (e.g. an IPC file whose footer it needs): read it whole.
    const data = arrowFromIpc(await readBytes(file), file);
    yield { data, rows: data.numRows };
    return;
  }
  try {
    for await (const batch of reader as AsyncIterable<arrow.RecordBatch>) yield { data: batch, rows: batch.numRows };
  } catch (e) {
    throw new CorruptFileError(file, `not a readable Arrow IPC file: ${(e as Error).message}`, { cause: e });
  }
}

/** Passes a stream's chunks on, reporting the running byte count. */
async function* countBytes(chunks: AsyncIterable<Uint8Array>, onBytes: ((bytes: number) => void) | undefined): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    onBytes?.(bytes);
    yield chunk;
  }
}

/**
 * The file's text in pieces of at most `chunkRows` lines (each ending at a line feed, the last
 * one need not), with the 1-based line each piece starts on.
 */
async function* linePieces(file: string, mode: InvalidTextMode, chunkRows: number, onBytes: ((bytes: number) => void) | undefined): AsyncGenerator<{ text: string; firstLine: number; lines: number }> {
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let pending: string[] = [];
  let lines = 0;
  let firstLine = 1;
  const flush = (): { text: string; firstLine: number; lines: number } => {
    const piece = { text: pending.join(''), firstLine, lines };
    firstLine += lines;
    pending = [];
    lines = 0;
    return piece;
  };
  try {
    for await (let text of decodeTextStream(countBytes(stream, onBytes), { file, mode })) {
      for (;;) {
        // Cut the text after the line feed that completes this chunk's lines, if it holds it.
        let at = -1;
        let n = lines;
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
          n++;
          if (n === chunkRows) {
            at = i + 1;
            break;
          }
        }
        if (at < 0) {
          pending.push(text);
          lines = n;
          break;
        }
        pending.push(text.slice(0, at));
        lines = n;
        text = text.slice(at);
        yield flush();
      }
    }
  } finally {
    stream.destroy();
  }
  if (pending.length > 0) yield flush();
}

/** Line feeds in a text. */
function lineFeeds(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether a CSV parse failed only because the text ends inside a quoted field. */
function endsInsideQuotes(e: unknown): boolean {
  return (e as { code?: unknown } | undefined)?.code === 'CSV_QUOTE_NOT_CLOSED';
}

async function* textChunks(file: string, format: InputFormat, target: arrow.Schema, options: ReadChunksOptions, head: Uint8Array): AsyncGenerator<InputChunk> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const where = { file, table: options.table };
  if (format === 'jsonl' && isJsonArray(head)) {
    // One JSON array: read whole, as before (see the module comment).
    const bytes = await readBytes(file);
    options.onBytes?.(bytes.length);
    const rows = rowsFromJsonLines(decodeText(bytes, { file, mode: options.onInvalidText }), file, { onInvalidText: options.onInvalidText });
    if (rows.rowCount > 0) yield { data: batchOfRows(rows, (r) => rows.lines[r] ?? 0, target, where), rows: rows.rowCount };
    return;
  }
  const pieces = linePieces(file, options.onInvalidText, chunkRows, options.onBytes);
  if (format === 'jsonl') {
    for await (const piece of pieces) {
      const rows = rowsFromJsonLines(piece.text, file, { onInvalidText: options.onInvalidText, lineOffset: piece.firstLine - 1 });
      if (rows.rowCount > 0) yield { data: batchOfRows(rows, (r) => rows.lines[r] ?? 0, target, where), rows: rows.rowCount };
    }
    return;
  }
  const delimiter = format === 'tsv' ? '\t' : ',';
  let header: { text: string; columns: string[] } | undefined;
  let carry: { text: string; firstLine: number } | undefined;
  const convert = (text: string, firstLine: number, final: boolean): InputChunk | undefined => {
    const h = header!;
    /** The chunk parsed the exact way (header first, so ragged rows and line numbers read as in the whole file). */
    const exactRows = () => rowsFromCsv(h.text + text, file, delimiter, { lineOffset: firstLine - 1 - lineFeeds(h.text) });
    let records: string[][];
    try {
      records = parseCsv(text, { delimiter, skip_empty_lines: true, relax_column_count: true }) as string[][];
    } catch (e) {
      if (endsInsideQuotes(e) && !final) throw e;
      // Malformed CSV: the exact parse names the line.
      records = [['']];
    }
    if (records.length === 0) return undefined;
    const width = h.columns.length;
    let exact = false;
    const values = new Map<string, RawValue[]>(h.columns.map((c) => [c, new Array<RawValue>(records.length)]));
    const columns = h.columns.map((c) => values.get(c)!);
    for (let r = 0; r < records.length && !exact; r++) {
      const record = records[r]!;
      if (record.length !== width) exact = true;
      for (let k = 0; k < width && !exact; k++) {
        const v = record[k]!;
        if (v === '') exact = true;
        columns[k]![r] = v;
      }
    }
    if (exact) {
      const rows = exactRows();
      return { data: batchOfRows(rows, (r) => rows.lines[r] ?? 0, target, where), rows: rows.rowCount };
    }
    const rows: RawRows = { columns: h.columns, values, rowCount: records.length };
    let lines: readonly number[] | undefined;
    return { data: batchOfRows(rows, (r) => (lines ??= exactRows().lines)[r] ?? 0, target, where), rows: records.length };
  };
  /** Takes the header off the first text, parsed the exact way (names, duplicates); returns the rest. */
  const takeHeader = (text: string, firstLine: number): { text: string; firstLine: number } => {
    const [first] = parseCsv(text, { delimiter, bom: true, skip_empty_lines: true, info: true, to: 1 }) as unknown as { info: { lines: number } }[];
    const lines = text.split('\n');
    const headerText = lines.slice(0, first?.info.lines ?? lines.length).join('\n') + '\n';
    header = { text: headerText, columns: [...rowsFromCsv(headerText, file, delimiter, { lineOffset: firstLine - 1 }).columns] };
    const headerLines = lineFeeds(headerText);
    return { text: lines.slice(headerLines).join('\n'), firstLine: firstLine + headerLines };
  };
  for await (const piece of pieces) {
    let text = carry ? carry.text + piece.text : piece.text;
    let firstLine = carry ? carry.firstLine : piece.firstLine;
    let chunk: InputChunk | undefined;
    try {
      if (header === undefined) ({ text, firstLine } = takeHeader(text, firstLine));
      chunk = convert(text, firstLine, false);
    } catch (e) {
      // A quoted field holding line breaks that runs on into the next piece: parse them together.
      if (!endsInsideQuotes(e) && !endsInsideQuotes((e as { cause?: unknown }).cause)) throw e;
      carry = { text, firstLine };
      continue;
    }
    carry = undefined;
    if (chunk) yield chunk;
  }
  if (carry) {
    if (header === undefined) {
      try {
        carry = takeHeader(carry.text, carry.firstLine);
      } catch (e) {
        // Malformed CSV (an unclosed quote at the end): the exact parse names the line.
        rowsFromCsv(carry.text, file, delimiter, { lineOffset: carry.firstLine - 1 });
        throw e;
      }
    }
    const chunk = convert(carry.text, carry.firstLine, true);
    if (chunk) yield chunk;
  }
  // An empty file: the exact parse refuses it for its missing header.
  if (header === undefined) rowsFromCsv('', file, delimiter);
}

/** Whether a JSON file's first non-blank character opens an array. */
function isJsonArray(head: Uint8Array): boolean {
  for (const b of head) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    // A byte-order mark (EF BB BF) before the text.
    if (b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x5b;
  }
  return false;
}
