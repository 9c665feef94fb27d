/**
 * Where `floe scan` rows go: an aligned table for people, CSV, JSON lines, Parquet or Arrow IPC.
 * CSV and JSON lines stream batch by batch (a `floe scan | head` never holds the whole table);
 * the binary formats need all rows first (one file footer). The aligned table keeps only the
 * first `maxRows` rows (it needs them for the column widths) and counts the rest from batch
 * lengths or, when the plan says it exactly, from the data files' record counts; it then says
 * how many it left out, as DuckDB's CLI does (`duckdb/tools/shell`, `.maxrows`).
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
  /** Whether the sink has all it will print, so the scan may stop reading. */
  isSatisfied(): boolean;
  /** The output left at the end; `schema` is the output's (the projected columns, in order). */
  end(schema: arrow.Schema): string | Uint8Array;
}

/** The rows the aligned table shows unless `--max-rows` says otherwise. */
export const DEFAULT_MAX_ROWS = 40;

/** Options shared by the sinks. */
export interface SinkOptions {
  /** Names of uuid columns (their FixedSizeBinary(16) prints as a dashed uuid). */
  readonly uuidColumns: ReadonlySet<string>;
  /** Rows the aligned table shows (default {@link DEFAULT_MAX_ROWS}). */
  readonly maxRows?: number;
  /** The scan's row count when known without reading the rows (see {@link rowCountFromPlan}). */
  readonly totalRows?: number;
}

/**
 * The rows a scan returns, from its plan alone: the data files' record counts (exact in
 * Iceberg: `record_count` is required, spec §Manifests), capped by the limit. Unknown when a
 * filter drops rows inside files or delete files apply to some.
 * @param tasks the planned files and the delete files that apply to each
 * @param options whether the scan filters rows, and its limit
 */
export function rowCountFromPlan(
  tasks: readonly { readonly file: { readonly recordCount: number }; readonly deletes: readonly unknown[] }[],
  options: { readonly filtered: boolean; readonly limit?: number },
): number | undefined {
  if (options.filtered) return undefined;
  let total = 0;
  for (const t of tasks) {
    if (t.deletes.length > 0) return undefined;
    total += t.file.recordCount;
  }
  return options.limit === undefined ? total : Math.min(total, options.limit);
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
        isSatisfied: () => false,
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
        isSatisfied: () => false,
        end: (schema) => (header ? '' : `${schema.fields.map((f) => csvCell(f.name)).join(',')}\n`),
      };
    }
    case 'table':
      return tableSink(options);
    case 'parquet':
    case 'arrow': {
      const batches: arrow.RecordBatch[] = [];
      return {
        batch(batch) {
          batches.push(batch);
          return undefined;
        },
        isSatisfied: () => false,
        end(schema) {
          // The output schema (field ids kept, no table-level metadata) on every batch.
          const table = batches.length === 0 ? new arrow.Table(schema) : new arrow.Table(batches.map((b) => new arrow.RecordBatch(schema, b.data)));
          return format === 'parquet' ? writeParquet(table) : arrow.tableToIPC(table, 'file');
        },
      };
    }
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The aligned table: renders the first `maxRows` rows, counts the others without rendering them.
 * @param options uuid columns, the cap and the total when known
 */
function tableSink(options: SinkOptions): ScanSink {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const rows: string[][] = [];
  let seen = 0;
  return {
    batch(batch) {
      for (let r = 0; r < batch.numRows && rows.length < maxRows; r++) rows.push(rowValues(batch, r, options).map((v) => (v === null ? 'null' : textOf(v, { maxListItems: 4 }))));
      seen += batch.numRows;
      return undefined;
    },
    isSatisfied: () => rows.length >= maxRows && options.totalRows !== undefined,
    end(schema) {
      const total = options.totalRows ?? seen;
      const table = formatTable(
        schema.fields.map((f) => f.name),
        rows,
      );
      if (total <= rows.length) return `${table}(${count(total)} row${total === 1 ? '' : 's'})\n`;
      const more = total - rows.length;
      return `${table}… ${count(more)} more row${more === 1 ? '' : 's'} (${count(total)} in all; --max-rows N shows more, --format csv or jsonl all)\n`;
    },
  };
}
