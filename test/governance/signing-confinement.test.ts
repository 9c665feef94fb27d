/**
 * What the remote signer never signs, whatever the table's location (spec/governance.md §G6):
 * the warehouse's reserved folders (`_floe` holds the governance state with its signing keys),
 * and a table's metadata files, which a REST client gets from loadTable with what its grant may
 * not see (lineage inputs) redacted.
 */
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { startRestCatalogServer, type RestCatalogServer } from '../../src/catalog/rest/server/index.js';
import { StorageCatalog } from '../../src/catalog/index.js';
import { Governance } from '../../src/governance/index.js';
import { createTestBucket, requireS3Endpoint, s3Label, s3ProcessSettings, type TestBucket } from '../support/s3-endpoint.js';

const ADMIN = { clientId: 'admin', clientSecret: 'admin-secret-for-signing-confinement' };

let bucket: TestBucket;
let server: RestCatalogServer;
let readerToken: string;
let tableKey: string;
let rootKey: string;

async function askSignature(table: string, method: string, key: string, query = ''): Promise<{ status: number; message: string }> {
  const uri = `${requireS3Endpoint().endpoint}/${bucket.bucket}/${key}${query}`;
  const r = await fetch(`${server.url}/v1/floe/namespaces/ml/tables/${table}/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${readerToken}` },
    body: JSON.stringify({ region: requireS3Endpoint().region, uri, method, headers: {} }),
  });
  const body = (await r.json()) as { error?: { message: string } };
  return { status: r.status, message: body.error?.message ?? '' };
}

beforeAll(async () => {
  bucket = await createTestBucket();
  const wh = await Warehouse.open(`s3://${bucket.bucket}/wh`, { s3: s3ProcessSettings().s3 });
  const gov = new Governance(wh.root.store, { audience: wh.uri });
  server = await startRestCatalogServer({ warehouse: wh, governance: gov, admin: ADMIN, audit: false });
  const admin = await gov.authenticate(await gov.state(), `Bearer ${(await gov.tokenForClient(ADMIN.clientId, ADMIN.clientSecret)).token}`);
  await wh.createNamespace('ml');
  await (await wh.createTable('ml.a', new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false)]))).append(arrow.tableFromArrays({ id: Int32Array.from([1, 2]) }));
  // A binding an older server accepted: ml.everything at the warehouse root.
  const store = (wh.catalog as StorageCatalog).root.store;
  const doc = JSON.parse(new TextDecoder().decode((await store.get('ml/namespace.floe.json')).bytes));
  doc.tables.everything = { location: wh.root.uri };
  await store.put('ml/namespace.floe.json', new TextEncoder().encode(JSON.stringify(doc)), { mode: { kind: 'overwrite' } });
  const reader = (await gov.createPrincipal(admin, { name: 'reader', type: 'service', roles: ['reader'] })).credential;
  for (const table of ['a', 'everything']) await gov.grant(admin, { role: 'reader', privilege: 'READ', on: { kind: 'table', namespace: ['ml'], table } });
  const r = await fetch(`${server.url}/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: reader.clientId, client_secret: reader.clientSecret }).toString(),
  });
  readerToken = ((await r.json()) as { access_token: string }).access_token;
  rootKey = 'wh';
  tableKey = `${rootKey}/ml/a`;
});

afterAll(async () => {
  await server?.close();
  await bucket?.cleanup();
});

describe(`the signer's fixed refusals: ${s3Label()}`, () => {
  it("a table's metadata files and version hint are not signed for a reader (403): loadTable serves them redacted", async () => {
    const metadata: string[] = [];
    for await (const m of bucket.store.list(`${tableKey}/metadata/`)) if (m.path.endsWith('.metadata.json')) metadata.push(m.path);
    expect(metadata.length).toBeGreaterThan(0);
    for (const key of [...metadata, `${tableKey}/metadata/version-hint.text`]) {
      expect(await askSignature('a', 'GET', key)).toEqual({ status: 403, message: expect.stringContaining('metadata files are served by loadTable (redacted for the caller), never signed') });
    }
    // Its data files still are.
    let data = '';
    for await (const m of bucket.store.list(`${tableKey}/data/`)) data = m.path;
    expect((await askSignature('a', 'GET', data)).status).toBe(200);
  });

  it('the governance state is not signed even for a table bound at the warehouse root (403), nor a listing of the root', async () => {
    expect(await askSignature('everything', 'GET', `${rootKey}/_floe/governance/state.json`)).toEqual({
      status: 403,
      message: expect.stringContaining("it is in the warehouse's reserved folders (beginning with _)"),
    });
    expect(await askSignature('everything', 'GET', '', `?list-type=2&prefix=${rootKey}/`)).toEqual({ status: 403, message: expect.stringContaining('reserved folders') });
  });
});
