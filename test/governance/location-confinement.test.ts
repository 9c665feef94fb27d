/**
 * Where a client may put a table (spec/catalog.md §K1, spec/governance.md §G6): inside its own
 * namespace's folder, never over the warehouse's reserved folders (`_floe` with the governance
 * state and its signing keys, `_system`), a nested namespace or another table. Each refusal is
 * shown with its status and message, and with nothing changed: the same objects in the
 * warehouse, the same namespace documents, the same metadata of every table.
 */
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { StorageCatalog } from '../../src/catalog/index.js';
import { type RestCatalogServer, startRestCatalogServer } from '../../src/catalog/rest/server/index.js';
import { Governance, type Subject } from '../../src/governance/index.js';

const ADMIN = { clientId: 'admin', clientSecret: 'admin-secret-for-location-confinement' };
const SCHEMA = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'int', required: true }] };
/** The updates of a create transaction (what a client sends after stage-create), without a location. */
const CREATE_UPDATES = [
  { action: 'add-schema', schema: SCHEMA, 'last-column-id': 1 },
  { action: 'set-current-schema', 'schema-id': -1 },
  { action: 'add-spec', spec: { 'spec-id': 0, fields: [] } },
  { action: 'set-default-spec', 'spec-id': -1 },
  { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
  { action: 'set-default-sort-order', 'sort-order-id': -1 },
];

let wh: Warehouse;
let catalog: StorageCatalog;
let server: RestCatalogServer;
let gov: Governance;
let admin: Subject;
let adminToken: string;

async function tokenOf(credential: { clientId: string; clientSecret: string }): Promise<string> {
  const r = await fetch(`${server.url}/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret }).toString(),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown, token = adminToken): Promise<{ status: number; body: any }> {
  const r = await fetch(`${server.url}/v1/floe${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

/** Every object of the warehouse outside the reserved folders (the audit log and token issuance write there), and the namespace documents' bytes. */
async function snapshotOfWarehouse(): Promise<{ objects: string[]; docs: Record<string, string>; state: string }> {
  const objects: string[] = [];
  const docs: Record<string, string> = {};
  for await (const m of catalog.root.store.list('')) {
    if (m.path.startsWith('_')) continue;
    objects.push(m.path);
    if (m.path.endsWith('namespace.floe.json')) docs[m.path] = new TextDecoder().decode((await catalog.root.store.get(m.path)).bytes);
  }
  const state = new TextDecoder().decode((await catalog.root.store.get('_floe/governance/state.json')).bytes);
  return { objects: objects.sort(), docs, state };
}

const root = (): string => catalog.root.uri;

beforeAll(async () => {
  wh = await Warehouse.open(`memory://location-confinement-${process.pid}`);
  catalog = wh.catalog as StorageCatalog;
  gov = new Governance(catalog.root.store, { audience: wh.uri });
  server = await startRestCatalogServer({ warehouse: wh, governance: gov, admin: ADMIN, audit: false });
  admin = await gov.authenticate(await gov.state(), `Bearer ${(await gov.tokenForClient(ADMIN.clientId, ADMIN.clientSecret)).token}`);
  adminToken = await tokenOf(ADMIN);
  await wh.createNamespace('ml');
  await wh.createNamespace('ml.inner');
  await wh.createNamespace('other');
  for (const t of ['ml.a', 'ml.b', 'other.c']) await wh.createTable(t, new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false)]));
});

afterAll(async () => {
  await server?.close();
});

describe('a client-chosen table location is confined to its own namespace folder (403, nothing written)', () => {
  const refusals: [string, () => string, RegExp][] = [
    ['the governance folder _floe', () => `${root()}/_floe`, /reserved folders/],
    ['the audit folder _system/audit', () => `${root()}/_system/audit`, /reserved folders/],
    ["another namespace's folder", () => `${root()}/other/x`, /not inside the folder of the table's namespace/],
    ['its own namespace folder itself', () => `${root()}/ml`, /not inside the folder of the table's namespace/],
    ["a nested namespace's folder", () => `${root()}/ml/inner`, /nested namespace/],
    ["another table's folder", () => `${root()}/ml/a`, /another table lives at it, inside it or around it/],
    ["a folder inside another table's", () => `${root()}/ml/a/data`, /another table lives at it/],
  ];
  for (const [what, location, why] of refusals) {
    it(`createTable at ${what}`, async () => {
      const before = await snapshotOfWarehouse();
      const r = await call('POST', '/namespaces/ml/tables', { name: 'x', schema: SCHEMA, location: location() });
      expect([r.status, r.body.error.type]).toEqual([403, 'ForbiddenException']);
      expect(r.body.error.message).toMatch(why);
      expect(await snapshotOfWarehouse()).toEqual(before);
      expect(await wh.tableExists('ml.x')).toBe(false);
    });
  }

  it('createTable at the warehouse root (400, as before)', async () => {
    const before = await snapshotOfWarehouse();
    const r = await call('POST', '/namespaces/ml/tables', { name: 'x', schema: SCHEMA, location: root() });
    expect([r.status, r.body.error.message]).toEqual([400, expect.stringContaining('not a table location inside the warehouse')]);
    expect(await snapshotOfWarehouse()).toEqual(before);
  });

  it('a folder of its own namespace that no table uses is accepted', async () => {
    const r = await call('POST', '/namespaces/ml/tables', { name: 'custom', schema: SCHEMA, location: `${root()}/ml/custom-place` });
    expect(r.status).toBe(200);
    expect(r.body.metadata.location).toBe(`${root()}/ml/custom-place`);
  });

  it("a create transaction's set-location into _floe is refused (403), nothing written", async () => {
    const before = await snapshotOfWarehouse();
    const r = await call('POST', '/namespaces/ml/tables/staged', {
      requirements: [{ type: 'assert-create' }],
      updates: [
        { action: 'upgrade-format-version', 'format-version': 2 },
        ...CREATE_UPDATES,
        { action: 'set-location', location: `${root()}/_floe/governance` },
      ],
    });
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringMatching(/reserved folders/)]);
    expect(await snapshotOfWarehouse()).toEqual(before);
  });

  it("set-location of an existing table onto another table's folder is refused (403); its metadata is unchanged", async () => {
    const before = await snapshotOfWarehouse();
    const loaded = await call('GET', '/namespaces/ml/tables/b');
    const r = await call('POST', '/namespaces/ml/tables/b', { requirements: [], updates: [{ action: 'set-location', location: `${root()}/ml/a` }] });
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringMatching(/another table lives at it/)]);
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect((await call('GET', '/namespaces/ml/tables/b')).body['metadata-location']).toBe(loaded.body['metadata-location']);
  });

  it("registering another table's metadata under a new name (an alias) is refused (403) without naming it or its newest metadata", async () => {
    const before = await snapshotOfWarehouse();
    const a = await call('GET', '/namespaces/ml/tables/a');
    const r = await call('POST', '/namespaces/ml/register', { name: 'alias', 'metadata-location': a.body['metadata-location'] });
    expect([r.status, r.body.error.type]).toEqual([403, 'ForbiddenException']);
    expect(r.body.error.message.replaceAll('ml.alias', '')).not.toContain('ml.a');
    expect(r.body.error.message).not.toContain('v1.metadata.json');
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect(await wh.tableExists('ml.alias')).toBe(false);
  });

  it('registering from another namespace\'s folder is refused (403)', async () => {
    const before = await snapshotOfWarehouse();
    const c = await call('GET', '/namespaces/other/tables/c');
    const r = await call('POST', '/namespaces/ml/register', { name: 'stolen', 'metadata-location': c.body['metadata-location'] });
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringMatching(/not inside the folder of the table's namespace/)]);
    expect(await snapshotOfWarehouse()).toEqual(before);
  });

  it('a namespace may not be created in the reserved folders (403)', async () => {
    const before = await snapshotOfWarehouse();
    const r = await call('POST', '/namespaces', { namespace: ['_floe'] });
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringMatching(/reserved/)]);
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect(await catalog.namespaceExists('_floe')).toBe(false);
  });
});

