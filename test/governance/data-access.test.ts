/**
 * Data access follows the grants, proved on the real S3 server (spec/governance.md §G6): a
 * principal holding no storage keys reads and writes a table's files only through the catalog's
 * remote signer, which signs for the tables it is granted and nothing else; and without a
 * signature the S3 server itself refuses the bytes. A local-folder warehouse says in the table
 * config that its files cannot be confined, and offers no signing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { startRestCatalogServer, type RestCatalogServer } from '../../src/catalog/rest/server/index.js';
import { Governance, type Subject } from '../../src/governance/index.js';
import { createTestBucket, rawS3Client, requireS3Endpoint, s3Label, s3ProcessSettings, type TestBucket } from '../support/s3-endpoint.js';
import { dataAccessBucketPolicy } from '../support/s3-policies.js';

const ADMIN = { clientId: 'admin', clientSecret: 'admin-secret-for-data-access' };
const SCHEMA = new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false)]);
const rows = (...ids: number[]): arrow.Table => arrow.tableFromArrays({ id: Int32Array.from(ids) });
const idsOf = async (wh: Warehouse, table: string): Promise<number[]> =>
  ([...((await (await wh.loadTable(table)).scan().toArrow()).getChild('id')?.toArray() ?? [])] as number[]).sort((a, b) => a - b);

interface Setup {
  bucket: TestBucket;
  wh: Warehouse;
  server: RestCatalogServer;
  gov: Governance;
  admin: Subject;
  reader: { clientId: string; clientSecret: string };
  writer: { clientId: string; clientSecret: string };
  /** READ on A with a column mask. */
  masked: { clientId: string; clientSecret: string };
  /** Key (in the bucket) of a data file of each table, and each table's key prefix. */
  files: { a: string; b: string; aPrefix: string };
}

let s: Setup;

async function tokenOf(credential: { clientId: string; clientSecret: string }): Promise<string> {
  const r = await fetch(`${s.server.url}/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret }).toString(),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

/** Asks the catalog to sign a request, as a client would (its bearer token names the principal). */
async function askSignature(token: string, table: string, method: string, key: string): Promise<{ status: number; body: any }> {
  const uri = `${requireS3Endpoint().endpoint}/${s.bucket.bucket}/${key}`;
  const r = await fetch(`${s.server.url}/v1/floe/namespaces/ml/tables/${table}/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ region: requireS3Endpoint().region, uri, method, headers: {} }),
  });
  return { status: r.status, body: await r.json() };
}

/** A client of the catalog that holds no storage keys (an empty environment: no FLOE_S3_*). */
const keyless = (credential: { clientId: string; clientSecret: string }): Promise<Warehouse> =>
  Warehouse.open(s.server.url, { catalog: { credential: `${credential.clientId}:${credential.clientSecret}` }, s3: { env: {} } });

beforeAll(async () => {
  const bucket = await createTestBucket();
  // The bucket policy §G6 asks for on RGW (it acts on copy headers a signature did not cover).
  await rawS3Client().send(new PutBucketPolicyCommand({ Bucket: bucket.bucket, Policy: JSON.stringify(dataAccessBucketPolicy(bucket.bucket)) }));
  const wh = await Warehouse.open(`s3://${bucket.bucket}/wh`, { s3: s3ProcessSettings().s3 });
  const gov = new Governance(wh.root.store, { audience: wh.uri });
  const server = await startRestCatalogServer({ warehouse: wh, governance: gov, admin: ADMIN });
  const admin = await gov.authenticate(await gov.state(), `Bearer ${(await gov.tokenForClient(ADMIN.clientId, ADMIN.clientSecret)).token}`);
  await wh.createNamespace('ml');
  for (const [t, ids] of [['a', [1, 2]], ['b', [10, 20]]] as const) await (await wh.createTable(`ml.${t}`, SCHEMA)).append(rows(...ids));
  const reader = (await gov.createPrincipal(admin, { name: 'reader', type: 'service', roles: ['reader'] })).credential;
  const writer = (await gov.createPrincipal(admin, { name: 'writer', type: 'service', roles: ['writer'] })).credential;
  const masked = (await gov.createPrincipal(admin, { name: 'masked', type: 'service', roles: ['masked'] })).credential;
  const a = { kind: 'table' as const, namespace: ['ml'], table: 'a' };
  await gov.grant(admin, { role: 'reader', privilege: 'READ', on: a });
  await gov.grant(admin, { role: 'masked', privilege: 'READ', on: a, columnMask: { nullify: ['id'] } });
  for (const privilege of ['READ', 'WRITE'] as const) await gov.grant(admin, { role: 'writer', privilege, on: a });
  const keyOf = (uri: string): string => uri.slice(`s3://${bucket.bucket}/`.length);
  const dataKey = async (t: string): Promise<string> => {
    const prefix = `${keyOf((await wh.loadTable(`ml.${t}`)).uri)}/data/`;
    for await (const m of bucket.store.list(prefix)) return m.path;
    throw new Error(`no data file under ${prefix}`);
  };
  s = { bucket, wh, server, gov, admin, reader, writer, masked, files: { a: await dataKey('a'), b: await dataKey('b'), aPrefix: keyOf((await wh.loadTable('ml.a')).uri) } };
});

