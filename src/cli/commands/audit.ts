/**
 * `floe audit`: the decisions a governed REST catalog server recorded (spec/governance.md §G8),
 * read from the warehouse's `_system.audit` table — directly from storage, or through the
 * served catalog with a credential that holds `READ` on it. Filters prune by the table's day
 * partitions and file metrics; output streams file by file, oldest batch first, like `floe scan`
 * (an aligned table of the first rows for people, JSON lines with `--json`).
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { Command } from 'commander';
import { z } from 'zod';
import { type Expression, type FileScanTask, InvalidArgumentError, TableNotFoundError, and, eq, gtEq, isFloeError, type Table } from '../../index.js';
import { contextOf } from '../context.js';
import { formatTable } from '../format-table.js';
import { DEFAULT_MAX_ROWS, makeSink, rowCountFromPlan } from '../scan-output.js';
import { textOf, valueAt } from '../values.js';
import { nonNegativeInt } from './common.js';

/** The audit table the REST catalog server writes (src/catalog/rest/server/audit-sink.ts). */
const AUDIT_TABLE = '_system.audit';

/** The columns people see; `--json` prints every column. */
const PEOPLE_COLUMNS = ['time', 'principal_name', 'client_id', 'operation', 'privilege', 'object', 'allowed', 'status', 'reason'];

interface AuditCliOptions {
  readonly since?: string;
  readonly principal?: string;
  readonly table?: string;
  readonly denied?: boolean;
  readonly limit?: string;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const SinceSchema = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z
    .string()
    .regex(/^\d{1,9}[smhd]$/)
    .transform((t) => ({ back: Number(t.slice(0, -1)) * UNIT_MS[t.slice(-1)]! })),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/)
    // A time without a zone is UTC, as everywhere in Floe's CLI (never the machine's zone).
    .transform((t) => Date.parse(/T|\s/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t.replace(' ', 'T')}Z` : t.replace(' ', 'T')))
    .pipe(z.number().finite()),
]);

/**
 * `--since` (or another time option, named by `option`): ms since the epoch, a duration back
 * from now (`15m`, `2h`, `7d`), or ISO-8601.
 * @throws InvalidArgumentError naming the value
 */
export function parseSince(text: string, nowMs: number, option = '--since'): Date {
  const r = SinceSchema.safeParse(text.trim());
  if (!r.success) {
    throw new InvalidArgumentError(`${option} must be ISO-8601 (2026-01-05T10:00:00Z), ms since the epoch, or a duration such as 15m, 2h or 7d; got ${JSON.stringify(text.slice(0, 64))}`, {
      context: { option },
    });
  }
  return new Date(typeof r.data === 'number' ? r.data : nowMs - r.data.back);
}

// A principal's name as governance allows it (governance/model.ts), or `anonymous`.
const PrincipalSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/);

// A table identifier: a namespace and a name, dot-separated, no empty part, no slash or control character.
const TableSchema = z
  .string()
  .max(1000)
  .regex(/^[^./\\\p{Cc}]+(\.[^./\\\p{Cc}]+)+$/u);

/** The row filter the options ask for, if any. @throws InvalidArgumentError */
function filterOf(opts: AuditCliOptions, nowMs: number): Expression | undefined {
  const parts: Expression[] = [];
  if (opts.since !== undefined) parts.push(gtEq('time', parseSince(opts.since, nowMs)));
  if (opts.principal !== undefined) {
    if (!PrincipalSchema.safeParse(opts.principal).success) {
      throw new InvalidArgumentError(`--principal must be a principal's name (letters, digits, _ . @ -), got ${JSON.stringify(opts.principal.slice(0, 64))}`, { context: { option: '--principal' } });
    }
    parts.push(eq('principal_name', opts.principal));
  }
  if (opts.table !== undefined) {
    if (!TableSchema.safeParse(opts.table).success) {
      throw new InvalidArgumentError(`--table must be a table identifier with its namespace (ml.events), got ${JSON.stringify(opts.table.slice(0, 64))}`, { context: { option: '--table' } });
    }
    // The server names a table decision's object `table <namespace>.<name>` (governance securableToString).
    parts.push(eq('object', `table ${opts.table}`));
  }
  if (opts.denied) parts.push(eq('allowed', false));
  return parts.length === 0 ? undefined : and(...parts);
}

/** The files to read, oldest batch first: each server flush is one snapshot (one sequence number). */
function inWrittenOrder(tasks: readonly FileScanTask[]): FileScanTask[] {
  return [...tasks].sort((a, b) => (a.dataSequenceNumber < b.dataSequenceNumber ? -1 : a.dataSequenceNumber > b.dataSequenceNumber ? 1 : a.file.filePath < b.file.filePath ? -1 : 1));
}