describe('purge deletes only the dropped table\'s own files', () => {
  it('a table whose location another table shares (bound by an older server) is not purged: 403, both tables intact', async () => {
    // A binding as an older server accepted it: ml.twin at ml.a's location.
    const path = 'ml/namespace.floe.json';
    const doc = JSON.parse(new TextDecoder().decode((await catalog.root.store.get(path)).bytes));
    doc.tables.twin = { location: 'ml/a' };
    await catalog.root.store.put(path, new TextEncoder().encode(JSON.stringify(doc)), { mode: { kind: 'overwrite' } });
    const before = await snapshotOfWarehouse();
    const r = await call('DELETE', '/namespaces/ml/tables/twin?purgeRequested=true');
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringMatching(/another table lives at that location/)]);
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect((await call('GET', '/namespaces/ml/tables/a')).status).toBe(200);
    expect(await wh.tableExists('ml.twin')).toBe(true);
  });
});

describe('a namespace and a table of the same name would share a folder: refused both ways (409)', () => {
  it('createNamespace ml.a while table ml.a exists, over REST and in the library', async () => {
    const before = await snapshotOfWarehouse();
    const r = await call('POST', '/namespaces', { namespace: ['ml', 'a'] });
    expect([r.status, r.body.error.type]).toEqual([409, 'AlreadyExistsException']);
    await expect(catalog.createNamespace('ml.a')).rejects.toMatchObject({ code: 'NAMESPACE_ALREADY_EXISTS', help: expect.stringContaining('table ml.a exists') });
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect(await catalog.namespaceExists('ml.a')).toBe(false);
  });

  it('createTable ml.inner while namespace ml.inner exists, over REST and in the library', async () => {
    const before = await snapshotOfWarehouse();
    const r = await call('POST', '/namespaces/ml/tables', { name: 'inner', schema: SCHEMA });
    expect([r.status, r.body.error.type]).toEqual([409, 'AlreadyExistsException']);
    await expect(catalog.createTable('ml.inner', () => Promise.reject(new Error('must not be written')))).rejects.toMatchObject({
      code: 'TABLE_ALREADY_EXISTS',
      help: expect.stringContaining('namespace ml.inner exists'),
    });
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect(await catalog.listNamespaces('ml')).toEqual(['ml.inner']);
  });
});

