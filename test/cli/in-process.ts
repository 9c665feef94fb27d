/**
 * Runs `floe` in the test's own process (`runCli` with captured streams): no build needed, no
 * child process to wait for, and memory warehouses are shared with the test.
 */
import { runCli } from '../../src/cli/program.js';
import type { CliStreams, OutStream } from '../../src/cli/context.js';
import type { RunResult } from './support.js';

/** Options of {@link runFloe}. */
export interface InProcessOptions {
  /** The environment the command sees (default: none, so `FLOE_WAREHOUSE` cannot leak in). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A stream that keeps what is written to it. */
function sink(into: string[]): OutStream {
  return {
    isTTY: false,
    write(chunk: string | Uint8Array): boolean {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
      return true;
    },
    once: () => undefined,
  };
}

/**
 * Runs `floe args…` in-process and returns its exit code and output.
 * @param args the arguments, as typed after `floe`
 * @param options the environment
 */
export async function runFloe(args: readonly string[], options: InProcessOptions = {}): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const streams: CliStreams = { stdout: sink(out), stderr: sink(err), env: { ...options.env } };
  const code = await runCli(['node', 'floe', ...args], streams);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
