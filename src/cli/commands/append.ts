/**
 * `floe append <table> <file…>`: adds the rows of Parquet, Arrow IPC, CSV/TSV and JSON-lines
 * files in one snapshot (an append of many files is atomic). The files are read as streams of
 * chunks (`input-batches.ts`), and each chunk is written as data files as it is converted, so
 * memory holds a few chunks, not the files; the snapshot is committed after the last chunk.
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, type Snapshot } from '../../index.js';
import { type InputChunk, type InputStream, readInputChunks } from '../input-batches.js';
import { INVALID_TEXT_MODES, invalidTextMode } from '../text-decode.js';
import { Progress, formatBytes } from '../progress.js';
import { contextOf } from '../context.js';
import { counted } from '../plural.js';

interface AppendOptions {
  readonly branch?: string;
  readonly onInvalidText?: string;
  readonly progress?: boolean;
}

/** `floe append`. */
export function appendCommand(): Command {
  return new Command('append')
    .description('append the rows of Parquet, Arrow IPC, CSV/TSV or JSON-lines files (one snapshot)')
    .argument('<table>', 'the table')
    .argument('<files...>', 'input files (.parquet, .arrow/.feather/.ipc, .csv, .tsv, .jsonl/.ndjson/.json)')
    .option('--branch <name>', 'commit to this branch instead of main')
    .option('--on-invalid-text <mode>', `text that is not valid UTF-8 (or a lone surrogate escape in JSON): ${INVALID_TEXT_MODES.join('|')} (default fail: refuse, naming file:line:column; replace: read it as U+FFFD)`)
    .option('--progress', 'show progress (rows, MB, rate, percent and ETA) on stderr even when it is not a terminal')
    .addHelpText(
      'after',
      `
CSV and JSON values are converted to the table's column types (ISO-8601 times, base64 binary,
JSON arrays for vectors and lists); a value that does not fit names its file, line and column,
and nothing is committed. Text files must be UTF-8: invalid bytes are refused unless
--on-invalid-text replace. Files are read and written in chunks, so memory does not grow with
their size; progress goes to stderr when it is a terminal (or with --progress), never to stdout.

Example:
  floe append ml.events day1.parquet day2.csv`,
    )
    .action(async (name: string, files: string[], opts: AppendOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (files.length === 0) throw new InvalidArgumentError('give at least one file to append');
      const onInvalidText = invalidTextMode(opts.onInvalidText);
      const table = await ctx.table(name);
      const target = table.arrowSchema();
      // Every file is opened (format, size) before anything is written, so a missing or unknown file fails first.
      const progress = new Progress(`reading ${counted(files.length, 'file')}`, { ...ctx.progressOptions(), ...(opts.progress ? { enabled: true } : {}) });
      const inputs: InputStream[] = [];
      for (const file of files) {
        let seen = 0;
        const onBytes = (n: number): void => {
          progress.add(0, n - seen);
          seen = n;
        };
        inputs.push(await readInputChunks(file, target, { table: table.name, onInvalidText, onBytes }));
      }
      const bytes = inputs.reduce((n, i) => n + i.sizeBytes, 0);
      progress.setTotalBytes(bytes);
      let rows = 0;
      async function* chunks(): AsyncGenerator<InputChunk['data']> {
        for (const input of inputs) {
          for await (const chunk of input.chunks) {
            rows += chunk.rows;
            progress.add(chunk.rows, 0);
            yield chunk.data;
          }
        }
        progress.phase(`committing to ${table.name}`);
      }
      const snapshot: Snapshot | undefined = await table.appendStream(chunks(), opts.branch ? { branch: opts.branch } : {});
      progress.done();
      const snapshots = snapshot ? [snapshot] : [];
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
          (snapshot ? `: snapshot ${snapshot.snapshotId} (sequence ${snapshot.sequenceNumber})` : '') +
          '\n',
      );
    });
}