/** Reads the rows of the tasks in order, a few files ahead, stopping after `limit` rows. */
async function* rowsInOrder(table: Table, tasks: readonly FileScanTask[], options: { readonly columns?: readonly string[]; readonly filter?: Expression; readonly limit: number }): AsyncGenerator<arrow.RecordBatch> {
  const reader = table.fileReader({ ...(options.columns ? { columns: options.columns } : {}), ...(options.filter ? { filter: options.filter } : {}) });
  let remaining = options.limit;
  const ahead: Promise<arrow.RecordBatch[]>[] = [];
  let next = 0;
  const fill = (): void => {
    while (ahead.length < 4 && next < tasks.length) {
      const p = reader.read(tasks[next++]!);
      p.catch(() => undefined); // surfaced when awaited below
      ahead.push(p);
    }
  };
  fill();
  while (ahead.length > 0 && remaining > 0) {
    const batches = await ahead.shift()!;
    fill();
    for (const batch of batches) {
      if (remaining <= 0) return;
      const cut = batch.numRows <= remaining ? batch : batch.slice(0, remaining);
      remaining -= cut.numRows;
      yield cut;
    }
  }
}

async function openAuditTable(load: () => Promise<Table>, warehouse: string): Promise<Table> {
  try {
    return await load();
  } catch (e) {
    if (!isFloeError(e, 'TABLE_NOT_FOUND')) throw e;
    throw new TableNotFoundError(AUDIT_TABLE, {
      cause: e,
      context: { warehouse },
      help: 'a governed `floe serve` writes it with its first batch of decisions; through a catalog, your credential needs READ on _system.audit',
    });
  }
}

/** `floe audit`. */
export function auditCommand(): Command {
  return new Command('audit')
    .description("the REST catalog server's audit log: who was allowed or denied what, when")
    .option('--since <time>', 'only decisions at or after this time: ISO-8601, ms since the epoch, or back from now (15m, 2h, 7d)')
    .option('--principal <name>', 'only the decisions about this principal (anonymous: requests without a token)')
    .option('--table <namespace.table>', 'only the decisions on this table')
    .option('--denied', 'only refusals')
    .option('--limit <n>', 'at most this many decisions')
    .addHelpText(
      'after',
      `
Reads the warehouse's _system.audit table (an Iceberg table any engine can query), directly or
through a served catalog (--warehouse http://…, with a credential holding READ on it). Oldest
batch first; the table shows the first ${DEFAULT_MAX_ROWS} rows and counts the rest; --json prints every
column as JSON lines (spec/cli-json.md). --table selects the decisions made on that table
(object "table NS.TABLE"), not those on its namespace. A refused login has no principal: its
client_id column names the client id it claimed. The server writes decisions in batches
(spec/governance.md §G8): the newest may not be in the table yet.

Examples:
  floe audit --denied --since 1h
  floe audit --principal alice --since 2026-01-05 --json
  floe audit --table ml.events --limit 20`,
    )
    .action(async (opts: AuditCliOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const limit = opts.limit === undefined ? Number.POSITIVE_INFINITY : nonNegativeInt(opts.limit, '--limit');
      const filter = filterOf(opts, Date.now());
      const wh = await ctx.warehouse();
      const table = await openAuditTable(() => wh.loadTable(AUDIT_TABLE), ctx.warehouseUri);
      const plan = await table.scan(filter ? { filter } : {}).planFiles();
      const columns = ctx.json ? undefined : PEOPLE_COLUMNS;
      const rows = rowsInOrder(table, inWrittenOrder(plan.tasks), { ...(columns ? { columns } : {}), ...(filter ? { filter } : {}), limit });
      if (ctx.json) {
        const sink = makeSink('jsonl', { uuidColumns: new Set() });
        for await (const batch of rows) await ctx.write(sink.batch(batch) ?? '');
        return;
      }
      // Without a filter the files' record counts give the total, so reading stops at the rows shown.
      const known = rowCountFromPlan(plan.tasks, { filtered: filter !== undefined, ...(opts.limit !== undefined ? { limit } : {}) });
      const shown: string[][] = [];
      let seen = 0;
      for await (const batch of rows) {
        for (let r = 0; r < batch.numRows && shown.length < DEFAULT_MAX_ROWS; r++) {
          shown.push(batch.schema.fields.map((_, c) => {
            const v = valueAt(batch.getChildAt(c)!, r);
            return v === null ? '' : textOf(v);
          }));
        }
        seen += batch.numRows;
        if (known !== undefined && shown.length >= DEFAULT_MAX_ROWS) break;
      }
      const total = known ?? seen;
      const more = total - shown.length;
      const footer = more > 0 ? `… ${more.toLocaleString('en-US')} more (${total.toLocaleString('en-US')} in all; narrow with --since, --principal, --table, --denied, or --json for all)` : `(${total.toLocaleString('en-US')} decision${total === 1 ? '' : 's'})`;
      await ctx.write(`${formatTable(PEOPLE_COLUMNS, shown)}${footer}\n`);
    });
}
