/**
 * `floe serve` as a user runs it: the demo warehouse served as an Iceberg REST catalog by the
 * real binary (a child process), read and written through it by the CLI (`--warehouse
 * http://…`) and by iceberg-js, then stopped with SIGTERM (exit 0). No timing: the test waits
 * for the line that names the URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { IcebergRestCatalog } from 'iceberg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { runDemo } from '../../src/cli/demo.js';
import { runFloe } from './in-process.js';
import { BIN, requireBuild, tempDir } from './support.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts `floe serve` and resolves with its URL once it prints it. */
function serve(warehouse: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
  requireBuild();
  const child = spawn(process.execPath, [BIN, '--warehouse', warehouse, 'serve', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`floe serve exited ${code} before serving: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}

describe('floe serve', () => {
  it('serves the demo warehouse to the CLI and to iceberg-js, and stops on SIGTERM', async () => {
    const dir = tempDir();
    const warehouse = path.join(dir, 'warehouse');
    await runDemo({ warehouse, write: () => undefined, sizes: { users: 20, items: 30, eventsPerDay: 40, dim: 4 } });
    const { child, url, stdout, stderr } = await serve(warehouse);
    expect(stdout()).toMatch(/serving file:\/\/.*warehouse as an Iceberg REST catalog at http:\/\/127\.0\.0\.1:\d+ \(prefix floe\)/);
    // The first start creates the admin principal and shows its secret once.
    const m = /created the admin principal: client id (\S+), secret (\S+) \(shown once/.exec(stdout());
    expect(m).not.toBeNull();
    const env = { FLOE_CATALOG_CREDENTIAL: `${m![1]}:${m![2]}` };
    const refused = await runFloe(['--warehouse', url, 'tables']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bearer token|credentials/);

    const tables = await runFloe(['--warehouse', url, 'tables', '--json'], env);
    expect(tables.code, tables.stderr).toBe(0);
    // The server's audit log (spec/governance.md §G8) is listed too once its timer has written it.
    expect((JSON.parse(tables.stdout) as string[]).filter((t) => t !== '_system.audit')).toEqual(['floe_demo.events', 'floe_demo.item_embeddings', 'floe_demo.user_features']);

    const csv = path.join(dir, 'rows.csv');
    writeFileSync(csv, 'id,name\n1,a\n2,b\n');
    const created = await runFloe(['--warehouse', url, 'create', 'served.t', '--schema', '{"id":"long not null","name":"string"}'], env);
    expect(created.code, created.stderr).toBe(0);
    const appended = await runFloe(['--warehouse', url, 'append', 'served.t', csv], env);
    expect(appended.code, appended.stderr).toBe(0);
    const scanned = await runFloe(['--warehouse', url, 'scan', 'served.t', '--format', 'csv'], env);
    expect(scanned.stdout.trim().split('\n').sort()).toEqual(['1,a', '2,b', 'id,name']);

    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: m![1]!, client_secret: m![2]! });
    const token = ((await (await fetch(`${url}/v1/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })).json()) as { access_token: string }).access_token;
    const catalog = new IcebergRestCatalog({ baseUrl: url, warehouse: 'floe', auth: { type: 'bearer', token } });
    expect((await catalog.listTables({ namespace: ['served'] })).identifiers).toEqual([{ namespace: ['served'], name: 't' }]);
    const loaded = await catalog.loadTable({ namespace: ['served'], name: 't' });
    expect(loaded.snapshots).toHaveLength(1);

    // What went through the server is in the folder, for a direct reader too.
    const direct = await Warehouse.open(warehouse);
    expect((await (await direct.loadTable('served.t')).scan().toArrow()).numRows).toBe(2);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(stderr()).toMatch(/stopped \(SIGTERM\)/);

    // Stopping wrote the decisions still buffered: the refused listing and the admin's requests.
    const audit = await runFloe(['--warehouse', warehouse, '--json', 'audit']);
    expect(audit.code, audit.stderr).toBe(0);
    const rows = audit.stdout.trim().split('\n').map((l) => JSON.parse(l) as { principal_name: string | null; operation: string; status: number; object: string | null });
    // The client without a credential was refused at its first request, GET /v1/config.
    expect(rows.filter((r) => r.status === 401).map((r) => [r.operation, r.principal_name])).toEqual([['getConfig', null]]);
    expect(rows.some((r) => r.principal_name === 'admin' && r.operation === 'createTable' && r.status === 200)).toBe(true);
    expect(rows.some((r) => r.principal_name === 'admin' && r.object === 'table served.t' && r.operation === 'updateTable')).toBe(true);
    expect(audit.stdout).not.toContain(m![2]!);
    expect(audit.stdout).not.toContain(token);
  });

  it('prints one JSON object with --json', async () => {
    const dir = tempDir();
    await Warehouse.open(dir);
    const { child, url, stdout } = await serve(dir, ['--json']);
    expect(JSON.parse(stdout())).toEqual({ warehouse: expect.stringMatching(/^file:\/\//), url, prefix: 'floe', auth: true, admin: { name: 'admin', clientId: expect.stringMatching(/^floe-/), clientSecret: expect.any(String) } });
    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
  });

  it('refuses a port that is not one (exit 1)', async () => {
    const bad = await runFloe(['--warehouse', tempDir(), 'serve', '--port', 'http']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--port/);
    const tooBig = await runFloe(['--warehouse', tempDir(), 'serve', '--port', '70000']);
    expect(tooBig.code).toBe(1);
  });
});
