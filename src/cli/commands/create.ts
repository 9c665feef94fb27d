/**
 * `floe create <table> --schema JSON | --like FILE [--partition SPEC] [--property k=v]…`: a new
 * table (and its namespace, when that does not exist yet). With a CSV or JSON-lines `--like`
 * file, types are inferred from its first `--sample-rows` rows and `--type` overrides them.
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, encodeSchema, isFloeError, type Schema } from '../../index.js';
import type * as arrow from 'apache-arrow';
import { formatTable } from '../format-table.js';
import { overrideTypes, schemaOfColumns } from '../infer-schema.js';
import { schemaOfFile } from '../input-files.js';
import { schemaFromArg } from '../schema-arg.js';
import { INVALID_TEXT_MODES, invalidTextMode } from '../text-decode.js';
import { type CliContext, contextOf } from '../context.js';
import { collect, partitionSpecText, positiveInt, schemaRows } from './common.js';

/** Rows of a text file `--like` infers types from unless `--sample-rows` says otherwise. */
const DEFAULT_SAMPLE_ROWS = 10_000;

interface CreateOptions {
  readonly schema?: string;
  readonly like?: string;
  readonly partition?: string;
  readonly property?: string[];
  readonly sampleRows?: string;
  readonly type?: string[];
  readonly onInvalidText?: string;
}

/** The schema (and the properties it needs) of `--like FILE`. */
async function likeSchema(ctx: CliContext, file: string, opts: CreateOptions): Promise<{ schema: Schema | arrow.Schema; properties: Record<string, string> }> {
  const sampleRows = opts.sampleRows === undefined ? DEFAULT_SAMPLE_ROWS : positiveInt(opts.sampleRows, '--sample-rows');
  const onInvalidText = invalidTextMode(opts.onInvalidText);
  const like = await schemaOfFile(file, { sampleRows, onInvalidText });
  if (like.kind === 'arrow') {
    for (const [given, option] of [
      [(opts.type ?? []).length > 0, '--type'],
      [opts.sampleRows !== undefined, '--sample-rows'],
    ] as const) {
      if (given) throw new InvalidArgumentError(`${option} applies to CSV, TSV and JSON-lines files, whose types are inferred; ${file} says its own types`, { context: { option, file } });
    }
    return { schema: like.schema, properties: {} };
  }
  if (like.hasMore) ctx.note(`types inferred from the first ${like.rowsRead.toLocaleString('en-US')} row${like.rowsRead === 1 ? '' : 's'} of ${file} (--sample-rows N reads more; --type COLUMN=TYPE sets one)`);
  const { schema, properties } = schemaOfColumns(overrideTypes(like.columns, opts.type ?? []));
  return { schema, properties };
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
    .option('--sample-rows <n>', `with a CSV or JSON-lines --like file: infer types from its first N rows (default ${DEFAULT_SAMPLE_ROWS.toLocaleString('en-US')}); the rest is not read`)
    .option('--type <column=type>', 'with a CSV or JSON-lines --like file: this column\'s type instead of the inferred one (repeatable)', collect, [])
    .option('--on-invalid-text <mode>', `with a CSV or JSON-lines --like file, text that is not valid UTF-8: ${INVALID_TEXT_MODES.join('|')} (default fail)`)
    .addHelpText(
      'after',
      `
Types: boolean, int, long, float, double, decimal(P,S), date, time, timestamp, timestamptz,
string, uuid, binary, fixed[N], vector(N) (embeddings), list<T>, map<K, V>, struct<a: T>;
append "not null" for a required column.

--like infers a CSV or JSON-lines column's type from its values: boolean, long, double, date,
timestamp(tz), vector(N), list<T>, else string; numbers written with leading zeros (00501)
stay strings.

Examples:
  floe create ml.events --schema '{"user_id":"long not null","ts":"timestamptz","event":"string"}' --partition 'day(ts)'
  floe create ml.items --like items.parquet
  floe create ml.stores --like stores.csv --type zip=string --type revenue='decimal(12,2)'`,
    )
    .action(async (name: string, opts: CreateOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      if ((opts.schema === undefined) === (opts.like === undefined)) {
        throw new InvalidArgumentError('give exactly one of --schema JSON or --like FILE', { help: 'see `floe create --help`' });
      }
      if (opts.like === undefined) {
        for (const [given, option] of [
          [opts.sampleRows !== undefined, '--sample-rows'],
          [(opts.type ?? []).length > 0, '--type'],
          [opts.onInvalidText !== undefined, '--on-invalid-text'],
        ] as const) {
          if (given) throw new InvalidArgumentError(`${option} applies to --like FILE; --schema gives the types`, { context: { option } });
        }
      }
      const props = properties(opts.property ?? []);
      const parsed = opts.schema !== undefined ? schemaFromArg(opts.schema) : await likeSchema(ctx, opts.like!, opts);
      const schema: Schema | arrow.Schema = parsed.schema;
      Object.assign(props, { ...parsed.properties, ...props });
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
