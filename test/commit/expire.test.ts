/**
 * Expiring snapshots: old snapshots leave the metadata, files only they referenced are deleted,
 * the current data is untouched, tagged snapshots stay readable.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, Warehouse } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

async function count(store: MemoryStore, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of store.list(prefix)) n += 1;
  return n;
}

describe('expireSnapshots', () => {
  it('removes old snapshots and only their files; the head, tags and data stay', async () => {
    const store = new MemoryStore();
    const wh = await Warehouse.open('memory://expire', { store });
    await wh.createNamespace('e');
    const t = await wh.createTable('e.t', TABLE_SCHEMA);
    const first = await t.append(rows(0, 0, 3));
    await t.createTag('first', first.snapshotId);
    for (let i = 1; i < 5; i++) await t.append(rows(i, 0, 3));
    await t.delete('writer = 2'); // rewrites nothing (whole file), removes writer 2's file
    const rowsBefore = (await t.scan().toArrow()).numRows;
    const dataBefore = await count(store, 'e/t/data/');
    const versionsBefore = await count(store, 'e/t/metadata/v');
    const result = await t.expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1 });
    // 6 snapshots: the tagged first and the head stay
    expect(result.expiredSnapshotIds.length).toBe(4);
    expect(t.snapshots().length).toBe(2);
    expect(t.snapshots().map((s) => s.snapshotId)).toContain(first.snapshotId);
    expect((await t.scan().toArrow()).numRows).toBe(rowsBefore);
    expect((await t.scan({ ref: 'first' }).toArrow()).numRows).toBe(3);
    // writer 2's data file was only reachable from expired snapshots: deleted; metadata versions never are
    expect(result.deletedFiles).toBeGreaterThan(0);
    expect(await count(store, 'e/t/data/')).toBe(dataBefore - 1);
    expect(await count(store, 'e/t/metadata/v')).toBe(versionsBefore + 1);
    const expired = result.expiredSnapshotIds[0]!;
    expect(() => t.scan({ snapshotId: expired })).toThrowError(expect.objectContaining({ code: 'SNAPSHOT_NOT_FOUND' }));
    // a fresh load agrees
    const again = await wh.loadTable('e.t');
    expect(again.snapshots().length).toBe(2);
    expect((await again.scan().toArrow()).numRows).toBe(rowsBefore);
  });

  it('expires nothing newer than the cut-off', async () => {
    const wh = await Warehouse.open('memory://expire-none');
    await wh.createNamespace('e');
    const t = await wh.createTable('e.t', TABLE_SCHEMA);
    for (let i = 0; i < 3; i++) await t.append(rows(i, 0, 1));
    const result = await t.expireSnapshots({ olderThanMs: 0 });
    expect(result.expiredSnapshotIds).toEqual([]);
    expect(t.snapshots().length).toBe(3);
  });
});
