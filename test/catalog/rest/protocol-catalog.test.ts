/**
 * The REST catalog server's namespace and table endpoints on memory, a local folder and the real
 * S3 server, driven over HTTP with every response validated against rest-catalog-open-api.yaml:
 * config, namespaces (paging, parents, properties), tables (create with fresh ids, load with
 * snapshots=all|refs and ETag / If-None-Match, rename, register, unregister, drop with and
 * without purge, metrics).
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { serve } from './harness.js';

afterAll(cleanupBackends);

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 17, name: 'id', type: 'long', required: true },
    { id: 23, name: 'city', type: 'string', required: false },
    { id: 31, name: 'tags', type: { type: 'list', 'element-id': 99, element: 'string', 'element-required': false }, required: false },
  ],
};

describe.each(featureBackends)('REST catalog server, catalog endpoints: $label', (backend) => {
  it('serves config: prefix, endpoints, idempotency; 404 for an unknown warehouse', async () => {
    const s = await serve(backend, { prefix: 'lake' });
    try {
      const config = await s.call('GET', '/v1/config');
      expect(config.status).toBe(200);
      expect(config.body.overrides).toEqual({ prefix: 'lake', warehouse: s.wh.uri });
      expect(config.body.endpoints).toContain('POST /v1/{prefix}/namespaces/{namespace}/tables/{table}');
      expect(config.body['idempotency-key-lifetime']).toBe('PT30M');
      expect((await s.call('GET', '/v1/config?warehouse=lake')).status).toBe(200);
      const unknown = await s.call('GET', '/v1/config?warehouse=elsewhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.type).toBe('NoSuchWarehouseException');
      expect((await s.call('GET', '/v1/other/namespaces')).status).toBe(404);
      s.expectConforming(4);
    } finally {
      await s.close();
    }
  });

  it('creates, lists (paged, by parent), loads, updates and drops namespaces', async () => {
    const s = await serve(backend);
    try {
      for (const ns of ['a', 'b', 'c', 'd', 'e']) expect((await s.call('POST', '/v1/floe/namespaces', { namespace: [ns], properties: { owner: ns } })).status).toBe(200);
      expect((await s.call('POST', '/v1/floe/namespaces', { namespace: ['a', 'inner'] })).status).toBe(200);
      const dup = await s.call('POST', '/v1/floe/namespaces', { namespace: ['a'] });
      expect([dup.status, dup.body.error.type]).toEqual([409, 'AlreadyExistsException']);
      // createNamespace declares no 404: a missing parent is a bad request.
      const orphan = await s.call('POST', '/v1/floe/namespaces', { namespace: ['nope', 'child'] });
      expect([orphan.status, orphan.body.error.type, orphan.body.error.message]).toEqual([400, 'NoSuchNamespaceException', expect.stringContaining('nope')]);
      const all = await s.call('GET', '/v1/floe/namespaces');
      expect(all.body).toEqual({ namespaces: [['a'], ['b'], ['c'], ['d'], ['e']], 'next-page-token': null });
      const seen: string[][] = [];
      let token = '';
      for (let page = 0; page < 10; page++) {
        const r = await s.call('GET', `/v1/floe/namespaces?pageToken=${encodeURIComponent(token)}&pageSize=2`);
        seen.push(...r.body.namespaces);
        if (r.body['next-page-token'] === null) break;
        token = r.body['next-page-token'];
      }
      expect(seen).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
      expect((await s.call('GET', '/v1/floe/namespaces?parent=a')).body.namespaces).toEqual([['a', 'inner']]);
      expect((await s.call('GET', '/v1/floe/namespaces/a%1Finner')).body).toEqual({ namespace: ['a', 'inner'], properties: {} });
      expect((await s.call('HEAD', '/v1/floe/namespaces/b')).status).toBe(204);
      expect((await s.call('HEAD', '/v1/floe/namespaces/zz')).status).toBe(404);
      const upd = await s.call('POST', '/v1/floe/namespaces/b/properties', { updates: { team: 'ml' }, removals: ['owner', 'absent'] });
      expect(upd.body).toEqual({ updated: ['team'], removed: ['owner'], missing: ['absent'] });
      expect((await s.call('GET', '/v1/floe/namespaces/b')).body.properties).toEqual({ team: 'ml' });
      const both = await s.call('POST', '/v1/floe/namespaces/b/properties', { updates: { x: '1' }, removals: ['x'] });
      expect(both.status).toBe(422);
      expect((await s.call('GET', '/v1/floe/namespaces/b')).body.properties).toEqual({ team: 'ml' });
      const notEmpty = await s.call('DELETE', '/v1/floe/namespaces/a');
      expect([notEmpty.status, notEmpty.body.error.type]).toEqual([409, 'NamespaceNotEmptyException']);
      expect((await s.call('DELETE', '/v1/floe/namespaces/a%1Finner')).status).toBe(204);
      expect((await s.call('DELETE', '/v1/floe/namespaces/a')).status).toBe(204);
      expect((await s.call('DELETE', '/v1/floe/namespaces/a')).status).toBe(404);
      expect(await s.wh.listNamespaces()).toEqual(['b', 'c', 'd', 'e']);
      s.expectConforming(15);
    } finally {
      await s.close();
    }
  });

  it('creates tables with fresh ids, pages them, loads with snapshots=all|refs and answers If-None-Match with 304', async () => {
    const s = await serve(backend);
    try {
      await s.call('POST', '/v1/floe/namespaces', { namespace: ['ml'] });
      const created = await s.call('POST', '/v1/floe/namespaces/ml/tables', {
        name: 'events',
        schema: SCHEMA,
        'partition-spec': { 'spec-id': 0, fields: [{ 'source-id': 23, 'field-id': 1000, name: 'city_bucket', transform: 'bucket[8]' }] },
        'write-order': { 'order-id': 1, fields: [{ 'source-id': 17, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }] },
        properties: { owner: 'ml' },
      });
      expect(created.status).toBe(200);
      const m = created.body.metadata;
      expect(m.schemas[0].fields.map((f: { id: number }) => f.id)).toEqual([1, 2, 3]);
      expect(m.schemas[0].fields[2].type['element-id']).toBe(4);
      expect(m['partition-specs'][0].fields[0]).toMatchObject({ 'source-id': 2, 'field-id': 1000, transform: 'bucket[8]' });
      expect(m['sort-orders'].find((o: { 'order-id': number }) => o['order-id'] === m['default-sort-order-id']).fields[0]['source-id']).toBe(1);
      expect(m.properties.owner).toBe('ml');
      expect(created.body['metadata-location']).toMatch(/\/ml\/events\/metadata\/v1\.metadata\.json$/);
      const again = await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'events', schema: SCHEMA });
      expect([again.status, again.body.error.type]).toEqual([409, 'AlreadyExistsException']);
      expect((await s.call('POST', '/v1/floe/namespaces/none/tables', { name: 't', schema: SCHEMA })).status).toBe(404);

      // Data and a tag through the library: the server sees the same table.
      const table = await s.wh.loadTable('ml.events');
      const rows = arrow.tableFromArrays({ id: BigInt64Array.from([1n, 2n]), city: ['x', 'y'] });
      const first = await table.append(rows);
      await table.append(rows);
      await table.createTag('v1', first.snapshotId);
      const loaded = await s.call('GET', '/v1/floe/namespaces/ml/tables/events');
      expect(loaded.body.metadata.snapshots).toHaveLength(2);
      const refsOnly = await s.call('GET', '/v1/floe/namespaces/ml/tables/events?snapshots=refs');
      expect(refsOnly.body.metadata.snapshots).toHaveLength(2);
      await table.append(rows);
      await table.rollbackTo(first.snapshotId);
      const refsNow = await s.call('GET', '/v1/floe/namespaces/ml/tables/events?snapshots=refs');
      expect(refsNow.body.metadata.snapshots.map((x: { 'snapshot-id': unknown }) => String(x['snapshot-id']))).toEqual([String(first.snapshotId)]);
      const etag = refsNow.headers.get('etag')!;
      expect(etag).not.toBe(loaded.headers.get('etag'));
      const notModified = await s.call('GET', '/v1/floe/namespaces/ml/tables/events?snapshots=refs', undefined, { 'if-none-match': etag });
      expect(notModified.status).toBe(304);
      await table.setProperties({ touched: 'yes' });
      const modified = await s.call('GET', '/v1/floe/namespaces/ml/tables/events?snapshots=refs', undefined, { 'if-none-match': etag });
      expect(modified.status).toBe(200);
      expect(modified.body.metadata.properties.touched).toBe('yes');
      expect((await s.call('GET', '/v1/floe/namespaces/ml/tables/events?snapshots=some')).status).toBe(400);

      for (const n of ['t1', 't2', 't3']) await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: n, schema: SCHEMA });
      const page1 = await s.call('GET', '/v1/floe/namespaces/ml/tables?pageToken=&pageSize=3');
      expect(page1.body.identifiers.map((i: { name: string }) => i.name)).toEqual(['events', 't1', 't2']);
      const page2 = await s.call('GET', `/v1/floe/namespaces/ml/tables?pageToken=${page1.body['next-page-token']}&pageSize=3`);
      expect(page2.body).toEqual({ identifiers: [{ namespace: ['ml'], name: 't3' }], 'next-page-token': null });
      expect((await s.call('HEAD', '/v1/floe/namespaces/ml/tables/t1')).status).toBe(204);
      expect((await s.call('HEAD', '/v1/floe/namespaces/ml/tables/t9')).status).toBe(404);
      const missing = await s.call('GET', '/v1/floe/namespaces/ml/tables/t9');
      expect([missing.status, missing.body.error.type]).toEqual([404, 'NoSuchTableException']);
      s.expectConforming(15);
    } finally {
      await s.close();
    }
  });

  it('renames, drops with and without purge, unregisters and registers tables, and stores metrics reports', async () => {
    const s = await serve(backend);
    try {
      await s.call('POST', '/v1/floe/namespaces', { namespace: ['ml'] });
      await s.call('POST', '/v1/floe/namespaces', { namespace: ['other'] });
      const created = await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'a', schema: SCHEMA });
      await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'b', schema: SCHEMA });
      const rename = (from: string, to: string, toNs = 'ml') => s.call('POST', '/v1/floe/tables/rename', { source: { namespace: ['ml'], name: from }, destination: { namespace: [toNs], name: to } });
      expect((await rename('a', 'a2')).status).toBe(204);
      expect((await s.call('GET', '/v1/floe/namespaces/ml/tables/a2')).body.metadata['table-uuid']).toBe(created.body.metadata['table-uuid']);
      expect((await rename('a2', 'b')).status).toBe(409);
      expect((await rename('zz', 'q')).status).toBe(404);
      expect((await rename('a2', 'x', 'nowhere')).status).toBe(404);
      const across = await rename('a2', 'x', 'other');
      expect([across.status, across.body.error.type]).toEqual([406, 'UnsupportedOperationException']);

      const report = { 'report-type': 'commit-report', 'table-name': 'ml.a2', 'snapshot-id': 1, 'sequence-number': 1, operation: 'append', metrics: {} };
      expect((await s.call('POST', '/v1/floe/namespaces/ml/tables/a2/metrics', report)).status).toBe(204);
      const stored: string[] = [];
      for await (const o of s.wh.root.store.list('_floe/metrics/ml/a2/')) stored.push(o.path);
      expect(stored).toHaveLength(1);
      expect((await s.call('POST', '/v1/floe/namespaces/ml/tables/nope/metrics', report)).status).toBe(404);

      const kept = await s.call('DELETE', '/v1/floe/namespaces/ml/tables/a2');
      expect(kept.status).toBe(204);
      expect((await s.call('HEAD', '/v1/floe/namespaces/ml/tables/a2')).status).toBe(404);
      const registered = await s.call('POST', '/v1/floe/namespaces/ml/register', { name: 'back', 'metadata-location': created.body['metadata-location'] });
      expect(registered.status).toBe(200);
      expect(registered.body.metadata['table-uuid']).toBe(created.body.metadata['table-uuid']);
      expect((await s.call('POST', '/v1/floe/namespaces/ml/register', { name: 'back', 'metadata-location': created.body['metadata-location'] })).status).toBe(409);
      expect((await s.call('POST', '/v1/floe/namespaces/ml/register', { name: 'back', 'metadata-location': created.body['metadata-location'], overwrite: true })).status).toBe(200);
      const outside = await s.call('POST', '/v1/floe/namespaces/ml/register', { name: 'evil', 'metadata-location': 'file:///etc/metadata/v1.metadata.json' });
      expect(outside.status).toBe(400);

      const unregistered = await s.call('POST', '/v1/floe/namespaces/ml/tables/back/unregister');
      expect(unregistered.status).toBe(200);
      expect(unregistered.body['metadata-location']).toBe(created.body['metadata-location']);
      expect((await s.call('HEAD', '/v1/floe/namespaces/ml/tables/back')).status).toBe(404);

      const bLocation = (await s.call('GET', '/v1/floe/namespaces/ml/tables/b')).body.metadata.location as string;
      expect((await s.call('DELETE', '/v1/floe/namespaces/ml/tables/b?purgeRequested=true')).status).toBe(204);
      const left: string[] = [];
      const rel = bLocation.slice(s.wh.root.uri.length + 1);
      for await (const o of s.wh.root.store.list(`${rel}/`)) left.push(o.path);
      expect(left).toEqual([]);
      expect((await s.call('DELETE', '/v1/floe/namespaces/ml/tables/b')).status).toBe(404);
      expect((await s.call('DELETE', '/v1/floe/namespaces/ml/tables/x?purgeRequested=maybe')).status).toBe(400);
      s.expectConforming(15);
    } finally {
      await s.close();
    }
  });
});
