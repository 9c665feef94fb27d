/**
 * Commits from `iceberg-js` to Floe's REST catalog server on memory, a local folder and the real
 * S3 server, every response validated against the OpenAPI document by the harness's `fetch`:
 * requirements passing and failing (the IcebergError with status 409, nothing changed), a schema
 * change Floe then writes with, a snapshot added by a writer that is not Floe's commit path and
 * read back by both iceberg-js and Floe, and a staged create committed with `assert-create`.
 *
 * iceberg-js parses bodies with `JSON.parse`, types ids as `number` and writes bodies with
 * `JSON.stringify` (which throws on a bigint): a snapshot id above 2^53 — every id Floe or Java
 * writes, 63 random bits — arrives rounded and cannot be sent exactly. So the snapshot a test
 * commits through it carries an id below 2^53, and ids Floe wrote are checked exactly through
 * Floe's library or the harness's lossless `call`, never through iceberg-js results.
 */
import type { CommitTableRequest, Snapshot as IcebergJsSnapshot, TableIdentifier, TableRequirement } from 'iceberg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestContent, ManifestEntryStatus } from '../../../src/spec/index.js';
import { countFile, currentSchema, defaultSpec, emptyCounts, produceSnapshot, writeDataFiles, writeNewManifest } from '../../../src/transaction/index.js';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { prng } from '../../support/prng.js';
import { type Served, serve } from './harness.js';
import { SCHEMA, clientOf, failure, idsOf, rows } from './iceberg-js-client.js';

afterAll(cleanupBackends);

/**
 * What a writer that is not Floe's commit path does before it commits through a catalog: data
 * files, a manifest and a manifest list under the table's location (written here with Floe's
 * file-level writers), for a snapshot id it chose. Nothing is committed.
 */
async function stageSnapshot(s: Served, name: string, ids: bigint[], snapshotId: bigint): Promise<IcebergJsSnapshot> {
  const table = await s.wh.loadTable(name);
  const ctx = table.context();
  const base = table.metadata();
  const schema = currentSchema(base);
  const spec = defaultSpec(base);
  const files = await writeDataFiles(ctx, rows(ids), { schema, spec, location: base.location, properties: base.properties });
  const counts = emptyCounts();
  for (const f of files) countFile(counts, spec.specId, f, true);
  const manifest = await writeNewManifest(ctx, {
    location: base.location,
    schema,
    spec,
    content: ManifestContent.DATA,
    snapshotId,
    entries: files.map((dataFile) => ({ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile })),
  });
  const { snapshot } = await produceSnapshot(
    { operation: 'append', snapshotId, commitId: 'external-writer', carried: [], added: [manifest], counts, schemaId: schema.schemaId },
    { ctx, base, attempt: 0, timestampMs: s.wh.clock.nowMs() },
  );
  return {
    'snapshot-id': Number(snapshotId),
    'sequence-number': Number(snapshot.sequenceNumber),
    'timestamp-ms': snapshot.timestampMs,
    'manifest-list': snapshot.manifestList,
    summary: { ...snapshot.summary, operation: 'append' },
    'schema-id': schema.schemaId,
  };
}

/** A snapshot id below 2^53 (so iceberg-js carries it exactly), from a seeded generator. */
function safeSnapshotId(seed: number): bigint {
  return BigInt(2 ** 52 + Math.floor(prng(seed)() * 2 ** 52));
}

