/**
 * `--json` output that any JSON parser reads exactly: every command's output goes through plain
 * `JSON.parse`, 64-bit ids and `long` values come back as the exact decimal strings (the ids
 * here are all above 2^53, where a JSON number would be rounded), and a field has one type in
 * every command that prints it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RestCatalogServer, Warehouse, startRestCatalogServer } from '../../src/node.js';
import { buildProgram } from '../../src/cli/program.js';
import { runFloe } from './in-process.js';
import { ROOT, tempDir, writeInput } from './support.js';

// Snapshot ids above 2^53 on every run (Floe's own are random 63-bit numbers, so only usually
// that large): seeded, distinct, below 2^63.
vi.mock('../../src/util/ids.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/util/ids.js')>();
  const { prng: seeded } = await import('../support/prng.js');
  const random = seeded(53);
  return {
    ...original,
    newSnapshotId: (): bigint => 2n ** 53n * BigInt(1 + Math.floor(random() * 1000)) + BigInt(1 + Math.floor(random() * 2 ** 31)),
  };
});

const root = tempDir();
const uri = `memory://cli-json-${process.pid}`;
// Parsed output is checked by shape; its type is what JSON.parse gives.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const LONG = '9007199254740993'; // 2^53 + 1: the first integer a double cannot hold

/** Every command with --json, in the order run, and its parsed output (scan: one value per line). */
const outputs = new Map<string, unknown>();
let ids: bigint[] = [];

async function json(label: string, args: readonly string[], where: { readonly warehouse?: string; readonly env?: Record<string, string> } = {}): Promise<Json> {
  const r = await runFloe(['--warehouse', where.warehouse ?? uri, '--json', ...args], where.env);
  expect(r.code, `${label}: ${r.stderr}`).toBe(0);
  const text = r.stdout.trim();
  const value = label === 'scan' || label === 'audit' || label === 'changes' ? text.split('\n').map((l) => JSON.parse(l) as unknown) : (JSON.parse(text) as unknown);
  outputs.set(label, value);
  return value;
}

