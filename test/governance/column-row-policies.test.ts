/**
 * Column and row policies (spec/governance.md §G7): a READ grant with a column mask and a row
 * filter, enforced by the server's read endpoint that Floe's client uses by itself for a masked
 * table; the masked principal refused every way to the files themselves (planning, credentials,
 * signing) with the status asserted; the unmasked principal unaffected. On memory and the run's
 * S3 server.
 */
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import '../../src/ml/index.js';
import { startRestCatalogServer } from '../../src/catalog/rest/server/index.js';
import { Governance, type Subject } from '../../src/governance/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';

const ADMIN = { clientId: 'policy-admin', clientSecret: 'policy-admin-secret-not-for-production' };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers.splice(0)) await c();
  await cleanupBackends();
});

const PEOPLE = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('name', new arrow.Utf8(), false),
  new arrow.Field('ssn', new arrow.Utf8(), false),
  new arrow.Field('salary', new arrow.Float64(), false),
  new arrow.Field('region', new arrow.Utf8(), false),
]);

function people(ids: number[]): arrow.Table {
  return arrow.tableFromArrays({
    id: BigInt64Array.from(ids.map(BigInt)),
    name: ids.map((i) => `person-${i}`),
    ssn: ids.map((i) => `ssn-${i}`),
    salary: Float64Array.from(ids.map((i) => 1000 * i)),
    region: ids.map((i) => (i % 2 === 0 ? 'eu' : 'us')),
  });
}

function rowsOf(t: arrow.Table): Record<string, unknown>[] {
  return t.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
  });
}

/**
 * A governed server over a fresh warehouse of `backend` with table `hr.people` (ids 1..8 in two
 * files), principal `analyst` (READ masked: `ssn` dropped, `salary` nulled, rows `region = 'eu'`)
 * and principal `auditor` (READ unmasked); both LIST the catalog.
 */
