/**
 * `floe --help`, `floe <cmd> --help` for every command, and command-line mistakes: each exits
 * with the documented code and says what to do.
 */
import { describe, expect, it } from 'vitest';
import { floe } from './support.js';

const COMMANDS = ['namespaces', 'tables', 'create', 'append', 'scan', 'history', 'schema', 'evolve', 'tag', 'branch', 'rollback', 'expire', 'remove-orphans', 'compact', 'rewrite-manifests', 'info', 'constraints', 'lineage', 'audit'];

describe('floe --help', () => {
  it('lists every command, the exit codes and the S3 variables', async () => {
    const r = await floe(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
    expect(r.stdout).toContain('--warehouse');
    expect(r.stdout).toContain('FLOE_S3_ENDPOINT');
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 user error, 2 commit conflict');
  });

  it.each(COMMANDS)('floe %s --help describes the command', async (command) => {
    const r = await floe([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: floe ${command}`);
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const r = await floe(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('documents scan options and filter syntax', async () => {
    const r = await floe(['scan', '--help']);
    for (const o of ['--snapshot', '--as-of', '--ref', '--columns', '--filter', '--limit', '--format', '--out']) expect(r.stdout).toContain(o);
    expect(r.stdout).toContain('table|csv|jsonl|parquet|arrow');
  });
});

describe('command-line mistakes exit 1', () => {
  it('no command prints the help', async () => {
    const r = await floe([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Usage: floe');
  });

  it('an unknown command', async () => {
    const r = await floe(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('an unknown option', async () => {
    const r = await floe(['scan', 'ml.t', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('a missing argument', async () => {
    const r = await floe(['scan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("missing required argument 'table'");
  });

  it('a table name without a namespace', async () => {
    const r = await floe(['--warehouse', 'memory://help-test', 'info', 'events']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs a namespace, e.g. ml.events');
  });
});