beforeAll(async () => {
  await json('create', ['create', 'ml.t', '--schema', '{"id":"long not null","n":"int","ts":"timestamptz"}']);
  await json('append', ['append', 'ml.t', writeInput(root, 'a.csv', `id,n,ts\n${LONG},1,2026-01-05T00:00:00Z\n2,2,2026-01-06T00:00:00Z\n`)]);
  await json('append (2)', ['append', 'ml.t', writeInput(root, 'b.csv', 'id,n,ts\n3,3,2026-01-07T00:00:00Z\n')]);
  const table = await (await Warehouse.open(uri)).loadTable('ml.t');
  ids = table.snapshots().map((s) => s.snapshotId);
  const views = writeInput(root, 'views.yaml', 'views:\n  - { name: t_stats, entities: [{ name: id, type: long }], source: { table: ml.t }, eventTime: ts, ttl: 1d, features: [{ name: n, type: long }] }\n');
  await json('features apply', ['features', 'apply', views]);
  await json('features list', ['features', 'list']);
  await json('features describe', ['features', 'describe', 't_stats']);
  await json('features diff', ['features', 'diff', 't_stats', '1', '1']);
  await json('features stats', ['features', 'stats', 't_stats']);
  await json('tag', ['tag', 'ml.t', 'v1']);
  await json('tag (list)', ['tag', 'ml.t']);
  await json('branch', ['branch', 'ml.t', 'exp', '--snapshot', String(ids[0])]);
  await json('branch (list)', ['branch', 'ml.t']);
  await json('history', ['history', 'ml.t']);
  await json('info', ['info', 'ml.t']);
  await json('schema', ['schema', 'ml.t']);
  await json('scan', ['scan', 'ml.t']);
  await json('changes', ['changes', 'ml.t', '--from', String(ids[0])]);
  await json('evolve', ['evolve', 'ml.t', 'add-column', 'note', 'string']);
  await json('constraints', ['constraints', 'ml.t', '--set', '[{"kind":"min","column":"n","value":0}]']);
  await json('lineage', ['lineage', 'ml.t']);
  await json('namespaces', ['namespaces']);
  await json('tables', ['tables']);
  await json('rollback', ['rollback', 'ml.t', String(ids[0])]);
  await json('expire', ['expire', 'ml.t', '--older-than', '2100-01-01', '--dry-run']);
  await json('remove-orphans', ['remove-orphans', 'ml.t', '--dry-run']);
  await json('compact', ['compact', 'ml.t', '--min-input-files', '1']);
  await json('rewrite-manifests', ['rewrite-manifests', 'ml.t']);
  await json('tag (remove)', ['tag', 'ml.t', 'v1', '--remove']);
  // The audit log a governed server wrote: a token, a load with its snapshot, a 401.
  const auditing = await startRestCatalogServer({ warehouse: await Warehouse.open(uri), admin: { clientId: 'json-admin', clientSecret: 'json-admin-secret' }, audit: { flushIntervalMs: 0 } });
  const token = (await (await fetch(`${auditing.url}/v1/oauth/tokens`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'json-admin', client_secret: 'json-admin-secret' }) })).json()) as { access_token: string };
  for (const headers of [{ authorization: `Bearer ${token.access_token}` }, {}]) await (await fetch(`${auditing.url}/v1/floe/namespaces/ml/tables/t`, { headers })).arrayBuffer();
  await auditing.close();
  await json('audit', ['audit']);
  // The governance commands work against a served warehouse (spec/governance.md).
  server = await startRestCatalogServer({ warehouse: await Warehouse.open(`${uri}-served`), admin: { clientId: 'json-admin', clientSecret: 'json-admin-secret-not-for-production' } });
  const asAdmin = { warehouse: server.url, env: { FLOE_CATALOG_CREDENTIAL: 'json-admin:json-admin-secret-not-for-production' } };
  await json('principals create', ['principals', 'create', 'analyst', '--role', 'analysts'], asAdmin);
  await json('principals update', ['principals', 'update', 'analyst', '--add-role', 'readers', '--rotate-secret'], asAdmin);
  await json('principals', ['principals'], asAdmin);
  const granted = await json('grant', ['grant', 'READ', 'on', 'table', 'ml.t', 'to', 'analysts', '--mask-drop', 'n', '--mask-null', 'ts', '--row-filter', 'id > 1'], asAdmin);
  await json('grant (namespace)', ['grant', 'LIST', 'on', 'namespace', 'ml', 'to', 'analysts'], asAdmin);
  await json('grants', ['grants', '--role', 'analysts'], asAdmin);
  await json('revoke', ['revoke', granted.id], asAdmin);
}, 180_000);

let server: RestCatalogServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe('--json ids are exact strings after plain JSON.parse', () => {
  it('the ids of this test are beyond 2^53 (a JSON number would round them)', () => {
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id > 2n ** 53n).toBe(true);
  });

  it.each<[string, (v: Json, id: readonly string[]) => void]>([
    ['append', (v, [a]) => expect(v.snapshots).toEqual([{ snapshotId: a, sequenceNumber: '1', timestampMs: expect.any(Number) }])],
    ['append (2)', (v, [, b]) => expect(v.snapshots[0]).toMatchObject({ snapshotId: b, sequenceNumber: '2' })],
    ['tag', (v, [, b]) => expect(v).toMatchObject({ name: 'v1', type: 'tag', snapshotId: b })],
    ['tag (list)', (v, [, b]) => expect(v).toEqual([{ name: 'v1', type: 'tag', snapshotId: b }])],
    ['branch', (v, [a]) => expect(v).toMatchObject({ name: 'exp', type: 'branch', snapshotId: a })],
    ['branch (list)', (v, [a, b]) => expect(v).toEqual([{ name: 'exp', type: 'branch', snapshotId: a }, { name: 'main', type: 'branch', snapshotId: b }])],
    ['history', (v, [a, b]) => expect(v.map((h: Json) => [h.snapshotId, h.parentSnapshotId])).toEqual([[a, null], [b, a]])],
    ['info', (v, [, b]) => expect(v.currentSnapshotId).toBe(b)],
    ['lineage', (v, [, b]) => expect(v.nodes[0].snapshotId).toBe(b)],
    ['rollback', (v, [a, b]) => expect(v).toMatchObject({ snapshotId: a, previousSnapshotId: b })],
    ['scan', (v) => expect(v.map((r: Json) => r.id).sort()).toEqual(['2', '3', LONG])],
    ['audit', (v, [a]) => expect(v.map((r: Json) => [r.operation, r.status, r.snapshot_id])).toEqual([['getToken', 200, null], ['loadTable', 200, a], ['loadTable', 401, null]])],
  ])('%s', (label, check) => {
    check(outputs.get(label), ids.map(String));
  });
});

