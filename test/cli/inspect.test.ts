/**
 * `floe history`, `floe schema` and `floe info` through the real binary, for people and with
 * `--json`, and their bad input (unknown table, unknown snapshot).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotIds, tempDir, warehouse, writeInput } from './support.js';

const root = tempDir();
const wh = warehouse(root, 'wh');
let ids: string[] = [];

beforeAll(async () => {
  expect((await wh.run(['create', 'ml.h', '--schema', '{"id":"long not null","ts":"timestamptz","emb":"vector(4)"}', '--partition', 'day(ts)', '--property', 'team=ranking'])).code).toBe(0);
  expect((await wh.run(['append', 'ml.h', writeInput(root, 'a.csv', 'id,ts\n1,2026-01-05T00:00:00Z\n2,2026-01-06T00:00:00Z\n')])).code).toBe(0);
  expect((await wh.run(['evolve', 'ml.h', 'add-column', 'label', 'string'])).code).toBe(0);
  expect((await wh.run(['append', 'ml.h', writeInput(root, 'b.csv', 'id,label\n3,x\n')])).code).toBe(0);
  expect((await wh.run(['tag', 'ml.h', 'gold'])).code).toBe(0);
  ids = snapshotIds((await wh.run(['history', 'ml.h', '--json'])).stdout);
}, 120_000);

describe('floe history', () => {
  it('lists each snapshot with its operation, rows and refs, oldest first', async () => {
    const r = await wh.run(['history', 'ml.h']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^made_current_at\s+snapshot_id\s+parent_id\s+operation\s+added_rows\s+total_rows\s+current\s+ancestor\s+refs$/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\s+${ids[0]}\\s+append\\s+2\\s+2\\s+no\\s+yes\\s*$`));
    expect(lines[3]).toMatch(new RegExp(`${ids[1]}\\s+${ids[0]}\\s+append\\s+1\\s+3\\s+yes\\s+yes\\s+(gold, main|main, gold)$`));
  });

  it('--json gives ids exactly (as strings: they may exceed 2^53)', async () => {
    const r = await wh.run(['--json', 'history', 'ml.h']);
    expect(r.code).toBe(0);
    expect(ids).toHaveLength(2);
    expect(r.stdout).toContain(`"parentSnapshotId": "${ids[0]}"`);
    expect(r.stdout).toContain('"operation": "append"');
    expect(r.stdout).toContain('"isCurrentAncestor": true');
  });

  it('a table with no snapshots says so', async () => {
    expect((await wh.run(['create', 'ml.empty', '--schema', '{"a":"int"}'])).code).toBe(0);
    const r = await wh.run(['history', 'ml.empty']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('table ml.empty has no snapshots yet\n');
  });

  it('exits 1 for an unknown table', async () => {
    const r = await wh.run(['history', 'ml.nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('table not found: ml.nope');
  });
});

describe('floe schema', () => {
  it('prints the current schema, and the one an older snapshot was written with', async () => {
    const now = await wh.run(['schema', 'ml.h']);
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/^id\s+name\s+type\s+required\s+doc\n/);
    expect(now.stdout).toMatch(/1\s+id\s+long\s+required/);
    expect(now.stdout).toMatch(/3\s+emb\s+vector\(4\)\s+optional/);
    expect(now.stdout).toMatch(/5\s+label\s+string\s+optional/);
    const old = await wh.run(['schema', 'ml.h', '--snapshot', ids[0]!]);
    expect(old.code).toBe(0);
    expect(old.stdout).not.toContain('label');
  });

  it('--json prints the Iceberg schema JSON', async () => {
    const r = await wh.run(['schema', 'ml.h', '--json']);
    const schema = JSON.parse(r.stdout);
    expect(schema).toMatchObject({ type: 'struct', 'schema-id': 1 });
    expect(schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'ts', 'emb', 'label']);
  });

  it('exits 1 for an unknown snapshot or table', async () => {
    const r = await wh.run(['schema', 'ml.h', '--snapshot', '42']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('table ml.h has no snapshot 42');
    expect(r.stderr).toContain('floe history');
    expect((await wh.run(['schema', 'ml.nope'])).code).toBe(1);
  });
});

describe('floe info', () => {
  it('shows location, format version, snapshots, files, rows, bytes, partition spec and properties', async () => {
    const r = await wh.run(['info', 'ml.h']);
    expect(r.code).toBe(0);
    const line = (key: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';
    expect(line('location')).toMatch(/file:\/\/.*\/wh\/ml\/h$/);
    expect(line('format version')).toMatch(/2$/);
    expect(line('metadata')).toMatch(/metadata\/v\d+\.metadata\.json \(version \d+\)$/);
    expect(line('snapshots')).toMatch(/ 2$/);
    expect(line('current snapshot')).toContain(ids[1]);
    expect(line('refs')).toMatch(/gold, main$/);
    expect(line('data files')).toMatch(/ 3$/);
    expect(line('rows')).toMatch(/ 3$/);
    expect(line('size')).toMatch(/KB \([\d,]+ bytes\)$/);
    expect(line('partition spec')).toMatch(/day\(ts\)$/);
    expect(line('property team')).toMatch(/ranking$/);
  });

  it('--json is machine-readable', async () => {
    const info = JSON.parse((await wh.run(['info', 'ml.h', '--json'])).stdout);
    expect(info).toMatchObject({ table: 'ml.h', formatVersion: 2, snapshotCount: 2, dataFiles: 3, totalRecords: 3, partitionSpec: 'day(ts)', schemaId: 1 });
    expect(info.sizeBytes).toBeGreaterThan(0);
    expect(info.properties.team).toBe('ranking');
  });

  it('works on a table given by location, and exits 1 where there is none', async () => {
    const r = await wh.run(['info', `${wh.dir}/ml/h`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totalRecords).toBe(3);
    const none = await wh.run(['info', `${wh.dir}/ml/nothing-here`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('table not found');
  });
});
