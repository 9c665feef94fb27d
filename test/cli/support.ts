/**
 * Runs the real `floe` binary (`node bin/floe.js …`, which imports the build in dist/) against
 * temporary warehouses. The build must exist: `npm test` builds first; when running vitest by
 * hand, run `npm run build` before test/cli.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../..');

/** The executable shim. */
export const BIN = path.join(ROOT, 'bin', 'floe.js');

const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

/**
 * Fails with a clear message when the CLI is not built.
 * @throws Error naming the command to run
 */
export function requireBuild(): void {
  if (!existsSync(MAIN)) throw new Error(`${path.relative(ROOT, MAIN)} is missing: run \`npm run build\` before the CLI tests (\`npm test\` builds first)`);
}

/** The outcome of one run. */
export interface RunResult {
  /** The exit code. */
  readonly code: number;
  /** Everything printed on stdout. */
  readonly stdout: string;
  /** Everything printed on stderr. */
  readonly stderr: string;
}

/** Options of {@link floe}. */
export interface RunOptions {
  /** The working directory (default: the test's temp dir). */
  readonly cwd?: string;
  /** Extra environment variables (undefined removes one). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Return stdout as bytes (latin1 string) for binary formats. */
  readonly binary?: boolean;
}

// Variables that would steer the child away from the test's warehouse or change its output.
const SCRUBBED = ['FLOE_WAREHOUSE', 'FLOE_PROGRESS', 'FLOE_DEBUG'];

/**
 * Runs `floe args…` and returns its exit code and output (never throws on a non-zero exit).
 * @param args the arguments
 * @param options working directory and environment
 */
export function floe(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  requireBuild();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.includes(k)) env[k] = v;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env, maxBuffer: 256 * 1024 * 1024, encoding: options.binary ? 'latin1' : 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A temporary directory for one test file, removed after it. */
export function tempDir(prefix = 'floe-cli-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh warehouse folder, and `floe` bound to it (`--warehouse` first, as users type it).
 * @param root the temp dir
 * @param name the folder's name
 */
export function warehouse(root: string, name: string): { dir: string; run: (args: readonly string[], options?: RunOptions) => Promise<RunResult> } {
  const dir = path.join(root, name);
  return { dir, run: (args, options = {}) => floe(['--warehouse', dir, ...args], { cwd: root, ...options }) };
}

/**
 * Writes a file and returns its path.
 * @param dir the folder
 * @param name the file name
 * @param content the contents
 */
export function writeInput(dir: string, name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

/**
 * Parses JSON-lines output with plain `JSON.parse`, as a script would: floe writes 64-bit
 * integers as strings, so nothing is rounded.
 * @param text stdout
 */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The snapshot ids of `floe --json history` output, as the decimal strings it prints (ids exceed 2^53). */
export function snapshotIds(historyJson: string): string[] {
  return (JSON.parse(historyJson) as { snapshotId: string }[]).map((h) => h.snapshotId);
}
