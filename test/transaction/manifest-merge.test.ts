/**
 * Manifest merging on append keeps the number of manifests a scan reads bounded while history
 * grows, and changes no row of any snapshot.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, Warehouse, instrumented } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

describe('manifest merging', () => {
  it('keeps the head at most min-count-to-merge manifests over 40 appends; every snapshot reads the same rows', async () => {
    const inner = new MemoryStore();
    const wh = await Warehouse.open('memory://merge', { store: inner });
    await wh.createNamespace('m');
    const t = await wh.createTable('m.t', TABLE_SCHEMA, { properties: { 'commit.manifest.min-count-to-merge': '5' } });
    const snaps = [];
    for (let i = 0; i < 40; i++) snaps.push(await t.append(rows(i, 0, 2)));
    const plan = await t.scan().planFiles();
    expect(plan.stats.manifestsTotal).toBeLessThanOrEqual(5);
    expect(plan.tasks.length).toBe(40);
    expect((await t.scan().toArrow()).numRows).toBe(80);
    // an old snapshot still reads its own rows
    expect((await t.scan({ snapshotId: snaps[9]!.snapshotId }).toArrow()).numRows).toBe(20);
    // planning the head reads the manifest list plus the (few) manifests, not one per append
    const counted = instrumented(inner);
    const again = await (await Warehouse.open('memory://merge', { store: counted })).loadTable('m.t');
    counted.reset();
    await again.scan().planFiles();
    const avroGets = counted.snapshot().events.filter((e) => e.op === 'get' && e.path.endsWith('.avro')).length;
    expect(avroGets).toBeLessThanOrEqual(1 + 5);
    // deletes on merged manifests still work
    await t.delete('writer < 10');
    expect((await t.scan().toArrow()).numRows).toBe(60);
  });

  it('does not merge when disabled', async () => {
    const wh = await Warehouse.open('memory://merge-off');
    await wh.createNamespace('m');
    const t = await wh.createTable('m.t', TABLE_SCHEMA, { properties: { 'commit.manifest.min-count-to-merge': '2', 'commit.manifest-merge.enabled': 'false' } });
    for (let i = 0; i < 6; i++) await t.append(rows(i, 0, 1));
    expect((await t.scan().planFiles()).stats.manifestsTotal).toBe(6);
  });
});
