/**
 * Expiring snapshots by the retention policy (Iceberg spec "Snapshot Retention Policy", Java's
 * `RemoveSnapshots`): options left out come from the `history.expire.*` table properties, each
 * ref's own settings win over them, and refs past their max age are removed.
 */
import { describe, expect, it } from 'vitest';
import { type Table, Warehouse } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { planExpiry } from '../../src/transaction/index.js';

const HOUR = 3_600_000;

/** A table with snapshots s1…s4 committed an hour apart; the clock then stands 1 ms after s4. */
async function hourly(name: string): Promise<{ t: Table; ids: bigint[]; clock: { now: number } }> {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const wh = await Warehouse.open(`memory://expire-policy-${name}-${process.pid}`, { clock: { nowMs: () => clock.now } });
  await wh.createNamespace('p');
  const t = await wh.createTable('p.t', TABLE_SCHEMA);
  const ids: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    if (i > 0) clock.now += HOUR;
    ids.push((await t.append(rows(i, 0, 2))).snapshotId);
  }
  clock.now += 1;
  return { t, ids, clock };
}

const idsOf = (t: Table): bigint[] => t.snapshots().map((s) => s.snapshotId);

describe('expireSnapshots by policy', () => {
  it('takes the cut-off and the count to keep from history.expire.* when called without options', async () => {
    const { t, ids } = await hourly('props');
    await t.setProperties({ 'history.expire.max-snapshot-age-ms': String(90 * 60_000) });
    const dry = await t.expireSnapshots({ dryRun: true });
    expect(dry).toEqual({ expiredSnapshotIds: [ids[0], ids[1]], removedRefs: [], deletedFiles: 0 });
    expect(idsOf(t)).toEqual(ids);
    let r = await t.expireSnapshots();
    expect(r.expiredSnapshotIds).toEqual([ids[0], ids[1]]);
    expect(idsOf(t)).toEqual([ids[2], ids[3]]);
    // min-snapshots-to-keep keeps older ancestors too
    const again = await hourly('props-min');
    await again.t.setProperties({ 'history.expire.max-snapshot-age-ms': '1', 'history.expire.min-snapshots-to-keep': '3' });
    r = await again.t.expireSnapshots();
    expect(r.expiredSnapshotIds).toEqual([again.ids[0]]);
    expect((await again.t.scan().toArrow()).numRows).toBe(8);
  });

  it('lets explicit options win over the properties', async () => {
    const { t, ids, clock } = await hourly('explicit');
    await t.setProperties({ 'history.expire.max-snapshot-age-ms': '1' });
    const r = await t.expireSnapshots({ olderThanMs: clock.now - 150 * 60_000, retainLast: 1 });
    expect(r.expiredSnapshotIds).toEqual([ids[0]]);
  });

  it('removes tags past their max-ref-age-ms (the ref\'s, else history.expire.max-ref-age-ms) and then their snapshots', async () => {
    const { t, ids } = await hourly('refs');
    await t.createTag('short', ids[0], { maxRefAgeMs: HOUR });
    await t.createTag('long', ids[1]);
    // no table default: "long" never ages out, "short" (3 h old, 1 h allowed) does
    let r = await t.expireSnapshots({ retainLast: 1, olderThanMs: Date.UTC(2027, 0, 1) });
    expect(r.removedRefs).toEqual(['short']);
    expect(Object.keys(t.refs()).sort()).toEqual(['long', 'main']);
    expect(r.expiredSnapshotIds).toEqual([ids[0], ids[2]]);
    expect(idsOf(t)).toEqual([ids[1], ids[3]]);
    // a table default of 2 h removes "long" (2 h old plus 1 ms)
    await t.setProperties({ 'history.expire.max-ref-age-ms': String(2 * HOUR) });
    r = await t.expireSnapshots({ retainLast: 1, olderThanMs: Date.UTC(2027, 0, 1) });
    expect(r.removedRefs).toEqual(['long']);
    expect(idsOf(t)).toEqual([ids[3]]);
    expect((await t.scan().toArrow()).numRows).toBe(8);
  });

  it('honours a branch\'s own min-snapshots-to-keep and max-snapshot-age-ms (pure plan)', async () => {
    const { t, ids, clock } = await hourly('branch');
    const m = t.metadata();
    const withMain = (ref: object) => ({ ...m, refs: { ...m.refs, main: { ...m.refs['main']!, ...ref } } });
    const settings = { nowMs: clock.now, olderThanMs: clock.now + 1, retainLast: 1, maxRefAgeMs: Number.POSITIVE_INFINITY };
    expect(planExpiry(m, settings).snapshotIds).toEqual(ids.slice(0, 3));
    expect(planExpiry(withMain({ minSnapshotsToKeep: 2 }), settings).snapshotIds).toEqual(ids.slice(0, 2));
    // the branch's max age (1.5 h) wins over olderThanMs: s3 and s4 are newer than its cut-off
    expect(planExpiry(withMain({ maxSnapshotAgeMs: 90 * 60_000 }), settings).snapshotIds).toEqual(ids.slice(0, 2));
    // main is never removed, whatever its max-ref-age-ms
    expect(planExpiry(withMain({ maxRefAgeMs: 1 }), settings).refs).toEqual([]);
  });

  it('refuses a malformed history.expire.* property, naming it, and commits nothing', async () => {
    const { t } = await hourly('bad');
    await t.setProperties({ 'history.expire.max-snapshot-age-ms': '5 days' });
    const version = t.version;
    await expect(t.expireSnapshots()).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('history.expire.max-snapshot-age-ms') });
    await t.refresh();
    expect(t.version).toBe(version);
    expect(t.snapshots().length).toBe(4);
  });
});