afterAll(async () => {
  await s?.server.close();
  await s?.bucket.cleanup();
});

describe(`data access follows the grants: ${s3Label()}`, () => {
  it('a read-only principal holding no keys reads A through the signer; the catalog advertises signing, never keys', async () => {
    const reader = await keyless(s.reader);
    expect(await idsOf(reader, 'ml.a')).toEqual([1, 2]);
    const token = await tokenOf(s.reader);
    const load = await fetch(`${s.server.url}/v1/floe/namespaces/ml/tables/a`, { headers: { authorization: `Bearer ${token}`, 'x-iceberg-access-delegation': 'remote-signing' } });
    const text = await load.text();
    const config = (JSON.parse(text) as { config: Record<string, string> }).config;
    expect(config).toMatchObject({ 's3.remote-signing-enabled': 'true', 's3.signer.endpoint': 'v1/floe/namespaces/ml/tables/a/sign' });
    expect(Object.keys(config).filter((k) => /key|secret|token/i.test(k))).toEqual([]);
    expect(text).not.toContain(requireS3Endpoint().secretAccessKey);
    // A signature the catalog gives for A's file opens it: the signature is what grants the bytes.
    const signed = await askSignature(token, 'a', 'GET', s.files.a);
    expect(signed.status).toBe(200);
    const headers = Object.fromEntries(Object.entries(signed.body.headers as Record<string, string[]>).filter(([k]) => k !== 'host').map(([k, v]) => [k, v.join(',')]));
    expect((await fetch(signed.body.uri, { headers })).status).toBe(200);
  });

  it("the signer refuses the read-only principal B's files and every write (403); its Floe client's append is refused and A is unchanged", async () => {
    const token = await tokenOf(s.reader);
    // B's file through A's signer: outside A's location.
    const viaA = await askSignature(token, 'a', 'GET', s.files.b);
    expect([viaA.status, viaA.body.error.type]).toEqual([403, 'ForbiddenException']);
    expect(viaA.body.error.message).toContain("outside the table's location");
    // B's own signer: no grant on B; answered as a missing table is, so B's existence does not leak.
    const viaB = await askSignature(token, 'b', 'GET', s.files.b);
    const missing = await askSignature(token, 'nope', 'GET', s.files.b);
    expect([viaB.status, viaB.body.error.message]).toEqual([403, 'nothing to sign for table ml.b: it does not exist, or no grant lets this caller see it']);
    expect(missing.status).toBe(403);
    // A key that only starts like A's location (a sibling folder) is outside it too.
    expect((await askSignature(token, 'a', 'GET', `${s.files.aPrefix}x/data/f.parquet`)).status).toBe(403);
    // Any write, even inside A: READ does not sign PUT, DELETE or a multipart upload.
    for (const method of ['PUT', 'DELETE', 'POST']) expect([method, (await askSignature(token, 'a', method, `${s.files.aPrefix}/data/new.parquet`)).status]).toEqual([method, 403]);
    // A masked READ gets no signature at all: the raw file holds the masked column (§G7).
    const masked = await askSignature(await tokenOf(s.masked), 'a', 'GET', s.files.a);
    expect([masked.status, masked.body.error.message]).toEqual([403, expect.stringContaining('through a column mask or row filter, so it gets no file scan tasks, storage credentials or signed requests')]);
    const reader = await keyless(s.reader);
    const before = (await s.wh.loadTable('ml.a')).snapshots().length;
    await expect((await reader.loadTable('ml.a')).append(rows(99))).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect((await s.wh.loadTable('ml.a')).snapshots().length).toBe(before);
    expect(await idsOf(s.wh, 'ml.a')).toEqual([1, 2]);
  });

  it('holding no keys, an unsigned or self-signed request is refused by the S3 server itself (403)', async () => {
    const e = requireS3Endpoint();
    const url = `${e.endpoint}/${s.bucket.bucket}/${s.files.b}`;
    const unsigned = await fetch(url);
    expect([unsigned.status, (await unsigned.text()).includes('AccessDenied')]).toEqual([403, true]);
    const put = await fetch(`${e.endpoint}/${s.bucket.bucket}/${s.files.aPrefix}/data/forged.parquet`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(await s.bucket.store.head(`${s.files.aPrefix}/data/forged.parquet`).catch((err: { code: string }) => err.code)).toBe('NOT_FOUND');
    // Signed with keys of its own making: the S3 server knows no such key.
    const forger = new S3Client({ endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials: { accessKeyId: 'reader', secretAccessKey: 'a-guess' } });
    try {
      const refused = await forger.send(new GetObjectCommand({ Bucket: s.bucket.bucket, Key: s.files.a })).then(
        () => undefined,
        (err: { $metadata?: { httpStatusCode?: number }; name?: string }) => [err.$metadata?.httpStatusCode, err.name],
      );
      expect(refused?.[0]).toBe(403);
      expect(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch']).toContain(refused?.[1]);
    } finally {
      forger.destroy();
    }
  });

  it('a principal with WRITE on A appends through signed requests and the commit lands; B stays out of reach; revoking READ stops signing at once', async () => {
    const writer = await keyless(s.writer);
    await (await writer.loadTable('ml.a')).append(rows(3));
    expect(await idsOf(s.wh, 'ml.a')).toEqual([1, 2, 3]);
    expect(await idsOf(writer, 'ml.a')).toEqual([1, 2, 3]);
    const token = await tokenOf(s.writer);
    expect((await askSignature(token, 'a', 'PUT', s.files.b)).status).toBe(403);
    // Revocation takes effect on the next signature (nothing is cached: Cache-Control no-cache).
    const reader = await tokenOf(s.reader);
    expect((await askSignature(reader, 'a', 'GET', s.files.a)).status).toBe(200);
    const grant = (await s.gov.state()).grants.find((g) => g.role === 'reader' && g.privilege === 'READ');
    await s.gov.revoke(s.admin, grant!.id);
    expect((await askSignature(reader, 'a', 'GET', s.files.a)).status).toBe(403);
  });
});

describe('data access on a local-folder warehouse', () => {
  it('cannot be confined: the table config says so, and no signing is offered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-data-access-'));
    const wh = await Warehouse.open(dir);
    const server = await startRestCatalogServer({ warehouse: wh, governance: 'none' });
    try {
      await wh.createNamespace('ml');
      await wh.createTable('ml.a', SCHEMA);
      const config = (await (await fetch(`${server.url}/v1/config`)).json()) as { endpoints: string[] };
      expect(config.endpoints.filter((x) => x.endsWith('/sign'))).toEqual([]);
      const load = (await (await fetch(`${server.url}/v1/floe/namespaces/ml/tables/a`, { headers: { 'x-iceberg-access-delegation': 'remote-signing' } })).json()) as { config: Record<string, string> };
      expect(load.config['floe.data-access']).toMatch(/^unconfined: .*cannot confine file access/);
      expect(load.config['s3.remote-signing-enabled']).toBeUndefined();
      const sign = await fetch(`${server.url}/v1/floe/namespaces/ml/tables/a/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ region: 'us-east-1', uri: `file://${dir}/ml/a/metadata/v1.metadata.json`, method: 'GET', headers: {} }),
      });
      expect(sign.status).toBe(400);
      expect(((await sign.json()) as { error: { message: string } }).error.message).toContain('cannot be confined');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
