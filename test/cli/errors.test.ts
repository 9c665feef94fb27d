/**
 * How `floe` fails: a local warehouse folder that does not exist is an error (not an empty
 * warehouse) for every command but `create`; with `--json` every error, command-line mistakes
 * included, is one JSON object on stderr; and the `help:` lines name `floe` commands, never
 * library calls.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFloe } from './in-process.js';
import { tempDir, writeInput } from './support.js';

const root = tempDir();
const missing = path.join(root, 'no-such-warehouse');
const csv = writeInput(root, 'one.csv', 'id,n\n1,1\n');

describe('a local warehouse that does not exist', () => {
  it.each([
    ['namespaces'],
    ['tables'],
    ['tables', 'ml'],
    ['info', 'ml.t'],
    ['scan', 'ml.t'],
    ['history', 'ml.t'],
    ['schema', 'ml.t'],
    ['tag', 'ml.t'],
    ['branch', 'ml.t', 'exp'],
    ['rollback', 'ml.t', '1'],
    ['evolve', 'ml.t', 'add-column', 'x', 'int'],
    ['constraints', 'ml.t'],
    ['lineage', 'ml.t'],
    ['append', 'ml.t', csv],
  ])('floe %s … exits 1 naming the folder, and creates nothing', async (...args) => {
    const r = await runFloe(['--warehouse', missing, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`floe: error: warehouse ${missing} does not exist (no folder ${missing})`);
    expect(existsSync(missing)).toBe(false);
  });

  it('also when it comes from FLOE_WAREHOUSE, and as JSON with --json', async () => {
    const r = await runFloe(['--json', 'tables'], { FLOE_WAREHOUSE: missing });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: `warehouse ${missing} does not exist (no folder ${missing})`, help: expect.stringContaining('--warehouse'), context: { warehouse: missing } },
    });
  });

  it('a file is not a warehouse', async () => {
    const r = await runFloe(['--warehouse', csv, 'tables']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`warehouse ${csv} is a file, not a folder`);
  });

  it('an empty folder is an empty warehouse', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    const r = await runFloe(['--warehouse', empty, 'tables']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`no tables in ${empty}\n`);
  });

  it('create makes it', async () => {
    const fresh = path.join(root, 'fresh', 'wh');
    const r = await runFloe(['--warehouse', fresh, 'create', 'ml.t', '--schema', '{"id":"long"}']);
    expect(r.code, r.stderr).toBe(0);
    expect((await runFloe(['--warehouse', fresh, '--json', 'tables'])).stdout).toBe('[\n  "ml.t"\n]\n');
  });
});

describe('with --json, every error is one JSON object on stderr', () => {
  const wh = path.join(root, 'json-errors');
  beforeAll(async () => {
    expect((await runFloe(['--warehouse', wh, 'create', 'ml.t', '--schema', '{"id":"long"}'])).code).toBe(0);
  });

  it.each<[string, string[], string, string, Record<string, string>]>([
    ['an unknown option', ['scan', 'ml.t', '--bogus'], "unknown option '--bogus'", 'see `floe scan --help`', { command: 'scan' }],
    ['a missing argument', ['scan'], "missing required argument 'table'", 'see `floe scan --help`', { command: 'scan' }],
    ['an option without its value', ['scan', 'ml.t', '--limit'], "option '--limit <n>' argument missing", 'see `floe scan --help`', { command: 'scan' }],
    ['too many arguments', ['info', 'ml.t', 'extra'], "too many arguments for 'info'. Expected 1 argument but got 2.", 'see `floe info --help`', { command: 'info' }],
    ['an unknown command', ['frobnicate'], "unknown command 'frobnicate'", 'see `floe --help`', {}],
    ['no command', [], 'no command given', 'see `floe --help`', {}],
  ])('%s: INVALID_ARGUMENT, exit 1, nothing on stdout', async (_what, args, message, help, context) => {
    const r = await runFloe(['--warehouse', wh, '--json', ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', message, help, context } });
  });

  it('an error from the command itself, with the exit code it has without --json', async () => {
    const r = await runFloe(['--warehouse', wh, 'info', 'ml.nope', '--json']);
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stderr) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'TABLE_NOT_FOUND', message: 'table not found: ml.nope', context: { table: 'ml.nope' } });
    expect(error['help']).toContain('`floe tables ml`');
  });

  it('without --json, command-line mistakes stay text for people', async () => {
    const r = await runFloe(['--warehouse', wh, 'scan', 'ml.t', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown option '--bogus'\n(add --help for usage)\n");
  });
});

describe('help lines name floe commands, not library calls', () => {
  const wh = path.join(root, 'hints');
  const LIBRARY = /table\.\w+\(|listTables\(|createNamespace\(|onViolation|remap:/;
  beforeAll(async () => {
    expect((await runFloe(['--warehouse', wh, 'create', 'ml.t', '--schema', '{"id":"long","n":"int"}'])).code).toBe(0);
    expect((await runFloe(['--warehouse', wh, 'append', 'ml.t', csv])).code).toBe(0);
    expect((await runFloe(['--warehouse', wh, 'constraints', 'ml.t', '--set', '[{"kind":"max","column":"n","value":5}]'])).code).toBe(0);
  });

  it.each<[string, string[], string]>([
    ['an unknown snapshot (scan)', ['scan', 'ml.t', '--snapshot', '123'], 'list the snapshots with `floe history ml.t` (expired snapshots cannot be read)'],
    ['an unknown snapshot (schema)', ['schema', 'ml.t', '--snapshot', '123'], 'list the snapshots with `floe history ml.t` (expired snapshots cannot be read)'],
    ['an unknown ref', ['scan', 'ml.t', '--ref', 'nope'], 'list the branches and tags with `floe branch ml.t` and `floe tag ml.t`'],
    ['an unknown branch', ['history', 'ml.t', '--branch', 'nope'], 'list the branches and tags with `floe branch ml.t` and `floe tag ml.t`'],
    ['an unknown namespace', ['tables', 'nope'], 'list the namespaces with `floe namespaces`'],
    ['a constraint violation', ['append', 'ml.t', writeInput(root, 'big.csv', 'id,n\n2,9\n')], "fix the rows, or see the table's constraints with `floe constraints ml.t`"],
  ])('%s', async (_what, args, hint) => {
    const r = await runFloe(['--warehouse', wh, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`  help: ${hint}\n`);
    expect(r.stderr).not.toMatch(LIBRARY);
    const j = await runFloe(['--warehouse', wh, '--json', ...args]);
    expect((JSON.parse(j.stderr) as { error: { help: string } }).error.help).toBe(hint);
  });

  it('the table keeps its rows through the refused append', async () => {
    const r = await runFloe(['--warehouse', wh, '--json', 'scan', 'ml.t']);
    expect(r.stdout).toBe('{"id":"1","n":1}\n');
  });
});