/** The JSON type of a value: string, number, boolean, array, object (null: none). */
function typeOf(v: unknown): string | undefined {
  if (v === null) return undefined;
  return Array.isArray(v) ? 'array' : typeof v;
}

/** Every field name → the JSON types it has, and where, across the outputs of `labels`. */
function fieldTypes(labels: readonly string[] = [...outputs.keys()]): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  const visit = (v: unknown, where: string): void => {
    if (Array.isArray(v)) for (const x of v) visit(x, where);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // `schema` holds Iceberg's own schema JSON (spec Appendix C), where `type` is a string or
        // a nested type object by design; `properties` maps the table's own keys to strings.
        if (k === 'schema' || k === 'properties') continue;
        const t = typeOf(x);
        if (t !== undefined) {
          const byType = out.get(k) ?? new Map<string, string[]>();
          byType.set(t, [...(byType.get(t) ?? []), where]);
          out.set(k, byType);
        }
        visit(x, where);
      }
    }
  };
  // `changes` rows hold the table's columns (as `scan` does) and the change columns, checked here.
  const changeColumns = (rows: unknown): unknown => (rows as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('_'))));
  for (const label of labels) if (label !== 'scan' && label !== 'schema') visit(label === 'changes' ? changeColumns(outputs.get(label)) : outputs.get(label), label);
  return out;
}

describe('one type per field across commands', () => {
  // ids and sequence numbers are int64: strings; counts and epoch milliseconds: numbers.
  const EXPECTED: Readonly<Record<string, string>> = {
    snapshotId: 'string',
    parentSnapshotId: 'string',
    previousSnapshotId: 'string',
    currentSnapshotId: 'string',
    sequenceNumber: 'string',
    timestampMs: 'number',
    rows: 'number',
    files: 'number',
    bytes: 'number',
    addedRecords: 'number',
    totalRecords: 'number',
    dataFiles: 'number',
    sizeBytes: 'number',
    snapshots: 'array',
    refs: 'array',
    table: 'string',
    schemaId: 'number',
  };

  it.each(Object.entries(EXPECTED))('%s is a %s wherever it appears', (field, type) => {
    const types = fieldTypes().get(field);
    expect(types, `no command printed ${field}`).toBeDefined();
    expect(Object.fromEntries(types!)).toEqual({ [type]: expect.any(Array) });
  });

  it('every other field has one type too', () => {
    const mixed = [...fieldTypes()].filter(([, byType]) => byType.size > 1).map(([k, byType]) => `${k}: ${[...byType].map(([t, w]) => `${t} in ${[...new Set(w)].join(', ')}`).join('; ')}`);
    expect(mixed).toEqual([]);
  });
});

describe('spec/cli-json.md documents what each command prints', () => {
  const spec = readFileSync(path.join(ROOT, 'spec', 'cli-json.md'), 'utf8');
  const sections = spec.split('\n### ').slice(1).map((s) => ({ commands: s.slice(0, s.indexOf('\n')).split(', '), text: s }));

  // Every command of the program: a new one needs a section there and a run here.
  // (`serve` runs until it is interrupted: test/cli/serve.test.ts checks its JSON line.)
  const COMMANDS = buildProgram()
    .commands.map((c) => c.name())
    .filter((c) => c !== 'serve');

  it.each(COMMANDS)('%s', (command) => {
    const section = sections.find((s) => s.commands.includes(command));
    expect(section, `no "### ${command}" section`).toBeDefined();
    const labels = [...outputs.keys()].filter((l) => l.split(' ')[0] === command);
    expect(labels.length, `this test runs no floe ${command} --json`).toBeGreaterThan(0);
    const undocumented = [...fieldTypes(labels).keys()].filter((field) => !new RegExp(`\\b${field}\\b`).test(section!.text));
    expect(undocumented).toEqual([]);
  });
});
