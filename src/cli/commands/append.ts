/**
 * `floe append <table> <file…>`: adds the rows of Parquet, Arrow IPC, CSV/TSV and JSON-lines
 * files. Files with the same columns go in one snapshot (so an append of many CSV files is
 * atomic); Parquet or Arrow files whose column types differ from each other are committed one
 * snapshot per distinct schema, since a snapshot's rows are handed over as one Arrow table.
 *
 * @module
 */
import { Command } from 'commander';
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError, type Snapshot } from '../../index.js';
import { readInputFile } from '../input-files.js';
import { INVALID_TEXT_MODES, invalidTextMode } from '../text-decode.js';
import { Progress, formatBytes } from '../progress.js';
import { contextOf } from '../context.js';
import { counted } from '../plural.js';

interface AppendOptions {
  readonly branch?: string;
  readonly onInvalidText?: string;
}

/** Input batches grouped by identical schema, in first-seen order. */
function groupBySchema(tables: readonly arrow.Table[]): arrow.RecordBatch[][] {
  const groups: { key: string; batches: arrow.RecordBatch[] }[] = [];
  for (const t of tables) {
    const key = t.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`).join('|');
    const g = groups.find((x) => x.key === key);
    // One push per batch: spreading a file's batches as arguments overflows the stack when there are many.
    const batches = g?.batches ?? [];
    for (const b of t.batches) batches.push(b);
    if (!g) groups.push({ key, batches });
  }
  return groups.map((g) => g.batches);
}

/** `floe append`. */
export function appendCommand(): Command {
  return new Command('append')
    .description('append the rows of Parquet, Arrow IPC, CSV/TSV or JSON-lines files (one snapshot)')
    .argument('<table>', 'the table')
    .argument('<files...>', 'input files (.parquet, .arrow/.feather/.ipc, .csv, .tsv, .jsonl/.ndjson/.json)')
    .option('--branch <name>', 'commit to this branch instead of main')
    .option('--on-invalid-text <mode>', `text that is not valid UTF-8 (or a lone surrogate escape in JSON): ${INVALID_TEXT_MODES.join('|')} (default fail: refuse, naming file:line:column; replace: read it as U+FFFD)`)
    .addHelpText(
      'after',
      `
CSV and JSON values are converted to the table's column types (ISO-8601 times, base64 binary,
JSON arrays for vectors and lists); a value that does not fit names its file, line and column.
Text files must be UTF-8: invalid bytes are refused unless --on-invalid-text replace.

Example:
  floe append ml.events day1.parquet day2.csv`,
    )
    .action(async (name: string, files: string[], opts: AppendOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (files.length === 0) throw new InvalidArgumentError('give at least one file to append');
      const onInvalidText = invalidTextMode(opts.onInvalidText);
      const table = await ctx.table(name);
      const target = table.arrowSchema();
      const progress = new Progress(`reading ${counted(files.length, 'file')}`, ctx.progressOptions());
      const inputs: arrow.Table[] = [];
      let bytes = 0;
      for (const file of files) {
        const input = await readInputFile(file, target, { table: table.name, onInvalidText });
        inputs.push(input.data);
        bytes += input.sizeBytes;
        progress.add(input.data.numRows, input.sizeBytes);
      }
      const rows = inputs.reduce((n, t) => n + t.numRows, 0);
      progress.phase(`committing to ${table.name}`);
      const snapshots: Snapshot[] = [];
      // An empty input commits nothing: an empty snapshot would only add noise to the history.
      if (rows > 0) {
        for (const batches of groupBySchema(inputs)) snapshots.push(await table.append(batches, opts.branch ? { branch: opts.branch } : {}));
      }
      progress.done();
      const last = snapshots.at(-1);
      await ctx.print(
        {
          table: table.name,
          rows,
          files: files.length,
          bytes,
          snapshots: snapshots.map((s) => ({ snapshotId: s.snapshotId, sequenceNumber: s.sequenceNumber, timestampMs: s.timestampMs })),
        },
        () =>
          `appended ${counted(rows, 'row')} from ${counted(files.length, 'file')} (${formatBytes(bytes)}) to ${table.name}` +
          (last ? `: snapshot ${last.snapshotId} (sequence ${last.sequenceNumber})` : '') +
          (snapshots.length > 1 ? ` in ${snapshots.length} snapshots (the files' column types differ)` : '') +
          '\n',
      );
    });
}
