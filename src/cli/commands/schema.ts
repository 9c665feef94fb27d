/**
 * `floe schema <table> [--snapshot ID]`: the current schema, or the one a snapshot was written
 * with (`--json` prints the Iceberg schema JSON, spec Appendix C).
 *
 * @module
 */
import { Command } from 'commander';
import { encodeSchema } from '../../index.js';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';
import { schemaAt, schemaRows } from './common.js';

/** `floe schema`. */
export function schemaCommand(): Command {
  return new Command('schema')
    .description("print the table's schema (field ids, names, types), current or at a snapshot")
    .argument('<table>', 'the table')
    .option('--snapshot <id>', 'the schema this snapshot was written with')
    .action(async (name: string, opts: { snapshot?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const schema = schemaAt(table, opts.snapshot);
      const rows = schemaRows(schema, table.vectorDimensions());
      await ctx.print(encodeSchema(schema), () =>
        formatTable(
          ['id', 'name', 'type', 'required', 'doc'],
          rows.map((r) => [String(r.id), r.name, r.type, r.required ? 'required' : 'optional', r.doc]),
          { rightAlign: [0] },
        ),
      );
    });
}
