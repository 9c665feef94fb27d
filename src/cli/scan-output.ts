/**
 * Where `floe scan` rows go: an aligned table for people, CSV, JSON lines, Parquet or Arrow IPC.
 * Text formats stream batch by batch (a `floe scan | head` never holds the whole table); the
 * aligned table and the binary formats need all rows first (column widths, one file footer).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError, writeParquet } from '../index.js';
import { formatTable } from './format-table.js';
import { jsonText } from './json-output.js';
import { type PlainValue, jsonSafe, textOf, valueAt } from './values.js';

/** The output formats of `floe scan`. */
export const SCAN_FORMATS = ['table', 'csv', 'jsonl', 'parquet', 'arrow'] as const;

/** One of {@link SCAN_FORMATS}. */
export type ScanFormat = (typeof SCAN_FORMATS)[number];

/**
 * Parses `--format`.
 * @param text the option
 * @throws InvalidArgumentError for an unknown format
 */
export function scanFormat(text: string): ScanFormat {
  const f = text.toLowerCase() === 'json' ? 'jsonl' : text.toLowerCase();
  if (!(SCAN_FORMATS as readonly string[]).includes(f)) throw new InvalidArgumentError(`unknown --format ${JSON.stringify(text)}; use one of ${SCAN_FORMATS.join(', ')}`);
  return f as ScanFormat;
}

/**
 * The format an output file's extension implies, if any.
 * @param file the `--out` path
 */
export function formatOfFile(file: string): ScanFormat | undefined {
  const ext = file.toLowerCase().split('.').pop() ?? '';
  return ({ parquet: 'parquet', pq: 'parquet', csv: 'csv', jsonl: 'jsonl', ndjson: 'jsonl', json: 'jsonl', arrow: 'arrow', feather: 'arrow', ipc: 'arrow', txt: 'table' } as Record<string, ScanFormat>)[ext];
}

/** Receives batches and produces output chunks. */
export interface ScanSink {
  /** Output for one batch (text formats), or nothing yet. */
  batch(batch: arrow.RecordBatch): string | undefined;
  /** The output left at the end; `schema` is the output's (the projected columns, in order). */
  end(schema: arrow.Schema): string | Uint8Array;
}

/** Options shared by the sinks. */
export interface SinkOptions {
  /** Names of uuid columns (their FixedSizeBinary(16) prints as a dashed uuid). */
  readonly uuidColumns: ReadonlySet<string>;
}

function rowValues(batch: arrow.RecordBatch, r: number, options: SinkOptions): PlainValue[] {
  return batch.schema.fields.map((f, c) => valueAt(batch.getChildAt(c)!, r, { uuidColumns: options.uuidColumns.has(f.name) }));
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A sink for a format.
 * @param format the format
 * @param options uuid columns
 */
export function makeSink(format: ScanFormat, options: SinkOptions): ScanSink {
  switch (format) {
    case 'jsonl':
      return {
        batch(batch) {
          const names = batch.schema.fields.map((f) => f.name);
          let out = '';
          for (let r = 0; r < batch.numRows; r++) {
            const values = rowValues(batch, r, options);
            out += `${jsonText(Object.fromEntries(names.map((n, c) => [n, jsonSafe(values[c]!)])))}\n`;
          }
          return out;
        },
        end: () => '',
      };
    case 'csv': {
      let header = false;
      return {
        batch(batch) {
          let out = header ? '' : `${batch.schema.fields.map((f) => csvCell(f.name)).join(',')}\n`;
          header = true;
          for (let r = 0; r < batch.numRows; r++) out += `${rowValues(batch, r, options).map((v) => (v === null ? '' : csvCell(textOf(v)))).join(',')}\n`;
          return out;
        },
        end: (schema) => (header ? '' : `${schema.fields.map((f) => csvCell(f.name)).join(',')}\n`),
      };
    }
    case 'table': {
      const rows: string[][] = [];
      return {
        batch(batch) {
          for (let r = 0; r < batch.numRows; r++) rows.push(rowValues(batch, r, options).map((v) => (v === null ? 'null' : textOf(v, { maxListItems: 4 }))));
          return undefined;
        },
        end: (schema) => `${formatTable(schema.fields.map((f) => f.name), rows)}(${rows.length} row${rows.length === 1 ? '' : 's'})\n`,
      };
    }
    case 'parquet':
    case 'arrow': {
      const batches: arrow.RecordBatch[] = [];
      return {
        batch(batch) {
          batches.push(batch);
          return undefined;
        },
        end(schema) {
          // The output schema (field ids kept, no table-level metadata) on every batch.
          const table = batches.length === 0 ? new arrow.Table(schema) : new arrow.Table(batches.map((b) => new arrow.RecordBatch(schema, b.data)));
          return format === 'parquet' ? writeParquet(table) : arrow.tableToIPC(table, 'file');
        },
      };
    }
  }
}
