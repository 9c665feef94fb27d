/**
 * `floe evolve`: each operation through the real binary, data kept across renames, old
 * snapshots read with their own schema; and bad input (unknown operation, wrong arguments,
 * unknown column, illegal promotion, unknown table).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, snapshotIds, tempDir, warehouse, writeInput } from './support.js';

const root = tempDir();
const wh = warehouse(root, 'wh');

beforeAll(async () => {
  expect((await wh.run(['create', 'ml.f', '--schema', '{"user_id":"long not null","clicks":"int not null","avg_value":"float","tmp":"string"}'])).code).toBe(0);
  expect((await wh.run(['append', 'ml.f', writeInput(root, 'a.csv', 'user_id,clicks,avg_value,tmp\n1,10,0.5,x\n')])).code).toBe(0);
}, 120_000);

describe('floe evolve', () => {
  it('add-column, rename-column, drop-column, widen, make-optional; old snapshots keep their shape', async () => {
    const [first] = snapshotIds((await wh.run(['history', 'ml.f', '--json'])).stdout);
    const add = await wh.run(['evolve', 'ml.f', 'add-column', 'ctr', 'double', '--doc', 'clicks / views']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('add-column ctr double: ml.f now has schema 1');
    expect(add.stdout).toMatch(/5\s+ctr\s+double\s+optional/);

    expect((await wh.run(['evolve', 'ml.f', 'rename-column', 'avg_value', 'avg_order_value'])).code).toBe(0);
    expect((await wh.run(['evolve', 'ml.f', 'drop-column', 'tmp'])).code).toBe(0);
    expect((await wh.run(['evolve', 'ml.f', 'widen', 'clicks', 'long'])).code).toBe(0);
    expect((await wh.run(['evolve', 'ml.f', 'widen', 'avg_order_value', 'double'])).code).toBe(0);
    const opt = await wh.run(['evolve', 'ml.f', 'make-optional', 'clicks', '--json']);
    expect(opt.code).toBe(0);
    const schema = JSON.parse(opt.stdout).schema;
    expect(schema.fields.map((f: { id: number; name: string; type: string; required: boolean }) => [f.id, f.name, f.type, f.required])).toEqual([
      [1, 'user_id', 'long', true],
      [2, 'clicks', 'long', false],
      [3, 'avg_order_value', 'double', false],
      [5, 'ctr', 'double', false],
    ]);
    expect(schema.fields[3].doc).toBe('clicks / views');

    // Data written before the changes reads through them (by field id).
    // (A long is a JSON string, an int a number: clicks was an int then, a long now.)
    const now = jsonLines((await wh.run(['scan', 'ml.f', '--json'])).stdout);
    expect(now).toEqual([{ user_id: '1', clicks: '10', avg_order_value: 0.5, ctr: null }]);
    const old = jsonLines((await wh.run(['scan', 'ml.f', '--json', '--snapshot', first!])).stdout);
    expect(old).toEqual([{ user_id: '1', clicks: 10, avg_value: 0.5, tmp: 'x' }]);
  });

  it.each([
    [['ml.f', 'explode', 'x'], 'unknown schema operation "explode"'],
    [['ml.f', 'add-column', 'x'], 'add-column takes 2 arguments (NAME TYPE), got 1'],
    [['ml.f', 'drop-column'], 'drop-column takes 1 argument (NAME), got 0'],
    [['ml.f', 'add-column', 'x', 'lng'], 'cannot read type "lng"'],
    [['ml.f', 'add-column', 'user_id', 'int'], 'user_id'],
    [['ml.f', 'rename-column', 'nope', 'x'], 'nope'],
    [['ml.f', 'drop-column', 'nope'], 'nope'],
    [['ml.f', 'widen', 'user_id', 'int'], 'user_id'],
    [['ml.nope', 'drop-column', 'x'], 'table not found: ml.nope'],
  ])('floe evolve %j exits 1', async (args, message) => {
    const before = (await wh.run(['schema', 'ml.f', '--json'])).stdout;
    const r = await wh.run(['evolve', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect((await wh.run(['schema', 'ml.f', '--json'])).stdout).toBe(before);
  });
});
