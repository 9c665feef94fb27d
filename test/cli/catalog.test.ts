/**
 * `floe namespaces` and `floe tables`, through the real binary: empty warehouse folders, nested
 * namespaces, `--json`, `FLOE_WAREHOUSE`, and an unknown namespace.
 */
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { floe, tempDir, warehouse } from './support.js';

const root = tempDir();
const SCHEMA = '{"id":"long not null","name":"string"}';

describe('floe namespaces / tables', () => {
  it('lists nothing in an empty warehouse, then namespaces and tables (nested ones included)', async () => {
    const wh = warehouse(root, 'wh1');
    mkdirSync(wh.dir);
    const empty = await wh.run(['namespaces']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no namespaces');

    expect((await wh.run(['create', 'ml.events', '--schema', SCHEMA])).code).toBe(0);
    expect((await wh.run(['create', 'ml.features.users', '--schema', SCHEMA])).code).toBe(0);
    expect((await wh.run(['create', 'raw.clicks', '--schema', SCHEMA])).code).toBe(0);

    const ns = await wh.run(['--json', 'namespaces']);
    expect(ns.code).toBe(0);
    expect(JSON.parse(ns.stdout)).toEqual(['ml', 'ml.features', 'raw']);

    const text = await wh.run(['namespaces']);
    expect(text.stdout.split('\n')[0]).toBe('namespace');
    expect(text.stdout).toContain('ml.features');

    const child = await wh.run(['namespaces', 'ml', '--json']);
    expect(JSON.parse(child.stdout)).toEqual(['ml.features']);

    const all = await wh.run(['tables', '--json']);
    expect(JSON.parse(all.stdout)).toEqual(['ml.events', 'ml.features.users', 'raw.clicks']);
    const one = await wh.run(['tables', 'ml']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^table\n─+\nml\.events\n$/);
  });

  it('takes the warehouse from FLOE_WAREHOUSE when --warehouse is absent', async () => {
    const wh = warehouse(root, 'wh-env');
    expect((await wh.run(['create', 'ns.t', '--schema', SCHEMA])).code).toBe(0);
    const r = await floe(['tables', '--json'], { cwd: root, env: { FLOE_WAREHOUSE: wh.dir } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['ns.t']);
  });

  it('defaults to ./warehouse in the working directory', async () => {
    const cwd = root;
    expect((await floe(['create', 'dflt.t', '--schema', SCHEMA], { cwd })).code).toBe(0);
    const r = await floe(['tables', 'dflt'], { cwd });
    expect(r.stdout).toContain('dflt.t');
    const info = await floe(['info', 'dflt.t', '--json'], { cwd });
    expect(JSON.parse(info.stdout).location).toContain('/warehouse/dflt/t');
  });

  it('exits 1 naming the namespace when it does not exist', async () => {
    const wh = warehouse(root, 'wh2');
    mkdirSync(wh.dir);
    const r = await wh.run(['tables', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('namespace not found: nope');
    const bad = await wh.run(['tables', 'a/b']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid namespace/);
  });
});
