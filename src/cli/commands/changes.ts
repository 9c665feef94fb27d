/**
 * `floe changes <table> --from ID [--to ID]`: the rows the snapshots after `--from` (up to
 * `--to`, default the current one) inserted and deleted, with the change type, ordinal and
 * snapshot (spec/changelog.md), printed as `floe scan` prints rows: an aligned table, CSV or
 * JSON lines, streamed batch by batch.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { Command } from 'commander';
import { type ChangesOptions, InvalidArgumentError } from '../../index.js';
import { DEFAULT_MAX_ROWS, type ScanFormat, makeSink, scanFormat } from '../scan-output.js';
import { contextOf } from '../context.js';
import { nonNegativeInt, positiveInt } from './common.js';

interface ChangesCliOptions {
  readonly from: string;
  readonly to?: string;
  readonly columns?: string;
  readonly filter?: string;
  readonly limit?: string;
  readonly format?: string;
  readonly maxRows?: string;
}

/** The text formats changes print in (the binary ones of `floe scan` need `--out`, not offered here). */
const CHANGES_FORMATS: readonly ScanFormat[] = ['table', 'csv', 'jsonl'];

function changesOptions(opts: ChangesCliOptions): ChangesOptions {
  const columns = opts.columns === undefined ? undefined : opts.columns.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
  return {
    fromSnapshot: opts.from,
    ...(opts.to !== undefined ? { toSnapshot: opts.to } : {}),
    ...(columns !== undefined ? { columns } : {}),
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
  };
}

/** `floe changes`. */
export function changesCommand(): Command {
  return new Command('changes')
    .description('the rows the snapshots after --from inserted and deleted (a changelog)')
    .argument('<table>', 'the table')
    .requiredOption('--from <id>', 'read the changes after this snapshot (exclusive)')
    .option('--to <id>', 'up to this snapshot (inclusive; default the current one); --from must be its ancestor')
    .option('--columns <a,b,…>', 'only these columns, in this order (the change columns follow)')
    .option('--filter <expr>', `only changed rows matching, e.g. "user_id = 42"`)
    .option('--limit <n>', 'at most this many rows')
    .option('--max-rows <n>', `rows the table format shows before it says how many more there are (default ${DEFAULT_MAX_ROWS})`)
    .option('--format <format>', `${CHANGES_FORMATS.join('|')} (default: table; jsonl with --json)`)
    .addHelpText(
      'after',
      `
Each row comes with _change_type (insert or delete), _change_ordinal (the snapshot's position
in the range, 0 first), _commit_snapshot_id and _commit_sequence_number. Snapshots come oldest
first, a snapshot's deletes before its inserts. A replace (compaction) changes nothing; a row a
snapshot deleted and re-inserted unchanged is not a change; an updated row is a delete of its
old values and an insert of its new ones (spec/changelog.md).

Examples:
  floe changes ml.events --from 5712496418805316254
  floe changes ml.events --from 5712496418805316254 --to 3051729675574597004 --json | jq .`,
    )
    .action(async (name: string, opts: ChangesCliOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const format = opts.format !== undefined ? scanFormat(opts.format) : ctx.json ? 'jsonl' : 'table';
      if (!CHANGES_FORMATS.includes(format)) throw new InvalidArgumentError(`floe changes prints --format ${CHANGES_FORMATS.join(', ')}, not ${format}`);
      if (opts.maxRows !== undefined && format !== 'table') throw new InvalidArgumentError(`--max-rows applies to --format table only; use --limit to cut ${format} output`);
      const maxRows = opts.maxRows === undefined ? DEFAULT_MAX_ROWS : positiveInt(opts.maxRows, '--max-rows');
      let remaining = opts.limit === undefined ? Number.POSITIVE_INFINITY : nonNegativeInt(opts.limit, '--limit');
      const table = await ctx.table(name);
      const changes = table.changes(changesOptions(opts));
      const outSchema = changes.arrowSchema();
      const uuidColumns = new Set(changes.schema.fields.filter((f) => f.type.type === 'uuid').map((f) => f.name));
      const sink = makeSink(format, { uuidColumns, maxRows });
      const emit = async (chunk: string | Uint8Array): Promise<void> => {
        if (chunk.length > 0) await ctx.write(chunk);
      };
      if (remaining > 0) {
        for await (const batch of changes.batches()) {
          const kept: arrow.RecordBatch = batch.numRows <= remaining ? batch : batch.slice(0, remaining);
          remaining -= kept.numRows;
          const text = sink.batch(kept);
          if (text !== undefined) await emit(text);
          if (remaining === 0) break;
        }
      }
      await emit(sink.end(outSchema));
    });
}
