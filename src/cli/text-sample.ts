/**
 * The first rows of a CSV/TSV or JSON-lines file, read as a stream: `floe create --like` infers
 * types from a sample, so it stops reading (and decoding, and parsing) once it has the rows it
 * needs. A `.json` file holding one array is the exception: an array has no end before its end,
 * so it is read whole.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { isFloeError } from '../index.js';
import { type InvalidTextMode, decodeTextStream } from './text-decode.js';
import { type TextRows, rowsFromCsv, rowsFromJsonLines } from './text-rows.js';

/** Options of {@link readTextSample}. */
export interface SampleOptions {
  /** Rows wanted. */
  readonly maxRows: number;
  /** Refuse text that is not valid Unicode, or replace it. */
  readonly onInvalidText: InvalidTextMode;
}

/** Whether a CSV parse failed only because the text ends inside a quoted field (more text may close it). */
function endsInsideQuotes(e: unknown): boolean {
  return isFloeError(e, 'CORRUPT_FILE') && (e.cause as { code?: unknown } | undefined)?.code === 'CSV_QUOTE_NOT_CLOSED';
}

/**
 * Reads up to `maxRows` rows of a text file (and tells whether it has more).
 * @param file the path
 * @param format `csv`, `tsv` or `jsonl`
 * @param options rows wanted, what to do with invalid text
 * @throws InvalidArgumentError for invalid text within the rows read; CorruptFileError for malformed CSV or JSON there
 */
export async function readTextSample(file: string, format: 'csv' | 'tsv' | 'jsonl', options: SampleOptions): Promise<TextRows> {
  const parse = (text: string): TextRows =>
    format === 'jsonl'
      ? rowsFromJsonLines(text, file, { onInvalidText: options.onInvalidText, maxRows: options.maxRows })
      : rowsFromCsv(text, file, format === 'tsv' ? '\t' : ',', { maxRows: options.maxRows });
  // Lines needed before a parse can have enough rows: the rows, one more (to tell whether there
  // are more) and the CSV header. Quoted line breaks and blank lines can make it need more.
  let needed = options.maxRows + 2;
  let text = '';
  let lines = 0;
  let isArray: boolean | undefined;
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    for await (const piece of decodeTextStream(stream, { file, mode: options.onInvalidText })) {
      text += piece;
      for (let i = piece.indexOf('\n'); i >= 0; i = piece.indexOf('\n', i + 1)) lines++;
      isArray ??= text.trimStart() === '' ? undefined : format === 'jsonl' && text.trimStart().startsWith('[');
      if (isArray !== false || lines < needed) continue;
      // Whole lines only: the last one may be cut.
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      let rows: TextRows;
      try {
        rows = parse(complete);
      } catch (e) {
        if (!endsInsideQuotes(e)) throw e;
        needed = lines * 2;
        continue;
      }
      if (rows.hasMore) return rows;
      needed = lines * 2;
    }
  } finally {
    stream.destroy();
  }
  // The end of the file: everything read is the sample.
  return parse(text);
}
