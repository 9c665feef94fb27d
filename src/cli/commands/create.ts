/**
 * `floe create <table> --schema JSON | --like FILE [--partition SPEC] [--property k=v]…`: a new
 * table (and its namespace, when that does not exist yet).
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, encodeSchema, isFloeError, type Schema } from '../../index.js';
import type * as arrow from 'apache-arrow';
import { formatTable } from '../format-table.js';
import { schemaOfFile } from '../input-files.js';
import { schemaFromArg } from '../schema-arg.js';
import { contextOf } from '../context.js';
import { collect, partitionSpecText, schemaRows } from './common.js';

interface CreateOptions {
  readonly schema?: string;
  readonly like?: string;
  readonly partition?: string;
  readonly property?: string[];
}

function properties(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`--property takes KEY=VALUE, got ${JSON.stringify(p)}`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  return out;
}

/** `floe create`. */
export function createCommand(): Command {
  return new Command('create')
    .description('create a table from a schema (--schema) or from a data file (--like)')
    .argument('<table>', 'the table, as namespace.name (the namespace is created if missing)')
    .option('--schema <json>', `columns as JSON: '{"id":"long not null","ts":"timestamptz","emb":"vector(384)"}', an Iceberg schema JSON, or @file.json`)
    .option('--like <file>', 'take the schema of a Parquet, Arrow, CSV (header, types inferred) or JSON-lines file')
    .option('--partition <spec>', "partition spec, e.g. 'day(ts), bucket(8, id)'")
    .option('--property <key=value>', 'a table property (repeatable)', collect, [])
    .addHelpText(
      'after',
      `
Types: boolean, int, long, float, double, decimal(P,S), date, time, timestamp, timestamptz,
string, uuid, binary, fixed[N], vector(N) (embeddings), list<T>, map<K, V>, struct<a: T>;
append "not null" for a required column.

Examples:
  floe create ml.events --schema '{"user_id":"long not null","ts":"timestamptz","event":"string"}' --partition 'day(ts)'
  floe create ml.items --like items.parquet`,
    )
    .action(async (name: string, opts: CreateOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      if ((opts.schema === undefined) === (opts.like === undefined)) {
        throw new InvalidArgumentError('give exactly one of --schema JSON or --like FILE', { help: 'see `floe create --help`' });
      }
      const props = properties(opts.property ?? []);
      let schema: Schema | arrow.Schema;
      if (opts.schema !== undefined) {
        const parsed = schemaFromArg(opts.schema);
        schema = parsed.schema;
        Object.assign(props, { ...parsed.properties, ...props });
      } else {
        schema = await schemaOfFile(opts.like!);
      }
      const wh = await ctx.warehouse({ mustExist: false });
      const namespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      if (namespace !== undefined && !(await wh.namespaceExists(namespace).catch(() => true))) {
        try {
          await wh.createNamespace(namespace);
          ctx.note(`created namespace ${namespace}`);
        } catch (e) {
          if (!isFloeError(e, 'NAMESPACE_ALREADY_EXISTS')) throw e;
        }
      }
      const table = await wh.createTable(name, schema, {
        ...(opts.partition !== undefined ? { partitionBy: opts.partition } : {}),
        properties: props,
      });
      const spec = partitionSpecText(table.spec(), [table.schema()]);
      const rows = schemaRows(table.schema(), table.vectorDimensions());
      await ctx.print(
        { table: table.name, location: table.location(), schema: encodeSchema(table.schema()), partitionSpec: spec },
        () =>
          `created table ${table.name} at ${table.location()}\npartitioned by: ${spec}\n\n` +
          formatTable(['id', 'name', 'type', 'required'], rows.map((r) => [String(r.id), r.name, r.type, r.required ? 'required' : 'optional'])),
      );
    });
}
