/**
 * `floe evolve <table> OPERATION …`: one schema change per command, committed as a new schema
 * (spec §Schema Evolution). Columns are found by field id, so renames keep their data and old
 * snapshots keep reading with the schema they were written with.
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, encodeSchema, type SchemaUpdate } from '../../index.js';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';
import { counted } from '../plural.js';
import { schemaRows } from './common.js';

/** The operations, their arguments, and how each applies to a schema update. */
const OPERATIONS: Readonly<Record<string, { readonly args: readonly string[]; readonly apply: (u: SchemaUpdate, a: readonly string[], doc?: string) => SchemaUpdate }>> = {
  'add-column': { args: ['NAME', 'TYPE'], apply: (u, [n, t], doc) => u.addColumn(n!, t!, doc === undefined ? {} : { doc }) },
  'rename-column': { args: ['NAME', 'NEW_NAME'], apply: (u, [a, b]) => u.renameColumn(a!, b!) },
  'drop-column': { args: ['NAME'], apply: (u, [a]) => u.dropColumn(a!) },
  widen: { args: ['NAME', 'TYPE'], apply: (u, [a, t]) => u.widenColumn(a!, t!) },
  'make-optional': { args: ['NAME'], apply: (u, [a]) => u.makeOptional(a!) },
};

const USAGE = Object.entries(OPERATIONS)
  .map(([op, { args }]) => `${op} ${args.join(' ')}`)
  .join(' | ');

/** `floe evolve`. */
export function evolveCommand(): Command {
  return new Command('evolve')
    .description('change the schema: add-column, rename-column, drop-column, widen, make-optional')
    .argument('<table>', 'the table')
    .argument('<operation>', USAGE)
    .argument('[args...]', 'the operation\'s arguments')
    .option('--doc <text>', 'documentation for add-column')
    .addHelpText(
      'after',
      `
Operations:
  add-column NAME TYPE      a new optional column (dotted NAME adds inside a struct)
  rename-column NAME NEW    data stays: columns are found by field id
  drop-column NAME          its field id is retired, never reused
  widen NAME TYPE           int → long, float → double, decimal(P,S) → decimal(P',S) with P' ≥ P
  make-optional NAME        a required column becomes optional

Examples:
  floe evolve ml.features add-column ctr double
  floe evolve ml.features rename-column avg_value avg_order_value`,
    )
    .action(async (name: string, operation: string, args: string[], opts: { doc?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const op = OPERATIONS[operation];
      if (!op) throw new InvalidArgumentError(`unknown schema operation ${JSON.stringify(operation)}`, { help: `use one of: ${USAGE}` });
      if (args.length !== op.args.length) {
        throw new InvalidArgumentError(`${operation} takes ${counted(op.args.length, 'argument')} (${op.args.join(' ')}), got ${args.length}`, {
          help: `floe evolve ${name} ${operation} ${op.args.join(' ')}`,
        });
      }
      const table = await ctx.table(name);
      const schema = await op.apply(table.updateSchema(), args, opts.doc).commit();
      const rows = schemaRows(schema, table.vectorDimensions());
      await ctx.print({ table: table.name, schema: encodeSchema(schema) }, () =>
        `${operation} ${args.join(' ')}: ${table.name} now has schema ${schema.schemaId}\n\n` +
        formatTable(['id', 'name', 'type', 'required'], rows.map((r) => [String(r.id), r.name, r.type, r.required ? 'required' : 'optional']), { rightAlign: [0] }),
      );
    });
}
