/**
 * `floe scan <table>`: rows of the current snapshot or of an older one (`--snapshot`,
 * `--as-of`, `--ref`), optionally projected (`--columns`), filtered (`--filter`) and limited,
 * printed as an aligned table, CSV or JSON lines, or written as Parquet or Arrow IPC.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { Command } from 'commander';
import { InvalidArgumentError, type ScanOptions } from '../../index.js';
import { Progress } from '../progress.js';
import { DEFAULT_MAX_ROWS, type ScanFormat, SCAN_FORMATS, formatOfFile, makeSink, rowCountFromPlan, scanFormat } from '../scan-output.js';
import { contextOf } from '../context.js';
import { counted } from '../plural.js';
import { nonNegativeInt, positiveInt } from './common.js';

interface ScanCliOptions {
  readonly snapshot?: string;
  readonly asOf?: string;
  readonly ref?: string;
  readonly columns?: string;
  readonly filter?: string;
  readonly limit?: string;
  readonly format?: string;
  readonly out?: string;
  readonly maxRows?: string;
}

function batchBytes(data: { readonly values?: unknown; readonly valueOffsets?: unknown; readonly nullBitmap?: unknown; readonly children: readonly unknown[] }): number {
  let n = 0;
  for (const b of [data.values, data.valueOffsets, data.nullBitmap]) if (ArrayBuffer.isView(b)) n += b.byteLength;
  for (const c of data.children) n += batchBytes(c as typeof data);
  return n;
}

function columnList(opts: ScanCliOptions): string[] | undefined {
  return opts.columns
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

function scanOptions(opts: ScanCliOptions): ScanOptions {
  const chosen = [opts.snapshot, opts.asOf, opts.ref].filter((x) => x !== undefined).length;
  if (chosen > 1) throw new InvalidArgumentError('give at most one of --snapshot, --as-of and --ref');
  const columns = columnList(opts);
  const asOf = opts.asOf === undefined ? undefined : /^\d+$/.test(opts.asOf.trim()) ? Number(opts.asOf) : opts.asOf;
  return {
    ...(opts.snapshot !== undefined ? { snapshotId: opts.snapshot } : {}),
    ...(asOf !== undefined ? { asOf } : {}),
    ...(opts.ref !== undefined ? { ref: opts.ref } : {}),
    ...(columns !== undefined ? { columns } : {}),
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    ...(opts.limit !== undefined ? { limit: nonNegativeInt(opts.limit, '--limit') } : {}),
  };
}

/** `floe scan`. */
export function scanCommand(): Command {
  return new Command('scan')
    .description('read rows: of the current snapshot, or of an older version (time travel)')
    .argument('<table>', 'the table')
    .option('--snapshot <id>', 'read this snapshot')
    .option('--as-of <time>', 'read the snapshot current at this time (ISO-8601, or ms since the epoch)')
    .option('--ref <name>', 'read the head of this branch or tag')
    .option('--columns <a,b,…>', 'only these columns, in this order')
    .option('--filter <expr>', `only rows matching, e.g. "score > 0.5 AND cat IN ('a', 'b')"`)
    .option('--limit <n>', 'at most this many rows')
    .option('--max-rows <n>', `rows the table format shows before it says how many more there are (default ${DEFAULT_MAX_ROWS})`)
    .option('--format <format>', `${SCAN_FORMATS.join('|')} (default: table, or from --out's extension; jsonl with --json)`)
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      `
Filters: comparisons (=, !=, <, <=, >, >=), IN (…), NOT IN (…), BETWEEN … AND …, IS [NOT] NULL,
IS [NOT] NAN, STARTS WITH 'x' (or LIKE 'x%'), combined with AND, OR, NOT and parentheses (at most
256 deep); strings, dates and timestamps in single quotes ('2026-01-05T10:00:00Z'), binary as
X'0a1b'; numbers are exact (d = 12345678901234567890.1234567890 on a decimal(38,10) column).

Examples:
  floe scan ml.events --filter "user_id = 42" --limit 10
  floe scan ml.events --as-of 2026-01-05T10:00:00Z --format csv --out old.csv
  floe scan ml.embeddings --ref v1 --format parquet --out v1.parquet`,
    )
    .action(async (name: string, opts: ScanCliOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const format: ScanFormat = opts.format !== undefined ? scanFormat(opts.format) : ((opts.out !== undefined ? formatOfFile(opts.out) : undefined) ?? (ctx.json ? 'jsonl' : 'table'));
      const binary = format === 'parquet' || format === 'arrow';
      if (opts.maxRows !== undefined && format !== 'table') throw new InvalidArgumentError(`--max-rows applies to --format table only; use --limit to cut ${format} output`);
      const maxRows = opts.maxRows === undefined ? DEFAULT_MAX_ROWS : positiveInt(opts.maxRows, '--max-rows');
      if (binary && opts.out === undefined && ctx.stdout.isTTY) {
        throw new InvalidArgumentError(`--format ${format} is binary: give --out FILE (or redirect stdout to a file)`);
      }
      const table = await ctx.table(name);
      const options = scanOptions(opts);
      const scan = table.scan(options);
      // No schema metadata: the table's `iceberg.schema` would describe columns a projected file lacks.
      const outSchema = new arrow.Schema(scan.arrowSchema().fields);
      const uuidColumns = new Set(scan.schema.fields.filter((f) => f.type.type === 'uuid').map((f) => f.name));
      // The table format shows a few rows and the count of the rest: from the plan when it is
      // exact there, so the scan can stop once those rows are read.
      const totalRows = format === 'table' ? rowCountFromPlan((await scan.planFiles()).tasks, { filtered: options.filter !== undefined, ...(options.limit !== undefined ? { limit: options.limit } : {}) }) : undefined;
      const sink = makeSink(format, { uuidColumns, maxRows, ...(totalRows !== undefined ? { totalRows } : {}) });
      const progress = new Progress(`scanning ${table.name}`, ctx.progressOptions());
      const chunks: (string | Uint8Array)[] = [];
      const emit = async (chunk: string | Uint8Array): Promise<void> => {
        if (chunk.length === 0) return;
        if (opts.out !== undefined) chunks.push(chunk);
        else await ctx.write(chunk);
      };
      let rows = 0;
      for await (const batch of scan.batches()) {
        rows += batch.numRows;
        progress.add(batch.numRows, batchBytes(batch.data));
        const text = sink.batch(batch);
        if (text !== undefined) await emit(text);
        if (sink.isSatisfied()) break;
      }
      await emit(sink.end(outSchema));
      progress.done();
      if (opts.out !== undefined) {
        await writeFile(opts.out, chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
        ctx.note(`wrote ${counted(rows, 'row')} to ${opts.out} (${format})`);
      }
    });
}
