/**
 * `gc.enabled=false` (Iceberg's `TableProperties.GC_ENABLED`): a table whose files may belong to
 * other tables must not have them deleted. Java's `RemoveSnapshots` refuses to expire snapshots
 * of such a table; Floe refuses too (unless no file is to be deleted), and refuses a value that is
 * neither true nor false where it is set and where it is read.
 */
import { describe, expect, it } from 'vitest';
import { type Table, Warehouse } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

const HOUR = 3_600_000;

async function hourly(name: string): Promise<{ wh: Warehouse; t: Table; ids: bigint[] }> {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const wh = await Warehouse.open(`memory://gc-enabled-${name}-${process.pid}`, { clock: { nowMs: () => clock.now } });
  await wh.createNamespace('g');
  const t = await wh.createTable('g.t', TABLE_SCHEMA);
  const ids: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    clock.now += HOUR;
    // each snapshot replaces the rows, so expiring the older ones would delete their files
    ids.push((i === 0 ? await t.append(rows(i, 0, 2)) : await t.overwrite(rows(i, 0, 2))).snapshotId);
  }
  clock.now += 1;
  return { wh, t, ids };
}

const rowCountAt = async (t: Table, snapshotId: bigint): Promise<number> => (await t.scan({ snapshotId }).toArrow()).numRows;

describe('gc.enabled', () => {
  it('false: expiring snapshots (and its dry run) is refused and nothing changes; with cleanFiles false the metadata expires and no file is deleted', async () => {
    const { t, ids } = await hourly('refused');
    await t.setProperties({ 'gc.enabled': 'false' });
    const version = t.version;
    await expect(t.expireSnapshots({ olderThanMs: Date.UTC(2027, 0, 1), retainLast: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('gc.enabled is false'),
      context: { table: 'g.t', property: 'gc.enabled' },
    });
    await expect(t.expireSnapshots({ olderThanMs: Date.UTC(2027, 0, 1), retainLast: 1, dryRun: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await t.refresh();
    expect(t.version).toBe(version);
    expect(t.snapshots().map((s) => s.snapshotId)).toEqual(ids);
    for (const id of ids) expect(await rowCountAt(t, id)).toBe(2);

    const r = await t.expireSnapshots({ olderThanMs: Date.UTC(2027, 0, 1), retainLast: 1, cleanFiles: false });
    expect(r).toEqual({ expiredSnapshotIds: [ids[0], ids[1]], removedRefs: [], deletedFiles: 0 });
    expect(t.snapshots().map((s) => s.snapshotId)).toEqual([ids[2]]);
  });

  it('FALSE in any case disables GC; true in any case enables it (Java reads it with Boolean.parseBoolean)', async () => {
    const { t, ids } = await hourly('case');
    await t.setProperties({ 'gc.enabled': 'FALSE' });
    await expect(t.expireSnapshots({ olderThanMs: Date.UTC(2027, 0, 1), retainLast: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await t.setProperties({ 'gc.enabled': 'True' });
    const r = await t.expireSnapshots({ olderThanMs: Date.UTC(2027, 0, 1), retainLast: 1 });
    expect(r.expiredSnapshotIds).toEqual([ids[0], ids[1]]);
    expect(r.deletedFiles).toBeGreaterThan(0);
  });

  it('a value that is not true or false is refused where it is set, naming the property and the value, and nothing changes', async () => {
    const { wh, t } = await hourly('typo');
    const version = t.version;
    await expect(t.setProperties({ 'gc.enabled': 'flase' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('"flase"'),
      context: { table: 'g.t', property: 'gc.enabled', value: 'flase' },
    });
    await t.refresh();
    expect(t.version).toBe(version);
    expect(t.properties()['gc.enabled']).toBeUndefined();
    await expect(wh.createTable('g.u', TABLE_SCHEMA, { properties: { 'gc.enabled': 'no' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', context: { property: 'gc.enabled' } });
    expect(await wh.tableExists('g.u')).toBe(false);
  });
});

describe('gc.enabled on drop with purge', () => {
  it('false: the purge deletes the metadata folder and keeps the data files; true: everything goes', async () => {
    const { mkdtemp, readdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'floe-gc-purge-'));
    const wh = await Warehouse.open(`file://${root}`);
    await wh.createNamespace('g');
    const kept = await wh.createTable('g.kept', TABLE_SCHEMA, { properties: { 'gc.enabled': 'false' } });
    await kept.append(rows(0, 0, 3));
    const gone = await wh.createTable('g.gone', TABLE_SCHEMA);
    await gone.append(rows(0, 0, 3));
    const dataOf = async (t: string): Promise<string[]> => readdir(join(root, 'g', t, 'data')).catch(() => []);
    const keptData = await dataOf('kept');
    expect(keptData.length).toBe(1);

    await wh.dropTable('g.kept');
    await wh.dropTable('g.gone');
    expect(await wh.tableExists('g.kept')).toBe(false);
    expect(await dataOf('kept')).toEqual(keptData);
    expect(await readdir(join(root, 'g', 'kept', 'metadata')).catch(() => [])).toEqual([]);
    expect(await dataOf('gone')).toEqual([]);
  });
});
