/**
 * `floe tag`, `floe branch` and `floe rollback` through the real binary; and bad input
 * (duplicate names, unknown snapshots, removing what is not there, unknown table).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, snapshotIds, tempDir, warehouse, writeInput } from './support.js';

const root = tempDir();
const wh = warehouse(root, 'wh');
let ids: string[] = [];

async function idsAt(args: string[]): Promise<unknown[]> {
  const r = await wh.run(['scan', 'ml.r', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return jsonLines(r.stdout)
    .map((x) => x['id'])
    .sort();
}

beforeAll(async () => {
  expect((await wh.run(['create', 'ml.r', '--schema', '{"id":"long"}'])).code).toBe(0);
  for (const n of [1, 2, 3]) expect((await wh.run(['append', 'ml.r', writeInput(root, `${n}.csv`, `id\n${n}\n`)])).code).toBe(0);
  ids = snapshotIds((await wh.run(['history', 'ml.r', '--json'])).stdout);
}, 120_000);

describe('floe tag / branch', () => {
  it('tags the current snapshot or a given one, lists and removes tags', async () => {
    const t1 = await wh.run(['tag', 'ml.r', 'first', '--snapshot', ids[0]!]);
    expect(t1.code, t1.stderr).toBe(0);
    expect(t1.stdout).toBe(`tag first → snapshot ${ids[0]} in ml.r\n`);
    expect((await wh.run(['tag', 'ml.r', 'latest'])).stdout).toContain(`snapshot ${ids[2]}`);
    const list = await wh.run(['tag', 'ml.r']);
    expect(list.stdout).toMatch(new RegExp(`first\\s+${ids[0]}\\n`));
    expect(list.stdout).toMatch(new RegExp(`latest\\s+${ids[2]}\\n`));
    expect(await idsAt(['--ref', 'first'])).toEqual(['1']);
    const removed = await wh.run(['tag', 'ml.r', 'latest', '--remove']);
    expect(removed.stdout).toBe('removed tag latest from ml.r\n');
    expect((await wh.run(['tag', 'ml.r', '--json'])).stdout).not.toContain('latest');
  });

  it('creates a branch that moves with appends to it, lists and removes branches', async () => {
    const b = await wh.run(['branch', 'ml.r', 'exp', '--snapshot', ids[1]!, '--json']);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain(`"snapshotId": "${ids[1]}"`);
    expect((await wh.run(['append', 'ml.r', writeInput(root, 'exp.csv', 'id\n99\n'), '--branch', 'exp'])).code).toBe(0);
    expect(await idsAt(['--ref', 'exp'])).toEqual(['1', '2', '99']);
    expect(await idsAt([])).toEqual(['1', '2', '3']);
    const list = await wh.run(['branch', 'ml.r']);
    expect(list.stdout).toMatch(/^branch\s+snapshot_id\n/);
    expect(list.stdout).toContain('exp');
    expect(list.stdout).toContain('main');
    expect((await wh.run(['branch', 'ml.r', 'exp', '--remove'])).code).toBe(0);
    expect((await wh.run(['branch', 'ml.r', '--json'])).stdout).not.toContain('exp');
  });

  it.each([
    [['tag', 'ml.r', 'first'], 'already has a tag named first'],
    [['tag', 'ml.r', 'x', '--snapshot', '12345'], 'has no snapshot 12345'],
    [['tag', 'ml.r', 'bad name'], 'not a valid ref name'],
    [['tag', 'ml.r', 'nope', '--remove'], 'has no tag named nope'],
    [['tag', 'ml.r', '--remove'], "give the tag's NAME"],
    [['branch', 'ml.r', 'main', '--remove'], 'the main branch cannot be removed'],
    [['branch', 'ml.r', 'first', '--remove'], 'has no branch named first'],
    [['tag', 'ml.nope', 'x'], 'table not found: ml.nope'],
  ])('floe %j exits 1', async (args, message) => {
    const r = await wh.run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});

describe('floe rollback', () => {
  it('makes an older snapshot current again and keeps the history', async () => {
    const r = await wh.run(['rollback', 'ml.r', ids[0]!]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`ml.r: main is now at snapshot ${ids[0]} (was ${ids[2]})\n`);
    expect(await idsAt([])).toEqual(['1']);
    expect(await idsAt(['--snapshot', ids[2]!])).toEqual(['1', '2', '3']);
    const history = await wh.run(['history', 'ml.r']);
    expect(history.stdout).toMatch(new RegExp(`${ids[2]}\\s+${ids[1]}\\s+append\\s+1\\s+3\\s+no`));
    // And forward again.
    expect((await wh.run(['rollback', 'ml.r', ids[2]!, '--json'])).code).toBe(0);
    expect(await idsAt([])).toEqual(['1', '2', '3']);
  });

  it.each([
    [['rollback', 'ml.r', '777'], 'has no snapshot 777'],
    [['rollback', 'ml.r', 'abc'], 'ref not found: abc'],
    [['rollback', 'ml.nope', '1'], 'table not found: ml.nope'],
    [['rollback', 'ml.r'], "missing required argument 'snapshot-id'"],
  ])('floe %j exits 1', async (args, message) => {
    const r = await wh.run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
