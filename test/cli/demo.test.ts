/**
 * `npm run demo` (`node dist/cli/demo.js [warehouse]`): it says where it writes before anything
 * else, prints the history, the schema before and after, an old version next to the current one
 * and where the files are, leaves tables the CLI reads, and writes the same rows on every run
 * (seeded data). It writes only in its own namespace: a user's tables — `ml.events`, the README's
 * example, or anything in a `floe_demo` namespace the demo did not make — survive it with their
 * rows. (It once dropped `ml.events` wherever `$FLOE_WAREHOUSE` pointed.)
 *
 * The demo runs in-process with small sizes (the same code as `npm run demo`, less data): no
 * timing assertions, nothing that a loaded machine can push past a timeout.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse, isFloeError } from '../../src/node.js';
import { DEMO_MARK, DEMO_NAMESPACE, runDemo } from '../../src/cli/demo.js';
import { runFloe } from './in-process.js';
import { ROOT, jsonLines, requireBuild, tempDir } from './support.js';

const root = tempDir('floe-demo-');
const SIZES = { users: 20, items: 40, eventsPerDay: 200, dim: 8 };

async function demo(warehouse: string): Promise<string> {
  const lines: string[] = [];
  await runDemo({ warehouse, write: (line) => lines.push(line), sizes: SIZES });
  return `${lines.join('\n')}\n`;
}

async function rows(warehouse: string, table: string): Promise<string[]> {
  const r = await runFloe(['--warehouse', warehouse, 'scan', table, '--format', 'csv']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n').sort();
}

/** A user's table with two rows. */
async function userTable(warehouse: string, name: string): Promise<void> {
  const wh = await Warehouse.open(warehouse);
  const ns = name.slice(0, name.lastIndexOf('.'));
  if (!(await wh.namespaceExists(ns))) await wh.createNamespace(ns);
  const t = await wh.createTable(name, new arrow.Schema([new arrow.Field('user_id', new arrow.Int64(), false), new arrow.Field('note', new arrow.Utf8(), true)]));
  await t.append(new arrow.Table({ user_id: arrow.makeVector(BigInt64Array.of(7n, 8n)), note: arrow.vectorFromArray(['mine', 'keep me'], new arrow.Utf8()) }));
}

const USER_ROWS = ['7,mine', '8,keep me', 'user_id,note'];

