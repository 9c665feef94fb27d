/**
 * `floe principals`, `floe grant`, `floe revoke` and `floe grants` against a served warehouse,
 * following the README's "Access control" walk-through: the admin creates the service principal
 * `trainer` and grants its role READ on namespace `ml`; the trainer reads, and is refused a write
 * (exit 1) with the table unchanged and the very error the README shows; secrets are printed
 * only when created or rotated.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestCatalogServer, Warehouse, startRestCatalogServer } from '../../src/node.js';
import type { StorageCatalog } from '../../src/catalog/index.js';
import { Governance } from '../../src/governance/index.js';
import { runFloe } from './in-process.js';
import { ROOT, tempDir, writeInput } from './support.js';

const ADMIN = 'cli-admin:cli-admin-secret-not-for-production';
const root = tempDir();
let server: RestCatalogServer;
let direct: Warehouse;
let url: string;

beforeAll(async () => {
  direct = await Warehouse.open(`memory://cli-governance-${process.pid}`);
  server = await startRestCatalogServer({ warehouse: direct, admin: { clientId: 'cli-admin', clientSecret: 'cli-admin-secret-not-for-production' } });
  url = server.url;
});
afterAll(async () => {
  await server.close();
});

function floe(args: readonly string[], credential?: string): ReturnType<typeof runFloe> {
  return runFloe(['--warehouse', url, ...args], credential ? { FLOE_CATALOG_CREDENTIAL: credential } : {});
}

/** The governance state's version, read from the warehouse (it grows with every change). */
async function stateVersion(): Promise<number> {
  const catalog = direct.catalog as StorageCatalog;
  return (await new Governance(catalog.root.store, { audience: direct.uri }).state()).version;
}

/** The README's "Access control" section. */
function readmeSection(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Access control\n');
  expect(start).toBeGreaterThan(0);
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

async function metadataFile(table: string): Promise<string> {
  return (await direct.loadTable(table)).metadataFile;
}

describe('the README walk-through', () => {
  let trainer = '';
  let secret = '';

  it('the admin creates a table and the trainer principal, whose secret is printed once', async () => {
    const created = await floe(['create', 'ml.events', '--schema', '{"id":"long not null","event":"string"}'], ADMIN);
    expect(created.code, created.stderr).toBe(0);
    const appended = await floe(['append', 'ml.events', writeInput(root, 'a.csv', 'id,event\n1,click\n2,view\n')], ADMIN);
    expect(appended.code, appended.stderr).toBe(0);

    const r = await floe(['principals', 'create', 'trainer', '--type', 'service', '--role', 'trainers'], ADMIN);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('created service principal trainer (roles: trainers)');
    expect(readmeSection()).toContain('\ncreated service principal trainer (roles: trainers)\n');
    const id = /client id: +(\S+)/.exec(r.stdout)![1]!;
    // The README's client ids have the shape the server makes (`floe-` and 32 hex digits), cut.
    expect(id).toMatch(/^floe-[0-9a-f]{32}$/);
    const shown = [...readmeSection().matchAll(/client id:? +([^\s,]*…)/g)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const c of shown) expect(c).toMatch(/^floe-[0-9a-f]{8}…$/);
    secret = /client secret: +(\S+)/.exec(r.stdout)![1]!;
    trainer = `${id}:${secret}`;
    expect(r.stdout).toContain(`FLOE_CATALOG_CREDENTIAL='${trainer}'`);

    const list = await floe(['principals'], ADMIN);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/trainer +service +trainers +enabled/);
    expect(list.stdout).not.toContain(secret);
  });

  it('the trainer holds nothing yet: the table is hidden (exit 1)', async () => {
    const r = await floe(['scan', 'ml.events'], trainer);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not found|lacks/);
  });

  it('the admin grants READ on namespace ml; the trainer reads', async () => {
    const g = await floe(['grant', 'READ', 'on', 'namespace', 'ml', 'to', 'trainers'], ADMIN);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/^granted READ on namespace ml to role trainers \(grant [0-9a-f-]{36}\)\n$/);
    expect(readmeSection()).toContain('\ngranted READ on namespace ml to role trainers (grant ');
    const scan = await floe(['scan', 'ml.events', '--format', 'csv'], trainer);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toBe('id,event\n1,click\n2,view\n');
    expect(readmeSection()).toContain(`$ floe scan ml.events --format csv\n${scan.stdout}`);
    // Listing the namespace's tables is LIST, which the role does not hold yet.
    expect((await floe(['tables', 'ml'], trainer)).stderr).toMatch(/principal trainer lacks LIST on namespace ml/);
    const list = await floe(['grant', 'LIST', 'on', 'namespace', 'ml', 'to', 'trainers'], ADMIN);
    expect(list.code, list.stderr).toBe(0);
    expect((await floe(['tables', 'ml'], trainer)).stdout).toContain('ml.events');
  });

  it('and is refused a write (403, exit 1) with the error the README shows, the table unchanged', async () => {
    const before = await metadataFile('ml.events');
    const r = await floe(['append', 'ml.events', writeInput(root, 'more.csv', 'id,event\n3,buy\n')], trainer);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n')[0]!;
    expect(r.stderr, 'the README shows all of stderr').toBe(`${line}\n`);
    expect(line).toBe('floe: error: the catalog refused POST /v1/floe/namespaces/ml/tables/events: principal trainer lacks WRITE on table ml.events');
    expect(readmeSection()).toContain(`$ floe append ml.events more.csv\n${line}\n$ echo $?\n1\n`);
    expect(await metadataFile('ml.events')).toBe(before);
    const json = await floe(['--json', 'append', 'ml.events', writeInput(root, 'c.csv', 'id,event\n4,buy\n')], trainer);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr).error.code).toBe('NOT_AUTHORIZED');
    expect(await metadataFile('ml.events')).toBe(before);
  });

  it('the admin lists the grants and revokes READ: the trainer is refused at once', async () => {
    const grants = await floe(['--json', 'grants', '--role', 'trainers'], ADMIN);
    const read = (JSON.parse(grants.stdout) as { id: string; privilege: string }[]).find((g) => g.privilege === 'READ')!;
    const text = await floe(['grants', '--role', 'trainers'], ADMIN);
    expect(text.stdout).toMatch(new RegExp(`${read.id} +trainers +READ +namespace ml`));
    const revoked = await floe(['revoke', read.id], ADMIN);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`revoked READ on namespace ml from role trainers (grant ${read.id})\n`);
    const scan = await floe(['scan', 'ml.events'], trainer);
    expect(scan.code).toBe(1);
    expect(scan.stderr).toMatch(/lacks READ on table ml\.events/);
  });

  it('rotating the secret prints the new one once; the old one is refused', async () => {
    const r = await floe(['principals', 'update', 'trainer', '--rotate-secret', '--add-role', 'readers'], ADMIN);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^changed principal trainer: roles trainers, readers; enabled$/m);
    const fresh = /client secret: +(\S+)/.exec(r.stdout)![1]!;
    expect(fresh).not.toBe(secret);
    const old = await floe(['tables', 'ml'], trainer);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/invalid_client/);
    expect(old.stderr).not.toContain(secret);
    const changed = await floe(['principals', 'update', 'trainer', '--disable'], ADMIN);
    expect(changed.stdout).not.toMatch(/client secret/);
  });
});

