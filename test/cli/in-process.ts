/**
 * Runs `floe` in this process (`runCli` from src/, no build needed) with captured output: for
 * tests that stub the library (`vi.spyOn`, `vi.mock`) or run many short commands.
 */
import type { CliStreams, OutStream } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import type { RunResult } from './support.js';

/** Output streams that collect what is written, and the text collected so far. */
export function capture(env: Readonly<Record<string, string | undefined>> = {}): { streams: CliStreams; out: () => string; err: () => string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const stream = (into: string[]): OutStream => ({
    isTTY: false,
    write(chunk: string | Uint8Array): boolean {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
      return true;
    },
    once: () => undefined,
  });
  return { streams: { stdout: stream(chunks.out), stderr: stream(chunks.err), env }, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}

/**
 * Runs `floe args…` in-process.
 * @param args the arguments (after `floe`)
 * @param env the environment the command sees (default: empty)
 */
export async function runFloe(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<RunResult> {
  const c = capture(env);
  const code = await runCli(['node', 'floe', ...args], c.streams);
  return { code, stdout: c.out(), stderr: c.err() };
}
