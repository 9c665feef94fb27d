/**
 * An independent read-back of a v3 table Floe writes (appends, an upsert, a delete, compaction),
 * on memory, a local folder and S3: its metadata file, served by the REST catalog, validates
 * against the REST OpenAPI document's TableMetadata schema (the harness validates every response
 * with its own validator), equals the file on storage, and holds field by field what the Iceberg
 * spec asks of v3 (§Table Metadata Fields, §Snapshots, §Snapshot Row IDs). Its data files' stored
 * `_row_id` columns are read by hyparquet in test/transaction/row-lineage-rewrites.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openLocation } from 'floe';
import { parseJson } from '../../../src/util/index.js';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { serve } from './harness.js';

afterAll(cleanupBackends);

describe.each(featureBackends)('a v3 table Floe wrote, read back: $label', (backend) => {
  it('validates against the OpenAPI TableMetadata and the spec, field by field', async () => {
    const s = await serve(backend);
    try {
      await s.wh.createNamespace('ml');
      const t = await s.wh.createTable('ml.v3', { id: 'long not null', s: 'string' }, { formatVersion: 3 });
      await t.append(Array.from({ length: 10 }, (_, i) => ({ id: i, s: `a${i}` })));
      await t.append(Array.from({ length: 5 }, (_, i) => ({ id: 10 + i, s: `b${i}` })));
      await t.upsert([{ id: 3, s: 'u' }, { id: 99, s: 'new' }], { on: ['id'] });
      await t.delete('id = 12');
      await t.rewriteDataFiles({ minInputFiles: 2 });

      const loaded = await s.call('GET', '/v1/floe/namespaces/ml/tables/v3');
      expect(loaded.status).toBe(200);
      const m = loaded.body.metadata;
      // The served metadata is the file on storage.
      const store = openLocation(t.uri, s.wh.s3Options ? { s3: s.wh.s3Options } : {}).store;
      const file = parseJson(new TextDecoder().decode((await store.get(t.metadataFile)).bytes)) as Record<string, unknown>;
      expect(file).toEqual(m);

      // spec §Table Metadata Fields, v3 column: every required field.
      for (const k of ['format-version', 'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms', 'last-column-id', 'schemas', 'current-schema-id', 'partition-specs', 'default-spec-id', 'last-partition-id', 'sort-orders', 'default-sort-order-id', 'next-row-id']) {
        expect([k, m[k] !== undefined && m[k] !== null]).toEqual([k, true]);
      }
      expect(m['format-version']).toBe(3);
      expect(m.refs.main['snapshot-id']).toBe(m['current-snapshot-id']);
      // §Snapshots v3: sequence-number, manifest-list, summary, first-row-id and added-rows required.
      const snaps = [...m.snapshots].sort((a: { 'sequence-number': number }, b: { 'sequence-number': number }) => a['sequence-number'] - b['sequence-number']);
      expect(snaps).toHaveLength(5);
      let next = 0;
      for (const snap of snaps) {
        for (const k of ['snapshot-id', 'sequence-number', 'timestamp-ms', 'manifest-list', 'summary', 'first-row-id', 'added-rows']) expect([k, snap[k] !== undefined]).toEqual([k, true]);
        // §Snapshot Row IDs: each commit's first-row-id is the next-row-id the one before left.
        expect(Number(snap['first-row-id'])).toBe(next);
        next = Number(snap['first-row-id']) + Number(snap['added-rows']);
      }
      expect(Number(m['next-row-id'])).toBe(next);
      expect(m['last-sequence-number']).toBe(snaps.at(-1)['sequence-number']);
      expect(snaps.map((x: { summary: { operation: string } }) => x.summary.operation)).toEqual(['append', 'append', 'overwrite', 'overwrite', 'replace']);
      expect(Number(snaps[0]['added-rows'])).toBe(10);
      expect(Number(snaps[1]['added-rows'])).toBe(5);
      s.expectConforming(1);
    } finally {
      await s.close();
    }
  });
});
