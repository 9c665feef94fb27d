/**
 * `floe expire` and `floe remove-orphans` (in process, on a local warehouse): dry runs change
 * nothing, the real runs do what the dry runs said, `--json` parses, and a bad `--older-than`
 * or `--retain-last` is refused naming it with nothing changed.
 */
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/node.js';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { runFloe } from './in-process.js';
import { tempDir } from './support.js';

const root = tempDir();
const uri = pathToFileURL(root).href;
const tableDir = path.join(root, 'ml', 'm');
const DAY = 24 * 3_600_000;
const orphans = ['data/crashed-1.parquet', 'data/crashed-2.parquet', 'metadata/0b6f-crashed-m0.avro'];

const floe = (...args: string[]) => runFloe(['--warehouse', uri, ...args]);

function files(): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  walk(tableDir, '');
  return out.sort();
}

beforeAll(async () => {
  const wh = await Warehouse.open(uri);
  await wh.createNamespace('ml');
  const t = await wh.createTable('ml.m', TABLE_SCHEMA);
  for (let i = 0; i < 3; i++) await t.append(rows(i, 0, 2));
  const old = new Date(Date.now() - 5 * DAY);
  for (const o of orphans) {
    const p = path.join(tableDir, o);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, 'x');
    utimesSync(p, old, old);
  }
});

describe('floe remove-orphans', () => {
  it('lists orphans with --dry-run (text and --json) and deletes them without it', async () => {
    const before = files();
    const dry = await floe('remove-orphans', 'ml.m', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    for (const o of orphans) expect(dry.stdout).toContain(o);
    expect(dry.stdout).toContain('3 orphan files');
    expect(dry.stdout).toContain('dry run: nothing deleted');
    const json = await floe('--json', 'remove-orphans', 'ml.m', '--dry-run', '--older-than', '2d');
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { orphanFiles: { path: string }[]; dryRun: boolean; deletedFiles: number };
    expect(parsed.orphanFiles.map((f) => f.path)).toEqual([...orphans].sort());
    expect(parsed).toMatchObject({ dryRun: true, deletedFiles: 0 });
    expect(files()).toEqual(before);

    const done = await floe('remove-orphans', 'ml.m');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('deleted 3 of 3 orphan files');
    expect(files()).toEqual(before.filter((f) => !orphans.includes(f)));
    const scan = await floe('--json', 'scan', 'ml.m');
    expect(scan.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('refuses an --older-than less than 24h ago or malformed, naming it, and deletes nothing', async () => {
    const before = files();
    for (const bad of ['1h', 'yesterday']) {
      const r = await floe('remove-orphans', 'ml.m', '--older-than', bad);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--older-than');
    }
    expect(files()).toEqual(before);
  });
});

describe('floe expire', () => {
  it('says what it would expire with --dry-run, then expires it', async () => {
    const dry = await floe('--json', 'expire', 'ml.m', '--older-than', '2100-01-01', '--retain-last', '1', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { expiredSnapshotIds: string[]; dryRun: boolean; deletedFiles: number };
    expect(plan).toMatchObject({ dryRun: true, deletedFiles: 0 });
    expect(plan.expiredSnapshotIds).toHaveLength(2);
    const history = JSON.parse((await floe('--json', 'history', 'ml.m')).stdout) as unknown[];
    expect(history).toHaveLength(3);

    const done = await floe('expire', 'ml.m', '--older-than', '2100-01-01', '--retain-last', '1');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('expired 2 snapshots of ml.m');
    for (const id of plan.expiredSnapshotIds) expect(done.stdout).toContain(id);
    const scan = await floe('--json', 'scan', 'ml.m');
    expect(scan.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('refuses a bad --retain-last or --older-than, naming it', async () => {
    for (const [flag, value] of [['--retain-last', '0'], ['--older-than', 'soon']] as const) {
      const r = await floe('expire', 'ml.m', flag, value);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(flag);
    }
  });
});
