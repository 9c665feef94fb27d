/**
 * The `floe` program: global options, the commands, and running one command line to an exit
 * code (see `exit-codes.ts`). Errors are printed once, here (see `error-output.ts`): the
 * message, a `help:` line naming a `floe` command when there is one, and with `--verbose` (or
 * `FLOE_DEBUG=1`) the code, context, cause and stack; with `--json`, one JSON object on stderr
 * instead, for command-line mistakes too.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { parseJson } from '../util/index.js';
import { appendCommand } from './commands/append.js';
import { auditCommand } from './commands/audit.js';
import { namespacesCommand, tablesCommand } from './commands/catalog.js';
import { createCommand } from './commands/create.js';
import { evolveCommand } from './commands/evolve.js';
import { historyCommand } from './commands/history.js';
import { infoCommand } from './commands/info.js';
import { branchCommand, rollbackCommand, tagCommand } from './commands/refs.js';
import { expireCommand, removeOrphansCommand } from './commands/maintenance.js';
import { scanCommand } from './commands/scan.js';
import { schemaCommand } from './commands/schema.js';
import { constraintsCommand } from './commands/constraints.js';
import { lineageCommand } from './commands/lineage.js';
import { featuresCommand } from './commands/features.js';
import { serveCommand } from './commands/serve.js';
import { principalsCommand } from './commands/principals.js';
import { grantCommand, grantsCommand, revokeCommand } from './commands/grants.js';
import { type CliStreams, bindStreams, processStreams } from './context.js';
import { printError, usageError } from './error-output.js';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes.js';
import type { CommandLine } from './hints.js';

/** The package's version (from package.json, two folders up from both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    return (parseJson(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// The command whose parsing failed, for each of commander's errors.
const failedCommand = new WeakMap<CommanderError, string>();

/** Options of {@link buildProgram}. */
export interface ProgramOptions {
  /** `--json` was given: commander prints nothing on stderr (the error is printed as JSON). */
  readonly json?: boolean;
}

/**
 * Builds the `floe` program with every command.
 * @param streams where it writes
 * @param options whether errors are printed as JSON
 */
export function buildProgram(streams: CliStreams = processStreams(), options: ProgramOptions = {}): Command {
  const output = {
    writeOut: (s: string): void => void streams.stdout.write(s),
    // With --json a command-line mistake is printed as a JSON error instead (error-output.ts).
    writeErr: (s: string): void => {
      if (!options.json) streams.stderr.write(s);
    },
  };
  const program = new Command('floe')
    .description('Apache Iceberg v2 tables on object storage: create, append, scan, time travel, evolve.')
    .option('-w, --warehouse <uri>', 'the warehouse: a folder, file:///…, s3://bucket/prefix, or an Iceberg REST catalog http(s)://… (default: $FLOE_WAREHOUSE, else ./warehouse)')
    .option('--json', 'machine-readable output: JSON (JSON lines for scan); errors as JSON on stderr')
    .option('--verbose', 'print error codes, context and stack traces')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput(output)
    .addHelpText(
      'after',
      `
Tables are named namespace.table (or given by location: a path or URI holding metadata/).
A local warehouse folder must exist, except for create, which makes it.
--json: 64-bit integers (snapshot ids, sequence numbers, long values) are strings, so that
JSON.parse and jq read them exactly; counts are numbers; an error is one
{"error": {"code", "message", "help", "context"}} object on stderr (spec/cli-json.md).
S3: set FLOE_S3_ENDPOINT (MinIO, Ceph) and the AWS variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION) or FLOE_S3_ACCESS_KEY / FLOE_S3_SECRET_KEY.
REST catalog (--warehouse http(s)://…): FLOE_CATALOG_CREDENTIAL (client-id:client-secret) or
FLOE_CATALOG_TOKEN (bearer token), and FLOE_CATALOG_WAREHOUSE (the warehouse to ask the catalog
for); floe principals, grant, revoke and grants manage who may do what there.
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
    expireCommand(),
    removeOrphansCommand(),
    infoCommand(),
    constraintsCommand(),
    lineageCommand(),
    featuresCommand(),
    serveCommand(),
    auditCommand(),
    principalsCommand(),
    grantCommand(),
    revokeCommand(),
    grantsCommand(),
  ];
  for (const c of commands) {
    c.showHelpAfterError('(add --help for usage)').configureOutput(output);
    program.addCommand(c);
  }
  bindStreams(program, streams);
  for (const c of [program, ...commands]) {
    c.exitOverride((e) => {
      if (c !== program) failedCommand.set(e, c.name());
      throw e;
    });
  }
  return program;
}

/**
 * Runs one `floe` command line.
 * @param argv `process.argv` (node, script, args…)
 * @param streams where to write
 * @returns the exit code
 */
export async function runCli(argv: readonly string[], streams: CliStreams = processStreams()): Promise<ExitCode> {
  const args = argv.slice(2);
  const json = args.includes('--json');
  const verbose = args.includes('--verbose') || streams.env['FLOE_DEBUG'] === '1';
  const program = buildProgram(streams, { json });
  let line: CommandLine = {};
  program.hook('preAction', (_program, action) => {
    const takesTable = action.registeredArguments[0]?.name() === 'table';
    line = { command: action.name(), ...(takesTable && typeof action.processedArgs[0] === 'string' ? { table: action.processedArgs[0] } : {}) };
  });
  if (args.length === 0) {
    program.outputHelp();
    return EXIT.USER;
  }
  try {
    await program.parseAsync([...argv]);
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; without --json commander printed the mistake already.
      if (e.exitCode === 0) return EXIT.OK;
      if (json) printError(usageError(e, failedCommand.get(e)), streams, { json, verbose, line });
      return EXIT.USER;
    }
    printError(e, streams, { json, verbose, line });
    return exitCodeFor(e);
  }
}
