/**
 * Lineage on memory, local-fs and S3: commits record their inputs and job in the snapshot
 * summary; `t.lineage(snapshotId)` walks the upstream graph across tables, marking what it
 * cannot find as unresolved.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { lineageFromSummary, lineageSummary } from 'floe';
import { cleanupBackends, featureBackends } from './backends.js';

afterAll(cleanupBackends);

function rows(ids: number[]): arrow.Table {
  return new arrow.Table({ id: arrow.makeVector(BigInt64Array.from(ids.map(BigInt))), v: arrow.makeVector(Float64Array.from(ids)) });
}
const SCHEMA = rows([1]).schema;

describe.each(featureBackends)('lineage on $label', (backend) => {
  it('records inputs and job per commit and returns the upstream graph across tables', async () => {
    const wh = await backend.open();
    await wh.createNamespace('l');
    const events = await wh.createTable('l.events', SCHEMA);
    const labels = await wh.createTable('l.labels', SCHEMA);
    const feats = await wh.createTable('l.features', SCHEMA);
    const train = await wh.createTable('l.train', SCHEMA);
    const e1 = await events.append(rows([1, 2, 3]), { summary: lineageSummary({ job: { name: 'ingest', runId: 'r1' } }) });
    await labels.append(rows([1, 2]));
    const f1 = await feats.upsert(rows([1, 2, 3]), { on: ['id'], summary: lineageSummary({ inputs: [events], job: { name: 'features', runId: 'r7', codeVersion: 'abc123' } }) });
    expect(lineageFromSummary(f1.summary)).toEqual({
      inputs: [{ tableUuid: events.uuid(), snapshotId: e1.snapshotId, name: 'l.events', location: events.location() }],
      job: { name: 'features', runId: 'r7', codeVersion: 'abc123' },
    });
    // A later events commit must not change what the features snapshot points at.
    await events.append(rows([4]));
    const t1 = await train.append(rows([1, 2]), { summary: lineageSummary({ inputs: [{ table: feats, snapshotId: f1.snapshotId }, labels], job: { name: 'training-set' } }) });

    const reopened = await wh.loadTable('l.train');
    const g = await reopened.lineage(t1.snapshotId, { warehouse: wh });
    const id = (uuid: string, s: bigint): string => `${uuid}@${s}`;
    expect(g.root).toBe(id(train.uuid(), t1.snapshotId));
    expect(g.nodes.map((n) => n.table)).toEqual(['l.train', 'l.features', 'l.labels', 'l.events']);
    expect(g.nodes.every((n) => n.resolved)).toBe(true);
    const byTable = Object.fromEntries(g.nodes.map((n) => [n.table!, n]));
    expect(byTable['l.train']!.inputs).toEqual([id(feats.uuid(), f1.snapshotId), id(labels.uuid(), labels.currentSnapshot()!.snapshotId)]);
    expect(byTable['l.features']!).toMatchObject({ operation: 'overwrite', job: { name: 'features', runId: 'r7', codeVersion: 'abc123' }, inputs: [id(events.uuid(), e1.snapshotId)] });
    expect(byTable['l.events']!).toMatchObject({ snapshotId: e1.snapshotId, job: { name: 'ingest', runId: 'r1' }, inputs: [] });

    // Without a way to find the inputs by name, the recorded locations still lead to them.
    const byLocation = await reopened.lineage(undefined);
    expect(byLocation.nodes.map((n) => [n.id, n.resolved])).toEqual(g.nodes.map((n) => [n.id, true]));

    // An input nobody can find is an unresolved node, not an error.
    const orphan = await train.append(rows([9]), { summary: lineageSummary({ inputs: [{ tableUuid: '00000000-0000-4000-8000-000000000000', snapshotId: 42n, name: 'l.gone' }] }) });
    const g2 = await train.lineage(orphan.snapshotId, { warehouse: wh });
    expect(g2.nodes[1]).toMatchObject({ table: 'l.gone', resolved: false, snapshotId: 42n, inputs: [] });
  });
});