async function setup(backend: (typeof featureBackends)[number]) {
  const wh = await backend.open();
  const gov = new Governance(wh.catalog.root!.store, { audience: wh.uri, clock: wh.clock });
  const server = await startRestCatalogServer({ warehouse: wh, governance: gov, admin: ADMIN });
  closers.push(() => server.close());
  const s3 = wh.s3Options;
  const asAdmin = await Warehouse.open(server.url, { ...(s3 ? { s3 } : {}), catalog: { credential: `${ADMIN.clientId}:${ADMIN.clientSecret}` } });
  await asAdmin.createNamespace('hr');
  const t = await asAdmin.createTable('hr.people', PEOPLE);
  await t.append(people([1, 2, 3, 4]));
  await t.append(people([5, 6, 7, 8]));
  const state = await gov.state();
  const admin: Subject = { principal: Object.values(state.principals).find((p) => p.name === 'admin')! };
  const on = { kind: 'table' as const, namespace: ['hr'], table: 'people' };
  const analyst = await gov.createPrincipal(admin, { name: 'analyst', type: 'user', roles: ['analyst'] });
  const auditor = await gov.createPrincipal(admin, { name: 'auditor', type: 'user', roles: ['auditor'] });
  for (const role of ['analyst', 'auditor']) await gov.grant(admin, { role, privilege: 'LIST', on: { kind: 'catalog' } });
  await gov.grant(admin, { role: 'analyst', privilege: 'READ', on, columnMask: { drop: ['ssn'], nullify: ['salary'] }, rowFilter: "region = 'eu'" });
  await gov.grant(admin, { role: 'auditor', privilege: 'READ', on });
  // Storage settings (and keys) only for whom asks: the masked principal needs none.
  const open = (c: { clientId: string; clientSecret: string }, storage = true) =>
    Warehouse.open(server.url, { ...(s3 && storage ? { s3 } : {}), catalog: { credential: `${c.clientId}:${c.clientSecret}` } });
  const token = async (c: { clientId: string; clientSecret: string }): Promise<string> => {
    const r = await fetch(`${server.url}/v1/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }).toString(),
    });
    return ((await r.json()) as { access_token: string }).access_token;
  };
  const call = async (bearer: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, text, json: text.startsWith('{') ? (JSON.parse(text) as any) : undefined };
  };
  return { wh, gov, server, admin, asAdmin, analyst: analyst.credential, auditor: auditor.credential, open, token, call };
}

const backends = featureBackends.filter((b) => b.label !== 'local-fs');

describe.each(backends)('column and row policies on $label', (backend) => {
  // One server and its principals for the cases below (none changes what they share: refused
  // writes leave the table as it was). Hashing the principals' secrets is deliberately slow.
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup(backend);
  }, 180_000);

  it('a masked principal reads through Floe’s client: dropped columns absent, nulled columns null, filtered rows absent; the unmasked one sees all', async () => {
    const masked = await (await s.open(s.analyst, false)).loadTable('hr.people');
    expect(masked.access()?.readPolicy).toEqual({ drop: ['ssn'], nullify: ['salary'], rowFilters: ["region = 'eu'"] });
    const got = await masked.scan().toArrow();
    expect(got.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'salary', 'region']);
    expect(rowsOf(got).sort((a, b) => (a['id'] as number) - (b['id'] as number))).toEqual(
      [2, 4, 6, 8].map((i) => ({ id: i, name: `person-${i}`, salary: null, region: 'eu' })),
    );
    // The user's filter is ANDed with the grant's row filter.
    const combined = await masked.scan({ filter: 'id >= 4', columns: ['id', 'name'] }).toArrow();
    expect(rowsOf(combined).map((r) => r['id']).sort()).toEqual([4, 6, 8]);
    expect(combined.schema.fields.map((f) => f.name)).toEqual(['id', 'name']);
    // A filter that the row filter excludes entirely reads nothing, not the us rows.
    expect((await masked.scan({ filter: "region = 'us'" }).toArrow()).numRows).toBe(0);

    const full = await (await s.open(s.auditor)).loadTable('hr.people');
    expect(full.access()?.readPolicy).toBeUndefined();
    const all = await full.scan().toArrow();
    expect(all.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'ssn', 'salary', 'region']);
    expect(all.numRows).toBe(8);
    expect(rowsOf(all).find((r) => r['id'] === 3)).toEqual({ id: 3, name: 'person-3', ssn: 'ssn-3', salary: 3000, region: 'us' });
  });

  it('a masked principal cannot name or filter on a masked column, and a training dataset over the table is masked too', async () => {
    const masked = await (await s.open(s.analyst, false)).loadTable('hr.people');
    expect(() => masked.scan({ columns: ['id', 'ssn'] })).toThrow(expect.objectContaining({ code: 'NOT_AUTHORIZED', message: expect.stringContaining('column ssn of table hr.people is masked') }));
    expect(() => masked.scan({ filter: 'salary > 0' })).toThrow(expect.objectContaining({ code: 'NOT_AUTHORIZED', message: expect.stringContaining('column salary') }));
    // The server refuses it too, whatever the client does.
    const bearer = await s.token(s.analyst);
    const r = await s.call(bearer, 'POST', '/floe/v1/floe/namespaces/hr/tables/people/read', { filter: 'salary > 2500' });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain('column salary');

    // Floe's client writes no data as a masked reader (a write reads the table's manifests); nothing changes.
    const before = (await s.asAdmin.loadTable('hr.people')).currentSnapshot()!.snapshotId;
    await expect(masked.append(people([9]))).rejects.toMatchObject({ code: 'NOT_AUTHORIZED', message: expect.stringContaining('table hr.people are masked') });
    expect((await s.asAdmin.loadTable('hr.people')).currentSnapshot()!.snapshotId).toBe(before);

    const ds = await masked.dataset({ columns: ['id', 'salary'], seed: 7, batchSize: 3 });
    const ids: number[] = [];
    for await (const b of ds.reader()) {
      ids.push(...[...b.getChild('id')!.toArray()].map(Number));
      expect(b.getChild('salary')!.nullCount).toBe(b.numRows);
    }
    expect(ids.sort((a, b) => a - b)).toEqual([2, 4, 6, 8]);
  });

  it('a masked principal gets no raw file paths from /plan or /tasks (403 pointing at the read endpoint), no credentials, no signatures; the unmasked one plans', async () => {
    const masked = await s.token(s.analyst);
    const unmasked = await s.token(s.auditor);
    const table = '/v1/floe/namespaces/hr/tables/people';

    const plan = await s.call(masked, 'POST', `${table}/plan`, {});
    expect(plan.status).toBe(403);
    expect(plan.json.error.message).toContain('/read');
    expect(plan.text).not.toContain('.parquet');
    const tasks = await s.call(masked, 'POST', `${table}/tasks`, { 'plan-task': 'any' });
    expect(tasks.status).toBe(403);
    expect(tasks.text).not.toContain('.parquet');
    const credentials = await s.call(masked, 'GET', `${table}/credentials`);
    expect(credentials.status).toBe(403);
    const sign = await s.call(masked, 'POST', `${table}/sign`, { region: 'us-east-1', uri: 's3://b/k', method: 'GET', headers: {} });
    expect(sign.status).toBe(403);

    // loadTable: the policy, no storage credentials, no signer.
    const load = await s.call(masked, 'GET', table, undefined, { 'x-iceberg-access-delegation': 'vended-credentials' });
    expect(load.status).toBe(200);
    expect(JSON.parse(load.json.config['floe.read-policy'])).toEqual({ drop: ['ssn'], nullify: ['salary'], 'row-filters': ["region = 'eu'"] });
    expect(load.json['storage-credentials']).toBeUndefined();
    expect(Object.keys(load.json.config).filter((k) => /secret|access-key|session-token|signer/.test(k))).toEqual([]);

    const open = await s.call(unmasked, 'POST', `${table}/plan`, {});
    expect(open.status).toBe(200);
    expect(open.text).toContain('.parquet');
  });

  it('the read endpoint validates its request and names the argument at fault', async () => {
    const bearer = await s.token(s.auditor);
    const path = '/floe/v1/floe/namespaces/hr/tables/people/read';
    for (const [body, field] of [
      [{ limit: -1 }, 'limit'],
      [{ columns: 'id' }, 'columns'],
      [{ 'snapshot-id': 'latest' }, 'snapshot-id'],
      [{ everything: true }, 'everything'],
    ] as const) {
      const r = await s.call(bearer, 'POST', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.message).toContain(field);
    }
    const missing = await s.call(bearer, 'POST', path, { files: [{ path: 's3://elsewhere/other-table/data.parquet' }] });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain('is not a data file of snapshot');
    expect((await s.call('not-a-token', 'POST', path, {})).status).toBe(401);
  });
});