describe('npm run demo', () => {
  it('says where it writes first, prints each part, and the CLI reads the result', async () => {
    const dir = path.join(root, 'first');
    const out = await demo(dir);
    expect(out.split('\n')[0]).toBe(`Floe demo: writing to ${dir}, in namespace floe_demo only (seed 42)`);
    for (const part of [
      'floe_demo.events: click-stream events, partitioned by day(ts)',
      'floe_demo.user_features: recomputed after each day',
      'History (floe history floe_demo.user_features)',
      'Schema before and after',
      'Time travel: v1',
      'floe_demo.item_embeddings: 40 × 8 embeddings as FixedSizeList<Float32>[8]',
      'read back as FixedSizeList[8]<Float32>',
      `Where the files are (under ${dir})`,
      'Try the CLI',
      `npx floe --warehouse ${dir} history floe_demo.user_features`,
    ]) {
      expect(out).toContain(part);
    }
    expect(out).toMatch(/schema 0 \(v1, v2\)\s+schema 1 \(v3, current\)/);
    expect(out).toMatch(/avg_value\s+double\s+4\s+avg_order_value\s+double/);
    expect(out).toMatch(/floe_demo\/events\/data\/ts_day=2026-01-05\/[0-9a-f-]+\.parquet/);

    const tables = await runFloe(['--warehouse', dir, 'tables', '--json']);
    expect(JSON.parse(tables.stdout)).toEqual(['floe_demo.events', 'floe_demo.item_embeddings', 'floe_demo.user_features']);
    const history = await runFloe(['--warehouse', dir, 'history', 'floe_demo.user_features', '--json']);
    expect((JSON.parse(history.stdout) as { operation: string }[]).map((h) => h.operation)).toEqual(['append', 'overwrite', 'overwrite']);
    const wh = await Warehouse.open(dir);
    expect(await wh.catalog.namespaceProperties(DEMO_NAMESPACE)).toMatchObject({ [DEMO_MARK]: 'true' });
    expect((await wh.loadTable('floe_demo.events')).properties()[DEMO_MARK]).toBe('true');
  });

  it("leaves a user's ml.events and its rows alone, and a re-run rebuilds the same rows", async () => {
    const dir = path.join(root, 'shared');
    await userTable(dir, 'ml.events');
    const first = await demo(dir);
    expect(first).not.toContain('dropped');
    await userTable(dir, 'floe_demo.mine');
    const before = await rows(dir, 'floe_demo.events');

    const again = await demo(dir);
    expect(again).toContain('(dropped floe_demo.events from an earlier demo run)');
    expect(await rows(dir, 'floe_demo.events')).toEqual(before);
    for (const table of ['floe_demo.user_features', 'floe_demo.item_embeddings']) expect((await rows(dir, table)).length).toBeGreaterThan(1);
    expect(await rows(dir, 'ml.events')).toEqual(USER_ROWS);
    expect(await rows(dir, 'floe_demo.mine')).toEqual(USER_ROWS);
  });

  it('refuses, changing nothing, when floe_demo or a table of its name was not made by the demo', async () => {
    const dir = path.join(root, 'theirs');
    await userTable(dir, 'floe_demo.events');
    const refused = await demo(dir).catch((e: unknown) => e);
    expect(isFloeError(refused, 'INVALID_ARGUMENT')).toBe(true);
    expect((refused as Error).message).toBe(`namespace floe_demo in ${dir} was not made by the demo (it has no floe.demo=true property); the demo changed nothing`);
    expect(await rows(dir, 'floe_demo.events')).toEqual(USER_ROWS);
    expect(await (await Warehouse.open(dir)).listTables('floe_demo')).toEqual(['floe_demo.events']);

    // A marked namespace holding a user's table under a demo table's name.
    const marked = path.join(root, 'marked');
    const wh = await Warehouse.open(marked);
    await wh.createNamespace(DEMO_NAMESPACE, { [DEMO_MARK]: 'true' });
    await userTable(marked, 'floe_demo.user_features');
    const table = await demo(marked).catch((e: unknown) => e);
    expect((table as Error).message).toBe(`table floe_demo.user_features in ${marked} was not made by the demo (it has no floe.demo=true property); the demo changed nothing`);
    expect(await rows(marked, 'floe_demo.user_features')).toEqual(USER_ROWS);
    expect(await wh.listTables(DEMO_NAMESPACE)).toEqual(['floe_demo.user_features']);
  });

  it('the script writes to ./warehouse (never $FLOE_WAREHOUSE) and exits 1 with the refusal', async () => {
    // Cheap: the refusal comes before any data is made. It shows the script's entry point, its
    // default warehouse and its exit code.
    requireBuild();
    const cwd = path.join(root, 'cwd');
    mkdirSync(cwd);
    await userTable(path.join(cwd, 'warehouse'), 'floe_demo.events');
    const elsewhere = path.join(root, 'env-warehouse');
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'dist', 'cli', 'demo.js')], { cwd, env: { ...process.env, FLOE_WAREHOUSE: elsewhere } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
    expect(r.stdout.split('\n')[0]).toBe(`Floe demo: writing to ${path.join(cwd, 'warehouse')}, in namespace floe_demo only (seed 42)`);
    expect(r.stderr).toContain(`demo: namespace floe_demo in ${path.join(cwd, 'warehouse')} was not made by the demo`);
    expect(r.stderr).toContain('help: run the demo on another warehouse');
    expect(r.code).toBe(1);
    expect(jsonLines((await runFloe(['--warehouse', path.join(cwd, 'warehouse'), 'scan', 'floe_demo.events', '--json'])).stdout)).toHaveLength(2);
    expect(await (await Warehouse.open(elsewhere)).listNamespaces()).toEqual([]);
  });
});
