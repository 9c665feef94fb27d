/**
 * Format v3 through the REST catalog server on memory, a local folder and S3, every response
 * validated against the OpenAPI document: a CreateTableRequest with the `format-version`
 * property creates a v3 table (the property not stored), `upgrade-format-version` 3 upgrades a v2
 * table, and LoadTable then answers v3 metadata (`next-row-id`); a Floe client creating through
 * the catalog with `formatVersion: 3` gets a v3 table.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { serve } from './harness.js';

afterAll(cleanupBackends);

const SCHEMA = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: true }] };

describe.each(featureBackends)('REST catalog server, format v3: $label', (backend) => {
  it('creates v3 tables, upgrades v2 ones, and loads them as v3', async () => {
    const s = await serve(backend);
    try {
      await s.call('POST', '/v1/floe/namespaces', { namespace: ['ml'] });
      const created = await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'a', schema: SCHEMA, properties: { 'format-version': '3', k: 'v' } });
      expect([created.status, created.body.error]).toEqual([200, undefined]);
      expect(created.body.metadata['format-version']).toBe(3);
      expect(created.body.metadata['next-row-id']).toBe(0);
      expect(created.body.metadata.properties).toMatchObject({ k: 'v' });
      expect(created.body.metadata.properties['format-version']).toBeUndefined();

      const v2 = await s.call('POST', '/v1/floe/namespaces/ml/tables', { name: 'b', schema: SCHEMA });
      expect(v2.body.metadata['format-version']).toBe(2);
      expect(v2.body.metadata['next-row-id']).toBeUndefined();
      const upgraded = await s.call('POST', '/v1/floe/namespaces/ml/tables/b', { requirements: [], updates: [{ action: 'upgrade-format-version', 'format-version': 3 }] });
      expect([upgraded.status, upgraded.body.error]).toEqual([200, undefined]);
      expect(upgraded.body.metadata['format-version']).toBe(3);
      expect(upgraded.body.metadata['next-row-id']).toBe(0);
      const loaded = await s.call('GET', '/v1/floe/namespaces/ml/tables/b');
      expect(loaded.body.metadata['format-version']).toBe(3);
      const down = await s.call('POST', '/v1/floe/namespaces/ml/tables/b', { requirements: [], updates: [{ action: 'upgrade-format-version', 'format-version': 2 }] });
      expect(down.status).toBe(400);
      expect((await s.call('GET', '/v1/floe/namespaces/ml/tables/b')).body['metadata-location']).toBe(loaded.body['metadata-location']);

      // A Floe client through the catalog.
      const t = await s.wh.loadTable('ml.a');
      expect(t.metadata().formatVersion).toBe(3);
      s.expectConforming(6);
    } finally {
      await s.close();
    }
  });
});