describe('mistakes', () => {
  it.each<[string, string[], RegExp]>([
    ['no credential', ['principals'], /bearer token/],
    ['a principal without MANAGE_GRANTS', ['principals', 'create', 'x'], /MANAGE_GRANTS/],
    ['an unknown privilege', ['grant', 'SELECT', 'on', 'catalog', 'to', 'r'], /unknown privilege "SELECT"/],
    ['a missing "to"', ['grant', 'READ', 'on', 'namespace', 'ml', 'r'], /expected "to ROLE" at the end/],
    ['a table without namespace', ['grant', 'READ', 'on', 'table', 'events', 'to', 'r'], /a table is named namespace\.table/],
    ['an empty mask column', ['grant', 'READ', 'on', 'catalog', 'to', 'r', '--mask-drop', 'a,,b'], /--mask-drop takes column names/],
    ['a row filter that does not parse', ['grant', 'READ', 'on', 'catalog', 'to', 'r', '--row-filter', 'a = '], /rowFilter of the grant/],
    ['a mask on WRITE', ['grant', 'WRITE', 'on', 'catalog', 'to', 'r', '--mask-null', 'a'], /goes with READ, not WRITE/],
    ['an unknown action', ['principals', 'delete', 'x'], /unknown principals action "delete"/],
    ['--type with update', ['principals', 'update', 'x', '--type', 'service'], /--type does not go with principals update/],
    ['--disable and --enable', ['principals', 'update', 'x', '--disable', '--enable'], /contradict/],
    ['an update that changes nothing', ['principals', 'update', 'x'], /changes nothing/],
    ['a bad --type', ['principals', 'create', 'x', '--type', 'robot'], /--type must be user or service/],
    ['an unknown principal', ['principals', 'update', 'nobody', '--enable'], /no principal named nobody/],
    ['an unknown grant', ['revoke', '00000000-0000-4000-8000-000000000000'], /no grant with id/],
  ])('%s: exit 1 with a message, nothing changed', async (label, args, message) => {
    const plain = label === 'a principal without MANAGE_GRANTS' ? await plainCredential() : undefined;
    const credential = label === 'no credential' ? undefined : (plain ?? ADMIN);
    const before = await stateVersion();
    const r = await floe(args, credential);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(await stateVersion()).toBe(before);
  });

  it('a warehouse that is not served is refused with a hint', async () => {
    const r = await runFloe(['--warehouse', root, 'grants']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/floe grants manages access to a served warehouse: give the server's URL with --warehouse http/);
  });
});

let plain: string | undefined;
async function plainCredential(): Promise<string> {
  if (plain) return plain;
  const r = await floe(['--json', 'principals', 'create', 'plain'], ADMIN);
  const c = (JSON.parse(r.stdout) as { credential: { clientId: string; clientSecret: string } }).credential;
  plain = `${c.clientId}:${c.clientSecret}`;
  return plain;
}
