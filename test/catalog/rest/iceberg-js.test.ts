/**
 * Conformance proved with a client nobody here wrote: `iceberg-js` (Supabase's Iceberg REST
 * client) drives Floe's REST catalog server on memory, a local folder and the real S3 server.
 * Every response it receives passes through the harness's `fetch`, which validates it against
 * rest-catalog-open-api.yaml independently of the server; each test ends with
 * `expectConforming`. Here: config and prefix, namespaces (paging, parents, properties), tables
 * (create, page, load with snapshots=all|refs and ETags, exists, rename, register, drop with and
 * without purge); commits are in iceberg-js-commits.test.ts.
 *
 * iceberg-js parses bodies with `JSON.parse` and types ids as `number`, so the snapshot ids Floe
 * writes (63 random bits, like Java's) arrive rounded above 2^53: exact id checks here go
 * through Floe's library or the harness's lossless `call`, never through iceberg-js results.
 */
import { IcebergRestCatalog, type TableIdentifier } from 'iceberg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { serve } from './harness.js';
import { SCHEMA, clientOf, failure, idsOf, rows } from './iceberg-js-client.js';

afterAll(cleanupBackends);

describe.each(featureBackends)('iceberg-js against the REST catalog server: $label', (backend) => {
  it('resolves the prefix through /v1/config by prefix or by warehouse URI', async () => {
    const s = await serve(backend, { prefix: 'lake' });
    try {
      const byPrefix = clientOf(s);
      const config = await byPrefix.loadConfig();
      expect(config.overrides).toEqual({ prefix: 'lake', warehouse: s.wh.uri });
      expect(config.endpoints).toContain('POST /v1/{prefix}/namespaces/{namespace}/tables/{table}');
      await byPrefix.createNamespace({ namespace: ['ml'] });
      const byUri = clientOf(s, s.wh.uri);
      expect((await byUri.listNamespaces()).namespaces).toEqual([{ namespace: ['ml'] }]);
      expect(await s.wh.listNamespaces()).toEqual(['ml']);
      s.expectConforming(4);
    } finally {
      await s.close();
    }
  });

  it('creates, lists (paged, by parent), loads, checks, updates and drops namespaces', async () => {
    const s = await serve(backend);
    try {
      const c = clientOf(s);
      for (const ns of ['a', 'b', 'c', 'd', 'e']) {
        expect(await c.createNamespace({ namespace: [ns] }, { properties: { owner: ns } })).toEqual({ namespace: [ns], properties: { owner: ns } });
      }
      await c.createNamespace({ namespace: ['a', 'inner'] });
      await c.createNamespace({ namespace: ['a', 'inner', 'deep'] });
      // Names that are not safe folder names are refused (spec/catalog.md §K1).
      for (const bad of [['a b'], ['..'], ['a/b']]) expect([bad, (await failure(c.createNamespace({ namespace: bad }))).status]).toEqual([bad, 400]);
      const dup = await failure(c.createNamespace({ namespace: ['a'] }));
      expect([dup.status, dup.icebergType]).toEqual([409, 'AlreadyExistsException']);
      expect(await c.createNamespaceIfNotExists({ namespace: ['a'] })).toBeUndefined();

      const all = await c.listNamespaces();
      expect(all).toEqual({ namespaces: ['a', 'b', 'c', 'd', 'e'].map((n) => ({ namespace: [n] })), nextPageToken: undefined });
      // iceberg-js sends `pageSize` without `pageToken` on a first call; the spec's PageToken:
      // "Servers that support pagination must return all results in a single response ... if
      // the query parameter `pageToken` is not set", so that is everything, and no token.
      expect(await c.listNamespaces({ pageSize: 2 })).toEqual(all);
      // An empty `pageToken` starts paging; follow the tokens to the end.
      const seen: string[][] = [];
      let pageToken = '';
      for (let page = 0; page < 10; page++) {
        const r = await c.listNamespaces({ pageSize: 2, pageToken });
        expect(r.namespaces.length).toBeLessThanOrEqual(2);
        seen.push(...r.namespaces.map((n) => n.namespace));
        if (r.nextPageToken === undefined) break;
        pageToken = r.nextPageToken;
      }
      expect(seen).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
      expect((await c.listNamespaces({ parent: { namespace: ['a'] } })).namespaces).toEqual([{ namespace: ['a', 'inner'] }]);
      // A nested parent travels as its parts joined by the unit separator.
      expect((await c.listNamespaces({ parent: { namespace: ['a', 'inner'] } })).namespaces).toEqual([{ namespace: ['a', 'inner', 'deep'] }]);

      expect(await c.loadNamespaceMetadata({ namespace: ['b'] })).toEqual({ properties: { owner: 'b' } });
      expect(await c.loadNamespaceMetadata({ namespace: ['a', 'inner'] })).toEqual({ properties: {} });
      expect((await failure(c.loadNamespaceMetadata({ namespace: ['zz'] }))).icebergType).toBe('NoSuchNamespaceException');
      expect(await c.namespaceExists({ namespace: ['a', 'inner'] })).toBe(true);
      expect(await c.namespaceExists({ namespace: ['zz'] })).toBe(false);

      const upd = await c.updateNamespaceProperties({ namespace: ['b'] }, { updates: { team: 'ml' }, removals: ['owner', 'absent'] });
      expect(upd).toEqual({ updated: ['team'], removed: ['owner'], missing: ['absent'] });
      expect((await c.loadNamespaceMetadata({ namespace: ['b'] })).properties).toEqual({ team: 'ml' });
      const both = await failure(c.updateNamespaceProperties({ namespace: ['b'] }, { updates: { x: '1' }, removals: ['x'] }));
      expect(both.status).toBe(422);
      expect((await c.loadNamespaceMetadata({ namespace: ['b'] })).properties).toEqual({ team: 'ml' });

      const notEmpty = await failure(c.dropNamespace({ namespace: ['a'] }));
      expect([notEmpty.status, notEmpty.icebergType]).toEqual([409, 'NamespaceNotEmptyException']);
      expect(await c.namespaceExists({ namespace: ['a'] })).toBe(true);
      await c.dropNamespace({ namespace: ['a', 'inner', 'deep'] });
      await c.dropNamespace({ namespace: ['a', 'inner'] });
      await c.dropNamespace({ namespace: ['a'] });
      expect((await failure(c.dropNamespace({ namespace: ['a'] }))).status).toBe(404);
      expect(await s.wh.listNamespaces()).toEqual(['b', 'c', 'd', 'e']);
      s.expectConforming(29);
    } finally {
      await s.close();
    }
  });

  it('creates tables with fresh ids, pages them, loads with snapshots=all|refs and ETags (null on 304), and checks existence', async () => {
    const s = await serve(backend);
    try {
      const c = clientOf(s);
      await c.createNamespace({ namespace: ['ml'] });
      const events: TableIdentifier = { namespace: ['ml'], name: 'events' };
      const created = await c.createTableResult(
        { namespace: ['ml'] },
        {
          name: 'events',
          schema: { ...SCHEMA, fields: SCHEMA.fields.map((f) => ({ ...f, id: f.id + 40 })), 'identifier-field-ids': [41] },
          'partition-spec': { 'spec-id': 0, fields: [{ 'source-id': 42, 'field-id': 1000, name: 's_trunc', transform: 'truncate[1]' }] },
          'write-order': { 'order-id': 1, fields: [{ 'source-id': 41, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' }] },
          properties: { owner: 'ml' },
        },
      );
      const m = created.metadata;
      expect(m.schemas[0]!.fields.map((f) => [f.id, f.name])).toEqual([
        [1, 'id'],
        [2, 's'],
      ]);
      expect(m.schemas[0]!['identifier-field-ids']).toEqual([1]);
      expect(m['partition-specs'][0]!.fields[0]).toMatchObject({ 'source-id': 2, 'field-id': 1000, transform: 'truncate[1]' });
      expect(m['sort-orders'].find((o) => o['order-id'] === m['default-sort-order-id'])!.fields[0]).toMatchObject({ 'source-id': 1, direction: 'desc' });
      expect(m.properties['owner']).toBe('ml');
      expect(created['metadata-location']).toMatch(/\/ml\/events\/metadata\/v1\.metadata\.json$/);
      expect(created.etag).toMatch(/^".+"$/);
      // The tag a create answers with is the one a load of that version answers with.
      expect(await c.loadTable(events, { ifNoneMatch: created.etag! })).toBeNull();
      // The table config a client gets: storage settings, never secrets.
      for (const key of Object.keys(created.config ?? {})) expect(['s3.endpoint', 'client.region', 's3.path-style-access']).toContain(key);
      const again = await failure(c.createTable({ namespace: ['ml'] }, { name: 'events', schema: SCHEMA }));
      expect([again.status, again.icebergType]).toEqual([409, 'AlreadyExistsException']);
      expect((await c.createTableIfNotExists({ namespace: ['ml'] }, { name: 'events', schema: SCHEMA }))['table-uuid']).toBe(m['table-uuid']);
      expect((await failure(c.createTable({ namespace: ['none'] }, { name: 't', schema: SCHEMA }))).icebergType).toBe('NoSuchNamespaceException');

      // Data, a tag and a rollback through Floe's library; iceberg-js sees the same table.
      const table = await s.wh.loadTable('ml.events');
      const first = await table.append(rows([1n, 2n]));
      await table.append(rows([3n]));
      await table.createTag('v1', first.snapshotId);
      await table.append(rows([4n]));
      await table.rollbackTo(first.snapshotId);
      const all = await c.loadTableResult(events);
      expect(all!.metadata.snapshots).toHaveLength(3);
      expect(all!['metadata-location']).toBe(`${table.uri}/${table.metadataFile}`);
      // `refs`: only what main and the tag point at — the first snapshot. Compared by sequence
      // number, which is small; snapshot ids above 2^53 arrive rounded through JSON.parse.
      const refs = await c.loadTableResult(events, { snapshots: 'refs' });
      expect(refs!.metadata.snapshots!.map((x) => x['sequence-number'])).toEqual([1]);
      expect(Object.keys(refs!.metadata.refs!).sort()).toEqual(['main', 'v1']);
      expect(refs!.etag).not.toBe(all!.etag);
      const exact = await s.call('GET', '/v1/floe/namespaces/ml/tables/events?snapshots=refs');
      expect(exact.body.metadata.snapshots.map((x: { 'snapshot-id': bigint }) => BigInt(x['snapshot-id']))).toEqual([first.snapshotId]);

      expect(await c.loadTable(events, { snapshots: 'refs', ifNoneMatch: refs!.etag! })).toBeNull();
      expect(await c.loadTableResult(events, { ifNoneMatch: all!.etag! })).toBeNull();
      // The other representation's tag does not match.
      expect((await c.loadTable(events, { snapshots: 'refs', ifNoneMatch: all!.etag! }))!.snapshots).toHaveLength(1);
      await table.setProperties({ touched: 'yes' });
      const changed = await c.loadTable(events, { snapshots: 'refs', ifNoneMatch: refs!.etag! });
      expect(changed!.properties['touched']).toBe('yes');

      for (const n of ['t1', 't2', 't3']) await c.createTable({ namespace: ['ml'] }, { name: n, schema: SCHEMA });
      expect((await c.listTables({ namespace: ['ml'] }, { pageSize: 3 })).identifiers).toHaveLength(4);
      const page1 = await c.listTables({ namespace: ['ml'] }, { pageSize: 3, pageToken: '' });
      expect(page1.identifiers.map((t) => t.name)).toEqual(['events', 't1', 't2']);
      const page2 = await c.listTables({ namespace: ['ml'] }, { pageSize: 3, pageToken: page1.nextPageToken! });
      expect(page2).toEqual({ identifiers: [{ namespace: ['ml'], name: 't3' }], nextPageToken: undefined });
      expect(await c.tableExists({ namespace: ['ml'], name: 't1' })).toBe(true);
      expect(await c.tableExists({ namespace: ['ml'], name: 't9' })).toBe(false);
      // A client asking for delegated access (`X-Iceberg-Access-Delegation`) is served; the
      // spec lets a server supply "any or none of the requested mechanisms".
      const delegating = new IcebergRestCatalog({ baseUrl: s.server.url, warehouse: 'floe', fetch: s.fetch, accessDelegation: ['vended-credentials', 'remote-signing'] });
      expect((await delegating.loadTableResult(events))!['metadata-location']).toBe(`${table.uri}/${table.metadataFile}`);
      expect(await delegating.tableExists(events)).toBe(true);
      const missing = await failure(c.loadTable({ namespace: ['ml'], name: 't9' }));
      expect([missing.status, missing.icebergType]).toEqual([404, 'NoSuchTableException']);
      expect(await s.wh.listTables('ml')).toEqual(['ml.events', 'ml.t1', 'ml.t2', 'ml.t3']);
      s.expectConforming(21);
    } finally {
      await s.close();
    }
  });

  it('renames, registers, and drops tables with and without purge', async () => {
    const s = await serve(backend);
    try {
      const c = clientOf(s);
      await c.createNamespace({ namespace: ['ml'] });
      await c.createNamespace({ namespace: ['other'] });
      const a = await c.createTableResult({ namespace: ['ml'] }, { name: 'a', schema: SCHEMA });
      await c.createTable({ namespace: ['ml'] }, { name: 'b', schema: SCHEMA });
      await (await s.wh.loadTable('ml.a')).append(rows([1n, 2n]));
      await (await s.wh.loadTable('ml.b')).append(rows([3n]));

      await c.renameTable({ source: { namespace: ['ml'], name: 'a' }, destination: { namespace: ['ml'], name: 'a2' } });
      expect(await c.tableExists({ namespace: ['ml'], name: 'a' })).toBe(false);
      expect((await c.loadTable({ namespace: ['ml'], name: 'a2' }))['table-uuid']).toBe(a.metadata['table-uuid']);
      expect(await idsOf(s, 'ml.a2')).toEqual([1n, 2n]);
      const taken = await failure(c.renameTable({ source: { namespace: ['ml'], name: 'a2' }, destination: { namespace: ['ml'], name: 'b' } }));
      expect([taken.status, taken.icebergType]).toEqual([409, 'AlreadyExistsException']);
      expect((await failure(c.renameTable({ source: { namespace: ['ml'], name: 'zz' }, destination: { namespace: ['ml'], name: 'q' } }))).status).toBe(404);
      const across = await failure(c.renameTable({ source: { namespace: ['ml'], name: 'a2' }, destination: { namespace: ['other'], name: 'x' } }));
      expect([across.status, across.icebergType]).toEqual([406, 'UnsupportedOperationException']);
      expect(await idsOf(s, 'ml.a2')).toEqual([1n, 2n]);

      // Dropped without purge, the files stay: register the current metadata file back (in its
      // own namespace: a location in another namespace's folder is refused, spec/catalog.md §K1).
      const head = await c.loadTableResult({ namespace: ['ml'], name: 'a2' });
      await c.dropTable({ namespace: ['ml'], name: 'a2' });
      expect(await c.tableExists({ namespace: ['ml'], name: 'a2' })).toBe(false);
      const registered = await c.registerTableResult({ namespace: ['ml'] }, { name: 'back', 'metadata-location': head!['metadata-location']! });
      expect(registered['metadata-location']).toBe(head!['metadata-location']);
      expect(registered.metadata['table-uuid']).toBe(a.metadata['table-uuid']);
      expect(registered.etag).toMatch(/^".+"$/);
      expect(await idsOf(s, 'ml.back')).toEqual([1n, 2n]);
      const twice = await failure(c.registerTable({ namespace: ['ml'] }, { name: 'back', 'metadata-location': head!['metadata-location']! }));
      expect([twice.status, twice.icebergType]).toEqual([409, 'AlreadyExistsException']);
      const over = await c.registerTableResult({ namespace: ['ml'] }, { name: 'back', 'metadata-location': head!['metadata-location']!, overwrite: true });
      expect(over['metadata-location']).toBe(head!['metadata-location']);
      // Floe serves a table at the newest metadata version at its location (spec/catalog.md §K3),
      // so an older file of it is refused (400) instead of answered with a state that no later
      // load serves; a second name for the files of ml.back is refused (403, §K1); neither name changes.
      for (const [name, overwrite, status, type, message] of [
        ['old', false, 403, 'ForbiddenException', 'another table lives at it'],
        ['back', true, 400, 'BadRequestException', 'is not the newest metadata version'],
      ] as const) {
        const older = await failure(c.registerTable({ namespace: ['ml'] }, { name, 'metadata-location': a['metadata-location']!, overwrite }));
        expect([name, older.status, older.icebergType, older.message]).toEqual([name, status, type, expect.stringContaining(message)]);
      }
      expect(await c.tableExists({ namespace: ['ml'], name: 'old' })).toBe(false);
      expect((await c.loadTableResult({ namespace: ['ml'], name: 'back' }))!['metadata-location']).toBe(head!['metadata-location']);
      expect(await idsOf(s, 'ml.back')).toEqual([1n, 2n]);

      // Dropped with purge, nothing of the table is left on storage.
      const bLocation = (await c.loadTable({ namespace: ['ml'], name: 'b' })).location!;
      await c.dropTable({ namespace: ['ml'], name: 'b' }, { purge: true });
      const left: string[] = [];
      for await (const o of s.wh.root.store.list(`${bLocation.slice(s.wh.root.uri.length + 1)}/`)) left.push(o.path);
      expect(left).toEqual([]);
      expect(await c.tableExists({ namespace: ['ml'], name: 'b' })).toBe(false);
      const gone = await failure(c.dropTable({ namespace: ['ml'], name: 'b' }));
      expect([gone.status, gone.icebergType]).toEqual([404, 'NoSuchTableException']);
      expect(await s.wh.listTables('ml')).toEqual(['ml.back']);
      s.expectConforming(18);
    } finally {
      await s.close();
    }
  });
});
