/**
 * How `floe` reports the error that ended a command, on stderr. For people: `floe: error:`
 * with the message (which names what to fix), a `help:` line when there is one, and with
 * `--verbose` the code, context, cause and stack. With `--json`: one JSON object,
 * `{"error": {"code", "message", "help"?, "context"}}`, for every error, command-line mistakes
 * included (their code is `INVALID_ARGUMENT`), so a script can always parse what failed.
 *
 * @module
 */
import type { CommanderError } from 'commander';
import { InvalidArgumentError, isFloeError } from '../index.js';
import type { CliStreams } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { type CommandLine, cliHelp } from './hints.js';
import { jsonText } from './json-output.js';

/** Options of {@link printError}. */
export interface ErrorOutputOptions {
  /** One JSON object instead of text. */
  readonly json: boolean;
  /** Code, context, cause and stack (text only). */
  readonly verbose: boolean;
  /** The command line, for hints naming the next command. */
  readonly line: CommandLine;
}

/**
 * A command-line mistake commander found (unknown option or command, missing argument) as the
 * Floe error it is, for `--json`.
 * @param e commander's error (its message is the text commander would print)
 * @param command the command being parsed, if commander got that far
 */
export function usageError(e: CommanderError, command: string | undefined): InvalidArgumentError {
  // `commander.help` with a non-zero exit: a program with commands run without one.
  const message = e.code === 'commander.help' ? 'no command given' : e.message.replace(/^error: /, '');
  return new InvalidArgumentError(message, {
    ...(command === undefined ? {} : { context: { command } }),
    help: `see \`floe ${command === undefined ? '' : `${command} `}--help\``,
  });
}

/**
 * Prints the error that ended a command.
 * @param e anything thrown
 * @param streams where to write (stderr)
 * @param options JSON or text, verbosity, the command line
 */
export function printError(e: unknown, streams: CliStreams, options: ErrorOutputOptions): void {
  const help = isFloeError(e) ? cliHelp(e, options.line) : undefined;
  if (options.json) {
    const error = isFloeError(e)
      ? { code: e.code, message: e.message, ...(help === undefined ? {} : { help }), context: e.context }
      : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e), context: {} };
    streams.stderr.write(`${jsonText({ error })}\n`);
    return;
  }
  if (isFloeError(e)) {
    streams.stderr.write(`floe: error: ${e.message}\n`);
    if (help !== undefined) streams.stderr.write(`  help: ${help}\n`);
    if (options.verbose) streams.stderr.write(`  ${e.toString()}\n${e.stack ?? ''}\n`);
    else if (exitCodeFor(e) === EXIT.INTERNAL && e.cause !== undefined) streams.stderr.write(`  cause: ${String(e.cause)}\n`);
    return;
  }
  streams.stderr.write(`floe: internal error: ${e instanceof Error ? e.message : String(e)} (this is a bug in floe, please report it; --verbose shows the stack)\n`);
  if (options.verbose && e instanceof Error) streams.stderr.write(`${e.stack ?? ''}\n`);
}
