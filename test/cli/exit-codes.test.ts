/**
 * Exit codes: which errors map to 1 (user), 2 (conflict) and 3 (internal), and that `runCli`
 * applies the mapping end to end. Conflicts and internal failures cannot be provoked reliably
 * from outside a process, so these run `runCli` in-process on a memory warehouse with the
 * commit stubbed to fail the way a lost race or a bug does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CommitConflictError,
  CommitRetriesExhaustedError,
  InternalError,
  InvalidArgumentError,
  OutcomeUnknownError,
  SchemaMismatchError,
  StoreError,
  Table,
  TableNotFoundError,
  Warehouse,
} from '../../src/node.js';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/program.js';
import { capture } from './in-process.js';

let warehouseCounter = 0;

async function memoryTable(): Promise<string> {
  const uri = `memory://cli-exit-${process.pid}-${++warehouseCounter}`;
  const wh = await Warehouse.open(uri);
  await wh.createNamespace('ml');
  await wh.createTable('ml.t', { schemaId: 0, fields: [{ id: 1, name: 'id', required: false, type: { type: 'long' } }] });
  return uri;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('exitCodeFor', () => {
  it.each([
    [new InvalidArgumentError('x'), EXIT.USER],
    [new SchemaMismatchError('x'), EXIT.USER],
    [new TableNotFoundError('ml.t'), EXIT.USER],
    [new CommitConflictError('x'), EXIT.CONFLICT],
    [new CommitRetriesExhaustedError('x'), EXIT.CONFLICT],
    [new OutcomeUnknownError('p'), EXIT.CONFLICT],
    [new InternalError('x'), EXIT.INTERNAL],
    [new StoreError('s3', 'bucket b does not exist'), EXIT.USER],
    [new StoreError('s3', 'GET failed: 503', {}, true), EXIT.INTERNAL],
    [new Error('plain'), EXIT.INTERNAL],
    ['a string', EXIT.INTERNAL],
  ])('%s → %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe('runCli exit codes', () => {
  it('0 for success, with the output on stdout', async () => {
    const uri = await memoryTable();
    const c = capture();
    expect(await runCli(['node', 'floe', '--warehouse', uri, 'tables'], c.streams)).toBe(0);
    expect(c.out()).toContain('ml.t');
    expect(c.err()).toBe('');
  });

  it('2 when the commit loses its race for good: the message says to try again', async () => {
    const uri = await memoryTable();
    vi.spyOn(Table.prototype, 'createTag').mockRejectedValue(
      new CommitRetriesExhaustedError('commit to ml.t gave up after 4 attempts in 1200 ms', { help: 'another writer keeps winning; run the command again' }),
    );
    const c = capture();
    expect(await runCli(['node', 'floe', '--warehouse', uri, 'tag', 'ml.t', 'v1'], c.streams)).toBe(2);
    expect(c.err()).toContain('floe: error: commit to ml.t gave up after 4 attempts');
    expect(c.err()).toContain('help: another writer keeps winning');
    expect(c.out()).toBe('');
  });

  it('2 for a conflict, as JSON with --json', async () => {
    const uri = await memoryTable();
    vi.spyOn(Table.prototype, 'rollbackTo').mockRejectedValue(new CommitConflictError('the schema of ml.t changed concurrently', {}, false));
    const c = capture();
    expect(await runCli(['node', 'floe', '--warehouse', uri, '--json', 'rollback', 'ml.t', '1'], c.streams)).toBe(2);
    expect(JSON.parse(c.err())).toEqual({
      error: { code: 'COMMIT_CONFLICT', message: 'the schema of ml.t changed concurrently', help: "run the command again: it starts over from the table's new state", context: {} },
    });
  });

  it('3 for a bug (a non-Floe error), naming it as one; --verbose adds the stack', async () => {
    const uri = await memoryTable();
    vi.spyOn(Table.prototype, 'history').mockImplementation(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    const c = capture();
    expect(await runCli(['node', 'floe', '--warehouse', uri, 'history', 'ml.t'], c.streams)).toBe(3);
    expect(c.err()).toContain('floe: internal error: cannot read properties of undefined (this is a bug in floe, please report it');
    const v = capture();
    expect(await runCli(['node', 'floe', '--warehouse', uri, 'history', 'ml.t', '--verbose'], v.streams)).toBe(3);
    expect(v.err()).toContain('TypeError: cannot read properties of undefined\n    at ');
  });

  it('3 for a store failure that persisted, with its cause', async () => {
    const uri = await memoryTable();
    vi.spyOn(Warehouse.prototype, 'listTables').mockRejectedValue(new StoreError('s3', 'GET failed', { cause: new Error('ECONNRESET') }, true));
    const c = capture();
    expect(await runCli(['node', 'floe', '--warehouse', uri, 'tables', 'ml'], c.streams)).toBe(3);
    expect(c.err()).toContain('floe: error: GET failed');
    expect(c.err()).toContain('cause: Error: ECONNRESET');
  });

  it('1 for usage errors, 0 for --help', async () => {
    const c = capture();
    expect(await runCli(['node', 'floe', 'scan'], c.streams)).toBe(1);
    expect(c.err()).toContain("missing required argument 'table'");
    const h = capture();
    expect(await runCli(['node', 'floe', 'info', '--help'], h.streams)).toBe(0);
    expect(h.out()).toContain('Usage: floe info');
  });
});
