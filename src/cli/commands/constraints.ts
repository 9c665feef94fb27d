/**
 * `floe constraints <table>`: lists a table's data contract (the constraints stored in its
 * `floe.constraint.*` properties), and with `--set` replaces it or with `--clear` removes it.
 *
 * @module
 */
import { Command } from 'commander';
import { type Constraint, InvalidArgumentError } from '../../index.js';
import { parseJson } from '../../util/index.js';
import { contextOf } from '../context.js';
import { formatTable } from '../format-table.js';
import { counted } from '../plural.js';

function constraintText(c: Constraint): { constraint: string; column: string; value: string } {
  switch (c.kind) {
    case 'unique':
      return { constraint: c.kind, column: c.columns.join(', '), value: '' };
    case 'min-rows':
    case 'max-rows':
      return { constraint: c.kind, column: '', value: String(c.value) };
    case 'not-null':
      return { constraint: c.kind, column: c.column, value: '' };
    case 'allowed':
      return { constraint: c.kind, column: c.column, value: JSON.stringify(c.values) };
    case 'regex':
      return { constraint: c.kind, column: c.column, value: c.pattern };
    default:
      return { constraint: c.kind, column: c.column, value: String(c.value) };
  }
}

/** `floe constraints`. */
export function constraintsCommand(): Command {
  return new Command('constraints')
    .description("list a table's constraints (its data contract), or replace them")
    .argument('<table>', 'the table')
    .option('--set <json>', 'replace every constraint, e.g. \'[{"kind":"not-null","column":"id"},{"kind":"max","column":"score","value":1}]\'')
    .option('--clear', 'remove every constraint')
    .action(async (name: string, opts: { set?: string; clear?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      if (opts.set !== undefined && opts.clear) throw new InvalidArgumentError('give --set or --clear, not both');
      if (opts.set !== undefined || opts.clear) {
        let constraints: unknown = [];
        if (opts.set !== undefined) {
          try {
            constraints = parseJson(opts.set);
          } catch (e) {
            throw new InvalidArgumentError(`--set is not JSON: ${(e as Error).message}`, { cause: e });
          }
          if (!Array.isArray(constraints)) throw new InvalidArgumentError('--set takes a JSON array of constraints');
        }
        await table.setConstraints(constraints as Constraint[]);
        ctx.note(`table ${table.name}: ${counted((constraints as unknown[]).length, 'constraint')} set`);
      }
      const list = table.constraints();
      await ctx.print(list, () =>
        list.length === 0
          ? `table ${table.name} has no constraints\n`
          : formatTable(['constraint', 'column', 'value'], list.map((c) => { const t = constraintText(c); return [t.constraint, t.column, t.value]; })),
      );
    });
}
