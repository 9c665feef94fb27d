/**
 * The `floe` program: global options, the commands, and running one command line to an exit
 * code (see `exit-codes.ts`). Errors are printed once, here: the message (which names what to
 * fix), a `help:` line when there is one, and with `--verbose` (or `FLOE_DEBUG=1`) the code,
 * context, cause and stack; with `--json`, one JSON object on stderr instead.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isFloeError } from '../index.js';
import { parseJson } from '../util/index.js';
import { appendCommand } from './commands/append.js';
import { namespacesCommand, tablesCommand } from './commands/catalog.js';
import { createCommand } from './commands/create.js';
import { evolveCommand } from './commands/evolve.js';
import { historyCommand } from './commands/history.js';
import { infoCommand } from './commands/info.js';
import { branchCommand, rollbackCommand, tagCommand } from './commands/refs.js';
import { scanCommand } from './commands/scan.js';
import { schemaCommand } from './commands/schema.js';
import { constraintsCommand } from './commands/constraints.js';
import { lineageCommand } from './commands/lineage.js';
import { type CliStreams, bindStreams, processStreams } from './context.js';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes.js';
import { jsonText } from './json-output.js';

/** The package's version (from package.json, two folders up from both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    return (parseJson(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Builds the `floe` program with every command. */
export function buildProgram(streams: CliStreams = processStreams()): Command {
  const program = new Command('floe')
    .description('Apache Iceberg v2 tables on object storage: create, append, scan, time travel, evolve.')
    .option('-w, --warehouse <uri>', 'the warehouse: a folder, file:///…, s3://bucket/prefix (default: $FLOE_WAREHOUSE, else ./warehouse)')
    .option('--json', 'machine-readable output (JSON; JSON lines for scan)')
    .option('--verbose', 'print error codes, context and stack traces')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) })
    .addHelpText(
      'after',
      `
Tables are named namespace.table (or given by location: a path or URI holding metadata/).
--json: 64-bit integers (snapshot ids, sequence numbers, long values) are strings, so that
JSON.parse and jq read them exactly; counts are numbers (spec/cli-json.md).
S3: set FLOE_S3_ENDPOINT (MinIO, Ceph) and the AWS variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION) or FLOE_S3_ACCESS_KEY / FLOE_S3_SECRET_KEY.
Exit codes: 0 ok, 1 user error, 2 commit conflict (try again), 3 internal error.

Example:
  floe create ml.events --schema '{"id":"long not null","ts":"timestamptz","name":"string"}' --partition 'day(ts)'
  floe append ml.events events.csv
  floe history ml.events
  floe scan ml.events --filter "id > 10" --limit 5`,
    );
  const commands = [
    namespacesCommand(),
    tablesCommand(),
    createCommand(),
    appendCommand(),
    scanCommand(),
    historyCommand(),
    schemaCommand(),
    evolveCommand(),
    tagCommand(),
    branchCommand(),
    rollbackCommand(),
    infoCommand(),
    constraintsCommand(),
    lineageCommand(),
  ];
  for (const c of commands) {
    c.showHelpAfterError('(add --help for usage)').configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });
    program.addCommand(c);
  }
  bindStreams(program, streams);
  program.exitOverride((e) => {
    throw e;
  });
  for (const c of commands) c.exitOverride((e) => {
    throw e;
  });
  return program;
}

function printError(e: unknown, streams: CliStreams, options: { json: boolean; verbose: boolean }): void {
  if (options.json) {
    const error = isFloeError(e)
      ? { code: e.code, message: e.message, ...(e.help ? { help: e.help } : {}), context: e.context }
      : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
    streams.stderr.write(`${jsonText({ error })}\n`);
    return;
  }
  if (isFloeError(e)) {
    streams.stderr.write(`floe: error: ${e.message}\n`);
    if (e.help) streams.stderr.write(`  help: ${e.help}\n`);
    if (options.verbose) streams.stderr.write(`  ${e.toString()}\n${e.stack ?? ''}\n`);
    else if (exitCodeFor(e) === EXIT.INTERNAL && e.cause !== undefined) streams.stderr.write(`  cause: ${String(e.cause)}\n`);
    return;
  }
  streams.stderr.write(`floe: internal error: ${e instanceof Error ? e.message : String(e)} (this is a bug in floe, please report it; --verbose shows the stack)\n`);
  if (options.verbose && e instanceof Error) streams.stderr.write(`${e.stack ?? ''}\n`);
}

/**
 * Runs one `floe` command line.
 * @param argv `process.argv` (node, script, args…)
 * @param streams where to write
 * @returns the exit code
 */
export async function runCli(argv: readonly string[], streams: CliStreams = processStreams()): Promise<ExitCode> {
  const program = buildProgram(streams);
  const args = argv.slice(2);
  const json = args.includes('--json');
  const verbose = args.includes('--verbose') || streams.env['FLOE_DEBUG'] === '1';
  if (args.length === 0) {
    program.outputHelp();
    return EXIT.USER;
  }
  try {
    await program.parseAsync([...argv]);
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; every other parse error was printed by commander.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USER;
    }
    printError(e, streams, { json, verbose });
    return exitCodeFor(e);
  }
}
