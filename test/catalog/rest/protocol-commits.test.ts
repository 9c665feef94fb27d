/**
 * The REST catalog server's commit endpoints on memory, a local folder and the real S3 server,
 * every response validated against the OpenAPI document: each TableRequirement kind passing and
 * failing (409, nothing changed), each TableUpdate kind a v2 client sends, refusals (unknown
 * kinds, v3-only updates, locations outside the warehouse) with nothing changed, create
 * transactions (stage-create + assert-create), multi-table transactions refused whole,
 * Idempotency-Key replays, and hostile requests (malformed JSON, oversized bodies, path tricks).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { startRestCatalogServer } from '../../../src/catalog/rest/server/index.js';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { type Served, serve } from './harness.js';

afterAll(cleanupBackends);

const SCHEMA = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 's', type: 'string', required: false }] };
const TABLE = '/v1/floe/namespaces/ml/tables/t';

async function setup(s: Served): Promise<{ uuid: string; location: string }> {
  await s.call('POST', '/v1/floe/namespaces', { namespace: ['ml'] });
  const created = await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 't', schema: SCHEMA });
  const table = await s.wh.loadTable('ml.t');
  await table.append(arrow.tableFromArrays({ id: BigInt64Array.from([1n, 2n, 3n]), s: ['a', 'b', 'c'] }));
  return { uuid: created.body.metadata['table-uuid'], location: created.body.metadata.location };
}

async function head(s: Served): Promise<{ location: string; metadata: any }> {
  const r = await s.call('GET', TABLE);
  return { location: r.body['metadata-location'], metadata: r.body.metadata };
}

describe.each(featureBackends)('REST catalog server, commits: $label', (backend) => {
  it('checks every requirement kind: a failing one answers 409 CommitFailedException and changes nothing', async () => {
    const s = await serve(backend);
    try {
      const { uuid } = await setup(s);
      const m = (await head(s)).metadata;
      const main = m.refs.main['snapshot-id'];
      const passing = [
        { type: 'assert-table-uuid', uuid },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': main },
        { type: 'assert-ref-snapshot-id', ref: 'nobranch', 'snapshot-id': null },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': m['last-column-id'] },
        { type: 'assert-current-schema-id', 'current-schema-id': m['current-schema-id'] },
        { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': m['last-partition-id'] },
        { type: 'assert-default-spec-id', 'default-spec-id': m['default-spec-id'] },
        { type: 'assert-default-sort-order-id', 'default-sort-order-id': m['default-sort-order-id'] },
      ];
      const ok = await s.call('POST', TABLE, { requirements: passing, updates: [{ action: 'set-properties', updates: { step: '1' } }] });
      expect(ok.status).toBe(200);
      expect(ok.body.metadata.properties.step).toBe('1');
      const failing = [
        { type: 'assert-create' },
        { type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 42 },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 99 },
        { type: 'assert-current-schema-id', 'current-schema-id': 7 },
        { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 5000 },
        { type: 'assert-default-spec-id', 'default-spec-id': 3 },
        { type: 'assert-default-sort-order-id', 'default-sort-order-id': 4 },
      ];
      const before = await head(s);
      for (const requirement of failing) {
        const r = await s.call('POST', TABLE, { requirements: [requirement], updates: [{ action: 'set-properties', updates: { step: 'never' } }] });
        expect([requirement.type, r.status, r.body.error.type]).toEqual([requirement.type, 409, 'CommitFailedException']);
      }
      expect((await head(s)).location).toBe(before.location);
      const unknown = await s.call('POST', TABLE, { requirements: [{ type: 'assert-something' }], updates: [] });
      expect(unknown.status).toBe(400);
      s.expectConforming(13);
    } finally {
      await s.close();
    }
  });

  it('applies every update kind a v2 client sends, with -1 meaning the last added; refuses bad ones and changes nothing', async () => {
    const s = await serve(backend);
    try {
      const { uuid, location } = await setup(s);
      const m0 = (await head(s)).metadata;
      const snap = m0.refs.main['snapshot-id'];
      const schema1 = { type: 'struct', 'schema-id': 1, fields: [...SCHEMA.fields, { id: 3, name: 'score', type: 'double', required: false }] };
      const r = await s.call('POST', TABLE, {
        requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }],
        updates: [
          { action: 'assign-uuid', uuid },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: schema1, 'last-column-id': 3 },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: { 'spec-id': 1, fields: [{ 'source-id': 2, 'field-id': 1000, name: 's_trunc', transform: 'truncate[2]' }] } },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': { 'order-id': 5, fields: [{ 'source-id': 1, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' }] } },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-snapshot-ref', 'ref-name': 'nightly', type: 'tag', 'snapshot-id': snap, 'max-ref-age-ms': 86400000 },
          { action: 'set-location', location },
          { action: 'set-properties', updates: { a: '1', b: '2' } },
          { action: 'remove-properties', removals: ['b'] },
          { action: 'set-statistics', statistics: { 'snapshot-id': snap, 'statistics-path': `${location}/metadata/stats.puffin`, 'file-size-in-bytes': 10, 'file-footer-size-in-bytes': 5, 'blob-metadata': [] } },
          { action: 'set-partition-statistics', 'partition-statistics': { 'snapshot-id': snap, 'statistics-path': `${location}/metadata/p.parquet`, 'file-size-in-bytes': 9 } },
        ],
      });
      expect(r.status).toBe(200);
      const m = r.body.metadata;
      expect(m['current-schema-id']).toBe(1);
      expect(m['last-column-id']).toBe(3);
      expect(m['default-spec-id']).toBe(1);
      expect(m['default-sort-order-id']).toBe(1);
      expect(m.refs.nightly).toMatchObject({ type: 'tag', 'max-ref-age-ms': 86400000 });
      expect(m.properties).toMatchObject({ a: '1' });
      expect(m.properties.b).toBeUndefined();
      expect(m.statistics).toHaveLength(1);
      expect(m['partition-statistics']).toHaveLength(1);
      // Data still reads through the library after the spec and schema changes.
      expect((await (await s.wh.loadTable('ml.t')).scan().toArrow()).numRows).toBe(3);

      const cleanup = await s.call('POST', TABLE, {
        requirements: [],
        updates: [
          { action: 'remove-statistics', 'snapshot-id': snap },
          { action: 'remove-partition-statistics', 'snapshot-id': snap },
          { action: 'remove-snapshot-ref', 'ref-name': 'nightly' },
          { action: 'remove-partition-specs', 'spec-ids': [0] },
          { action: 'remove-schemas', 'schema-ids': [0] },
        ],
      });
      expect(cleanup.status).toBe(200);
      expect(cleanup.body.metadata.statistics).toEqual([]);
      expect(cleanup.body.metadata.refs.nightly).toBeUndefined();
      expect(cleanup.body.metadata['partition-specs'].map((p: { 'spec-id': number }) => p['spec-id'])).toEqual([1]);

      const before = await head(s);
      const refused = [
        { action: 'nope' },
        { action: 'assign-uuid', uuid: '11111111-1111-1111-1111-111111111111' },
        { action: 'upgrade-format-version', 'format-version': 4 },
        { action: 'upgrade-format-version', 'format-version': 1 },
        { action: 'add-encryption-key', 'encryption-key': { 'key-id': 'k', 'encrypted-key-metadata': 'AA==' } },
        { action: 'set-current-schema', 'schema-id': 77 },
        { action: 'set-location', location: 'file:///tmp/elsewhere' },
        { action: 'remove-schemas', 'schema-ids': [1] },
        { action: 'set-snapshot-ref', 'ref-name': 'x', type: 'tag', 'snapshot-id': 123 },
      ];
      for (const update of refused) {
        const res = await s.call('POST', TABLE, { requirements: [], updates: [update] });
        expect([update.action, res.status]).toEqual([update.action, 400]);
      }
      expect((await head(s)).location).toBe(before.location);
      s.expectConforming(13);
    } finally {
      await s.close();
    }
  });

  it('removes snapshots and refuses a snapshot built on an older base (409)', async () => {
    const s = await serve(backend);
    try {
      await setup(s);
      const table = await s.wh.loadTable('ml.t');
      const second = await table.append(arrow.tableFromArrays({ id: BigInt64Array.from([4n]), s: ['d'] }));
      const m = (await head(s)).metadata;
      const first = m.snapshots.find((x: any) => String(x['snapshot-id']) !== String(second.snapshotId));
      const stale = { ...first, 'snapshot-id': 7, 'sequence-number': 1, 'parent-snapshot-id': undefined };
      const r = await s.call('POST', TABLE, { requirements: [], updates: [{ action: 'add-snapshot', snapshot: stale }] });
      expect([r.status, r.body.error.type]).toEqual([409, 'CommitFailedException']);
      const removed = await s.call('POST', TABLE, { requirements: [], updates: [{ action: 'remove-snapshots', 'snapshot-ids': [first['snapshot-id']] }] });
      expect(removed.status).toBe(200);
      expect(removed.body.metadata.snapshots).toHaveLength(1);
      s.expectConforming(3);
    } finally {
      await s.close();
    }
  });

  it('commits a staged create with assert-create, once', async () => {
    const s = await serve(backend);
    try {
      await s.call('POST', '/v1/floe/namespaces', { namespace: ['ml'] });
      const staged = await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'ctas', schema: SCHEMA, 'stage-create': true, properties: { p: 'v' } });
      expect(staged.status).toBe(200);
      expect(staged.body['metadata-location']).toBeNull();
      expect((await s.call('HEAD', '/v1/floe/namespaces/ml/tables/ctas')).status).toBe(404);
      const sm = staged.body.metadata;
      const create = {
        requirements: [{ type: 'assert-create' }],
        updates: [
          { action: 'assign-uuid', uuid: sm['table-uuid'] },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: sm.schemas[0], 'last-column-id': sm['last-column-id'] },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: sm['partition-specs'][0] },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': sm['sort-orders'][0] },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-location', location: sm.location },
          { action: 'set-properties', updates: sm.properties },
        ],
      };
      const committed = await s.call('POST', '/v1/floe/namespaces/ml/tables/ctas', create);
      expect(committed.status).toBe(200);
      expect(committed.body.metadata['table-uuid']).toBe(sm['table-uuid']);
      expect(committed.body['metadata-location']).toMatch(/v1\.metadata\.json$/);
      expect((await s.wh.loadTable('ml.ctas')).properties()['p']).toBe('v');
      const twice = await s.call('POST', '/v1/floe/namespaces/ml/tables/ctas', create);
      expect([twice.status, twice.body.error.type]).toEqual([409, 'CommitFailedException']);
      expect((await s.call('POST', '/v1/floe/namespaces/ml/tables/nothere', { requirements: [], updates: [] })).status).toBe(404);
      s.expectConforming(5);
    } finally {
      await s.close();
    }
  });

  it('commits a one-table transaction, and refuses a two-table one before writing anything', async () => {
    const s = await serve(backend);
    try {
      await setup(s);
      await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'u', schema: SCHEMA });
      const one = await s.call('POST', '/v1/floe/transactions/commit', {
        'table-changes': [
          { identifier: { namespace: ['ml'], name: 't' }, requirements: [], updates: [{ action: 'set-properties', updates: { x: '1' } }] },
          { identifier: { namespace: ['ml'], name: 't' }, requirements: [], updates: [{ action: 'set-properties', updates: { y: '2' } }] },
        ],
      });
      expect(one.status).toBe(204);
      const tBefore = await head(s);
      expect(tBefore.metadata.properties).toMatchObject({ x: '1', y: '2' });
      const uBefore = (await s.call('GET', '/v1/floe/namespaces/ml/tables/u')).body['metadata-location'];
      const two = await s.call('POST', '/v1/floe/transactions/commit', {
        'table-changes': [
          { identifier: { namespace: ['ml'], name: 't' }, requirements: [], updates: [{ action: 'set-properties', updates: { z: '3' } }] },
          { identifier: { namespace: ['ml'], name: 'u' }, requirements: [], updates: [{ action: 'set-properties', updates: { z: '3' } }] },
        ],
      });
      expect([two.status, two.body.error.type]).toEqual([400, 'UnsupportedOperationException']);
      expect((await head(s)).location).toBe(tBefore.location);
      expect((await s.call('GET', '/v1/floe/namespaces/ml/tables/u')).body['metadata-location']).toBe(uBefore);
      s.expectConforming(5);
    } finally {
      await s.close();
    }
  });

  it('replays a request carrying the same Idempotency-Key instead of applying it twice', async () => {
    const s = await serve(backend);
    try {
      await setup(s);
      const key = { 'idempotency-key': '01930000-0000-7000-8000-000000000001' };
      const body = { requirements: [], updates: [{ action: 'set-properties', updates: { once: 'yes' } }] };
      const first = await s.call('POST', TABLE, body, key);
      const second = await s.call('POST', TABLE, body, key);
      expect(second.status).toBe(200);
      expect(second.body['metadata-location']).toBe(first.body['metadata-location']);
      expect((await head(s)).location).toBe(first.body['metadata-location']);
      const ns = { 'idempotency-key': '01930000-0000-7000-8000-000000000002' };
      expect((await s.call('POST', '/v1/floe/namespaces', { namespace: ['idem'] }, ns)).status).toBe(200);
      expect((await s.call('POST', '/v1/floe/namespaces', { namespace: ['idem'] }, ns)).status).toBe(200);
      const reused = await s.call('DELETE', '/v1/floe/namespaces/idem', undefined, ns);
      expect(reused.status).toBe(400);
      expect(await s.wh.namespaceExists('idem')).toBe(true);
      const notUuid = await s.call('POST', TABLE, body, { 'idempotency-key': 'abc' });
      expect(notUuid.status).toBe(400);
      s.expectConforming(6);
    } finally {
      await s.close();
    }
  });
});

describe('REST catalog server, hostile requests', () => {
  it('answers malformed JSON, wrong shapes, oversized bodies and path tricks with 400/404 and writes nothing outside the warehouse', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'floe-rest-hostile-'));
    const root = path.join(parent, 'wh');
    try {
      const wh = await Warehouse.open(pathToFileURL(root).href);
      await wh.createNamespace('ml');
      const server = await startRestCatalogServer({ warehouse: wh, governance: 'none', bodyLimitBytes: 64 * 1024 });
      try {
        const send = async (method: string, p: string, body?: string) => {
          const r = await fetch(server.url + p, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
          const text = await r.text();
          return { status: r.status, body: text ? JSON.parse(text) : undefined };
        };
        expect((await send('POST', '/v1/floe/namespaces', '{"namespace": ["x"')).status).toBe(400);
        expect((await send('POST', '/v1/floe/namespaces', '{"namespace": "x"}')).status).toBe(400);
        expect((await send('POST', '/v1/floe/namespaces', JSON.stringify({ namespace: ['big'], properties: { v: 'x'.repeat(100_000) } }))).status).toBe(400);
        const tricks = [
          ['POST', '/v1/floe/namespaces', JSON.stringify({ namespace: ['..'] })],
          ['POST', '/v1/floe/namespaces', JSON.stringify({ namespace: ['a/b'] })],
          ['POST', '/v1/floe/namespaces', JSON.stringify({ namespace: ['nul\u0000'] })],
          ['POST', '/v1/floe/namespaces', JSON.stringify({ namespace: ['x'.repeat(10_000)] })],
          ['POST', '/v1/floe/namespaces/ml/tables', JSON.stringify({ name: '../../escape', schema: SCHEMA })],
          ['POST', '/v1/floe/namespaces/ml/tables', JSON.stringify({ name: 'a%2Fb', schema: SCHEMA })],
          ['POST', '/v1/floe/namespaces/ml/tables', JSON.stringify({ name: 'ok', schema: SCHEMA, location: `${pathToFileURL(parent).href}/outside` })],
          ['POST', '/v1/floe/namespaces/ml/tables', JSON.stringify({ name: 'ok2', schema: SCHEMA, location: `${pathToFileURL(root).href}/ml/../../outside` })],
          ['GET', '/v1/floe/namespaces/ml%2F..%2F..%2Fetc/tables/passwd'],
          ['GET', '/v1/floe/namespaces/..%1F..%1Fetc/tables/passwd'],
          ['GET', '/v1/floe/namespaces/ml/tables/%00'],
          ['GET', `/v1/floe/namespaces/ml/tables/${'y'.repeat(10_000)}`],
          ['GET', '/v1/floe/namespaces/ml/tables/%E0%A4%A'],
          ['DELETE', '/v1/floe/namespaces/..'],
        ] as const;
        for (const [method, p, body] of tricks) {
          const r = await send(method, p, body);
          expect([p.slice(0, 60), body?.slice(0, 60), r.status === 400 || r.status === 404]).toEqual([p.slice(0, 60), body?.slice(0, 60), true]);
          expect([p.slice(0, 60), typeof r.body?.error?.message]).toEqual([p.slice(0, 60), 'string']);
          expect(r.body.error.message.length).toBeLessThan(2_000);
        }
        expect(readdirSync(parent)).toEqual(['wh']);
        expect(await wh.listNamespaces()).toEqual(['ml']);
        expect(await wh.listTables('ml')).toEqual([]);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('replaces a response that does not conform to the document with a 500 naming the violation', async () => {
    const wh = await Warehouse.open('memory://rest-invalid-response');
    await wh.createNamespace('ml');
    const reported: string[] = [];
    // A config value that is not a string breaks LoadTableResult's `config` schema.
    const server = await startRestCatalogServer({ warehouse: wh, governance: 'none', tableConfig: { broken: 5 as unknown as string }, onInvalidResponse: (op, status) => reported.push(`${op} ${status}`) });
    try {
      const r = await fetch(`${server.url}/v1/floe/namespaces/ml/tables`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 't', schema: SCHEMA }) });
      const body = (await r.json()) as { error: { message: string } };
      expect(r.status).toBe(500);
      expect(body.error.message).toMatch(/does not conform to the REST spec: \/config\/broken/);
      expect(reported).toEqual(['createTable 200']);
    } finally {
      await server.close();
    }
  });
});
