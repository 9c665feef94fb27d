/**
 * The README's command list and `floe --help` name the same commands with the same flags, so
 * neither can gain or lose a command or an option without the other (both are parsed here: the
 * README's table under "## CLI", the "Commands:" and "Options:" sections of the help).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFloe } from './in-process.js';
import { ROOT } from './support.js';

/** The lines of a help section (`Commands:`, `Options:`), up to the next blank line. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The long flags the option lines of a help section define (not those their descriptions mention). */
function optionFlags(lines: readonly string[]): string[] {
  return flags(lines.filter((l) => /^ {2}-/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0] ?? '').join(' '));
}

/** The long flags (`--snapshot`) in a text, `--help` left out. */
function flags(text: string): string[] {
  return [...new Set([...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]))].filter((f) => f !== '--help').sort();
}

/** Command name → its long flags, from `floe --help` and `floe <command> --help`. */
async function helpCommands(): Promise<Map<string, string[]>> {
  const top = await runFloe(['--help']);
  expect(top.code).toBe(0);
  // Each command starts a line, indented two spaces; wrapped descriptions are indented further.
  const names = section(top.stdout, 'Commands')
    .map((l) => /^ {2}([a-z][a-z-]*)\b/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'help');
  const out = new Map<string, string[]>();
  for (const name of names) {
    const r = await runFloe([name, '--help']);
    expect(r.code, name).toBe(0);
    out.set(name, optionFlags(section(r.stdout, 'Options')));
  }
  return out;
}

/** Command name → its long flags, from the README's command table under "## CLI". */
function readmeCommands(): Map<string, string[]> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const cli = readme.slice(readme.indexOf('\n## CLI\n'), readme.indexOf('\n## ', readme.indexOf('\n## CLI\n') + 1));
  const out = new Map<string, string[]>();
  for (const m of cli.matchAll(/^\| `([a-z][a-z-]*)([^`]*)` \|/gm)) out.set(m[1]!, flags(m[2]!));
  return out;
}

describe('README and --help agree', () => {
  it('the README lists every command floe --help lists, and no other', async () => {
    const help = await helpCommands();
    const readme = readmeCommands();
    expect(help.size).toBeGreaterThan(10);
    expect([...readme.keys()].sort()).toEqual([...help.keys()].sort());
  });

  it('with the same flags for each command', async () => {
    const help = await helpCommands();
    const readme = readmeCommands();
    expect(Object.fromEntries(readme)).toEqual(Object.fromEntries(help));
  });

  it('and the same global options', async () => {
    const top = await runFloe(['--help']);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const globals = /^Global options: (.*?)\. /ms.exec(readme.slice(readme.indexOf('\n## CLI\n')))?.[1] ?? '';
    expect(flags(globals)).toEqual(optionFlags(section(top.stdout, 'Options')));
  });
});
