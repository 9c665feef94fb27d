/**
 * Messages count with the right plural: `1 row`, `2 rows`, `no branches`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFloe } from './in-process.js';
import { tempDir, writeInput } from './support.js';

const root = tempDir();
const uri = `memory://cli-plurals-${process.pid}`;
const floe = (...args: string[]): ReturnType<typeof runFloe> => runFloe(['--warehouse', uri, ...args]);

beforeAll(async () => {
  expect((await floe('create', 'ml.h', '--schema', '{"id":"long","n":"int"}')).code).toBe(0);
});

describe('counted nouns', () => {
  it('append: 1 row from 1 file', async () => {
    const r = await floe('append', 'ml.h', writeInput(root, 'one.csv', 'id,n\n5,5\n'));
    expect(r.stdout).toMatch(/^appended 1 row from 1 file \(/);
  });

  it('scan --out: wrote 1 row', async () => {
    const out = path.join(root, 'one-row.csv');
    const r = await floe('scan', 'ml.h', '--limit', '1', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`wrote 1 row to ${out} (csv)\n`);
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(3);
  });

  it('branch and tag: no branches, no tags', async () => {
    expect((await floe('create', 'ml.empty', '--schema', '{"a":"int"}')).code).toBe(0);
    expect((await floe('branch', 'ml.empty')).stdout).toBe('table ml.empty has no branches\n');
    expect((await floe('tag', 'ml.empty')).stdout).toBe('table ml.empty has no tags\n');
    expect((await floe('branch', '--help')).stdout).toMatch(/list\s+the branches/);
  });

  it('constraints: 1 constraint set', async () => {
    const r = await floe('constraints', 'ml.h', '--set', '[{"kind":"not-null","column":"id"}]');
    expect(r.stderr).toBe('table ml.h: 1 constraint set\n');
  });

  it('evolve: takes 1 argument', async () => {
    const r = await floe('evolve', 'ml.h', 'drop-column', 'a', 'b');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drop-column takes 1 argument (NAME), got 2');
  });
});