describe.each(featureBackends)('iceberg-js commits to the REST catalog server: $label', (backend) => {
  it('iceberg-js creates a namespace and a table, commits an update and reads it back', async () => {
    const s = await serve(backend);
    try {
      const c = clientOf(s);
      await c.createNamespace({ namespace: ['ml'] });
      const id: TableIdentifier = { namespace: ['ml'], name: 'events' };
      const created = await c.createTable({ namespace: ['ml'] }, { name: 'events', schema: SCHEMA });
      const snapshotId = safeSnapshotId(7);
      const snapshot = await stageSnapshot(s, 'ml.events', [1n, 2n, 3n], snapshotId);
      const commit: CommitTableRequest = {
        requirements: [
          { type: 'assert-table-uuid', uuid: created['table-uuid'] },
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
        ],
        updates: [
          { action: 'add-snapshot', snapshot },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshot['snapshot-id'] },
          { action: 'set-properties', updates: { 'written-by': 'iceberg-js' } },
        ],
      };
      const committed = await c.commitTable(id, commit);
      expect(committed['metadata-location']).toMatch(/\/ml\/events\/metadata\/v2\.metadata\.json$/);

      // Read back through iceberg-js: the snapshot, main pointing at it, the property.
      const back = await c.loadTable(id);
      expect(back['current-snapshot-id']).toBe(Number(snapshotId));
      expect(back.refs!['main']).toMatchObject({ type: 'branch', 'snapshot-id': Number(snapshotId) });
      expect(back.snapshots).toEqual([expect.objectContaining({ 'snapshot-id': Number(snapshotId), 'sequence-number': 1, 'manifest-list': snapshot['manifest-list'] })]);
      expect(back.snapshots![0]!.summary).toMatchObject({ operation: 'append', 'added-records': '3', 'total-records': '3' });
      expect(back.properties['written-by']).toBe('iceberg-js');
      // And through Floe's library: the same snapshot, exactly, and its rows.
      const table = await s.wh.loadTable('ml.events');
      expect(table.currentSnapshot()?.snapshotId).toBe(snapshotId);
      expect(await idsOf(s, 'ml.events')).toEqual([1n, 2n, 3n]);

      // Floe appends on top of it; iceberg-js sees the parent link.
      const next = await table.append(rows([4n]));
      expect(next.parentSnapshotId).toBe(snapshotId);
      const after = await c.loadTableResult(id);
      expect(after!.metadata.snapshots!.map((x) => x['sequence-number'])).toEqual([1, 2]);
      expect(after!.metadata.snapshots![1]!['parent-snapshot-id']).toBe(Number(snapshotId));

      // The same commit again: main is no longer unset, so 409 and nothing changes.
      const again = await failure(c.commitTable(id, commit));
      expect([again.status, again.icebergType]).toEqual([409, 'CommitFailedException']);
      // main now points at Floe's snapshot, not the one iceberg-js committed.
      const stale = await failure(
        c.commitTable(id, { requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': Number(snapshotId) }], updates: [{ action: 'set-properties', updates: { never: 'x' } }] }),
      );
      expect([stale.status, stale.icebergType]).toEqual([409, 'CommitFailedException']);
      expect((await c.loadTableResult(id))!['metadata-location']).toBe(after!['metadata-location']);
      expect(await idsOf(s, 'ml.events')).toEqual([1n, 2n, 3n, 4n]);
      s.expectConforming(9);
    } finally {
      await s.close();
    }
  });

  it('checks requirements: passing ones commit, each failing one is the IcebergError with status 409 and changes nothing', async () => {
    const s = await serve(backend);
    try {
      const c = clientOf(s);
      await c.createNamespace({ namespace: ['ml'] });
      const id: TableIdentifier = { namespace: ['ml'], name: 't' };
      await c.createTable({ namespace: ['ml'] }, { name: 't', schema: SCHEMA, 'partition-spec': { 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 's_bucket', transform: 'bucket[4]' }] } });
      await (await s.wh.loadTable('ml.t')).append(rows([1n, 2n, 3n]));
      const m = (await c.loadTable(id))!;
      const passing: TableRequirement[] = [
        { type: 'assert-table-uuid', uuid: m['table-uuid'] },
        { type: 'assert-ref-snapshot-id', ref: 'nobranch', 'snapshot-id': null },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': m['last-column-id']! },
        { type: 'assert-current-schema-id', 'current-schema-id': m['current-schema-id'] },
        { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': m['last-partition-id']! },
        { type: 'assert-default-spec-id', 'default-spec-id': m['default-spec-id']! },
        { type: 'assert-default-sort-order-id', 'default-sort-order-id': m['default-sort-order-id']! },
      ];
      const schema1 = { ...SCHEMA, 'schema-id': 1, fields: [...SCHEMA.fields, { id: 3, name: 'score', type: 'double', required: false }] };
      const evolved = await c.updateTable(id, {
        requirements: passing,
        updates: [
          { action: 'add-schema', schema: schema1, 'last-column-id': 3 },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'set-properties', updates: { step: '1', drop: 'me' } },
          { action: 'remove-properties', removals: ['drop'] },
        ],
      });
      expect(evolved.metadata['current-schema-id']).toBe(1);
      expect(evolved.metadata.properties).toMatchObject({ step: '1' });
      expect(evolved.metadata.properties['drop']).toBeUndefined();
      // Floe writes with the schema iceberg-js committed, and reads old and new rows together.
      const table = await s.wh.loadTable('ml.t');
      expect(table.schema().fields.map((f) => f.name)).toEqual(['id', 's', 'score']);
      expect((await table.scan().toArrow()).numRows).toBe(3);

      const before = await c.loadTableResult(id);
      const failing: TableRequirement[] = [
        { type: 'assert-create' },
        { type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 42 },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 2 },
        { type: 'assert-current-schema-id', 'current-schema-id': 0 },
        { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 5000 },
        { type: 'assert-default-spec-id', 'default-spec-id': 3 },
        { type: 'assert-default-sort-order-id', 'default-sort-order-id': 4 },
      ];
      for (const requirement of failing) {
        const e = await failure(c.updateTable(id, { requirements: [...passing.slice(0, 1), requirement], updates: [{ action: 'set-properties', updates: { step: 'never' } }] }));
        expect([requirement.type, e.status, e.icebergType, e.isConflict()]).toEqual([requirement.type, 409, 'CommitFailedException', true]);
      }
      const now = await c.loadTableResult(id);
      expect(now!['metadata-location']).toBe(before!['metadata-location']);
      expect(now!.etag).toBe(before!.etag);
      expect(now!.metadata.properties['step']).toBe('1');
      expect(await idsOf(s, 'ml.t')).toEqual([1n, 2n, 3n]);

      // A malformed update is a 400, not a commit.
      const bad = await failure(c.updateTable(id, { requirements: [], updates: [{ action: 'set-current-schema', 'schema-id': 77 }] }));
      expect(bad.status).toBe(400);
      const missing = await failure(c.updateTable({ namespace: ['ml'], name: 'nothere' }, { requirements: [], updates: [] }));
      expect([missing.status, missing.icebergType]).toEqual([404, 'NoSuchTableException']);
      expect((await c.loadTableResult(id))!['metadata-location']).toBe(before!['metadata-location']);
      s.expectConforming(19);
    } finally {
      await s.close();
    }
  });

  it('commits a staged create with assert-create, once', async () => {
    const s = await serve(backend);
    try {
      const c = clientOf(s);
      await c.createNamespace({ namespace: ['ml'] });
      const id: TableIdentifier = { namespace: ['ml'], name: 'ctas' };
      const staged = await c.createTableResult({ namespace: ['ml'] }, { name: 'ctas', schema: SCHEMA, 'stage-create': true, properties: { p: 'v' } });
      expect(staged['metadata-location']).toBeNull();
      expect(await c.tableExists(id)).toBe(false);
      const sm = staged.metadata;
      const create: CommitTableRequest = {
        requirements: [{ type: 'assert-create' }],
        updates: [
          { action: 'assign-uuid', uuid: sm['table-uuid'] },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: sm.schemas[0]! },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: sm['partition-specs'][0]! },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': sm['sort-orders'][0]! },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-location', location: sm.location! },
          { action: 'set-properties', updates: sm.properties },
        ],
      };
      const committed = await c.commitTable(id, create);
      expect(committed['metadata-location']).toMatch(/\/ml\/ctas\/metadata\/v1\.metadata\.json$/);
      expect(committed.metadata['table-uuid']).toBe(sm['table-uuid']);
      const table = await s.wh.loadTable('ml.ctas');
      expect(table.properties()['p']).toBe('v');
      await table.append(rows([5n]));
      expect(await idsOf(s, 'ml.ctas')).toEqual([5n]);
      const twice = await failure(c.commitTable(id, { ...create, updates: [...create.updates] }));
      expect([twice.status, twice.icebergType]).toEqual([409, 'CommitFailedException']);
      expect((await c.loadTable(id))['table-uuid']).toBe(sm['table-uuid']);
      expect(await idsOf(s, 'ml.ctas')).toEqual([5n]);
      s.expectConforming(6);
    } finally {
      await s.close();
    }
  });
});