describe('what replacing and creating tables need', () => {
  let creator: string;
  beforeAll(async () => {
    const made = (await gov.createPrincipal(admin, { name: 'creator', type: 'service', roles: ['creator'] })).credential;
    await gov.grant(admin, { role: 'creator', privilege: 'CREATE', on: { kind: 'namespace', namespace: ['ml'] } });
    await gov.grant(admin, { role: 'creator', privilege: 'LIST', on: { kind: 'namespace', namespace: ['ml'] } });
    await gov.grant(admin, { role: 'creator', privilege: 'READ', on: { kind: 'table', namespace: ['ml'], table: 'b' } });
    creator = await tokenOf(made);
  });

  it('registerTable with overwrite needs DROP and WRITE on the table it replaces, not only CREATE (403; ml.b unchanged)', async () => {
    const before = await snapshotOfWarehouse();
    const b = await call('GET', '/namespaces/ml/tables/b');
    const r = await call('POST', '/namespaces/ml/register', { name: 'b', 'metadata-location': b.body['metadata-location'], overwrite: true }, creator);
    expect([r.status, r.body.error.type]).toEqual([403, 'ForbiddenException']);
    expect(r.body.error.message).toMatch(/DROP|WRITE/);
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect((await call('GET', '/namespaces/ml/tables/b')).body['metadata-location']).toBe(b.body['metadata-location']);
  });

  it('a create transaction needs CREATE on the namespace: a principal with EVOLVE and WRITE on the namespace only is refused (403)', async () => {
    const made = (await gov.createPrincipal(admin, { name: 'evolver', type: 'service', roles: ['evolver'] })).credential;
    for (const privilege of ['LIST', 'EVOLVE', 'WRITE'] as const) await gov.grant(admin, { role: 'evolver', privilege, on: { kind: 'namespace', namespace: ['ml'] } });
    const token = await tokenOf(made);
    const before = await snapshotOfWarehouse();
    const r = await call(
      'POST',
      '/namespaces/ml/tables/sneaky',
      {
        requirements: [{ type: 'assert-create' }],
        updates: [
          ...CREATE_UPDATES,
        ],
      },
      token,
    );
    expect([r.status, r.body.error.message]).toEqual([403, expect.stringContaining('CREATE')]);
    expect(await snapshotOfWarehouse()).toEqual(before);
    expect(await wh.tableExists('ml.sneaky')).toBe(false);
  });
});

describe('authentication failures answer 400/401 as declared, never 500', () => {
  it('a Basic header with bad percent-encoding is 401 invalid_client', async () => {
    const r = await fetch(`${server.url}/v1/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('admin%zz:secret%').toString('base64')}` },
      body: 'grant_type=client_credentials&client_id=admin&client_secret=unused',
    });
    expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
  });

  it("the read endpoint's 401 names the Bearer scheme", async () => {
    const r = await fetch(`${server.url}/floe/v1/floe/namespaces/ml/tables/a/read`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
  });
});
