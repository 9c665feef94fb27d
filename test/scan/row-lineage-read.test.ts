/**
 * Scans of a v3 table select the row lineage metadata columns `_row_id` and
 * `_last_updated_sequence_number` by name (spec §Row Lineage), on memory, a local folder and S3:
 * inherited from the data file's `first_row_id` plus the row's position, and from its data
 * sequence number; null for files written before the table became v3 (until a commit gives them
 * ids); positions stay right under filters that skip row groups, limits and position deletes. v2
 * tables have no such columns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Table, type Warehouse } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { failure } from '../support/failure.js';
import { commitPositionDeletes } from '../support/position-deletes.js';

afterAll(cleanupBackends);

const SCHEMA = { id: 'long not null', s: 'string' } as const;
const LINEAGE = ['id', '_row_id', '_last_updated_sequence_number'];

function rows(first: number, count: number): { id: number; s: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: first + i, s: `r${first + i}` }));
}

/** `id → [row id, last updated sequence number]`, as the scan returns them. */
async function lineage(t: Table, options: { filter?: string; limit?: number; snapshotId?: bigint } = {}): Promise<Map<number, [bigint | null, bigint | null]>> {
  const out = new Map<number, [bigint | null, bigint | null]>();
  for (const r of await t.scan({ columns: LINEAGE, ...options }).toArrow()) {
    out.set(Number(r!.id), [r!._row_id as bigint | null, r!._last_updated_sequence_number as bigint | null]);
  }
  return out;
}

describe.each(featureBackends)('row lineage columns in scans ($label)', (backend) => {
  let wh: Warehouse;
  let n = 0;
  async function table(options: { formatVersion?: 3 } = { formatVersion: 3 }, properties: Record<string, string> = {}): Promise<Table> {
    if (!wh) {
      wh = await backend.open();
      await wh.createNamespace('rr');
    }
    return wh.createTable(`rr.t${n++}`, SCHEMA, { ...options, properties });
  }

  it('are inherited from first_row_id + position and the data sequence number', async () => {
    const t = await table();
    await t.append(rows(0, 30));
    await t.append(rows(30, 12));
    const got = await lineage(t);
    expect(got.size).toBe(42);
    for (let id = 0; id < 42; id++) expect(got.get(id)).toEqual([BigInt(id), id < 30 ? 1n : 2n]);
    // Selected alone, and in another order.
    const only = await t.scan({ columns: ['_last_updated_sequence_number', '_row_id'] }).toArrow();
    expect(only.schema.fields.map((f) => f.name)).toEqual(['_last_updated_sequence_number', '_row_id']);
    expect(only.numRows).toBe(42);
  });

  it('keep each row its position under filters that skip row groups, under limits, and after position deletes', async () => {
    // 10-row row groups: a filter on id skips whole row groups (a ranged read of the rest).
    const t = await table({}, { 'write.parquet.row-group-limit': '10' });
    await t.append(rows(0, 35));
    await t.setProperties({ 'format-version': '3' });
    // Before any v3 commit the file has no first_row_id: both columns read null.
    for (const v of (await lineage(t)).values()) expect(v).toEqual([null, null]);
    await t.append(rows(100, 5));
    // The first v3 commit gave the old file ids after the new manifest's 5: 5 + position.
    const all = await lineage(t);
    for (let id = 0; id < 35; id++) expect(all.get(id)).toEqual([5n + BigInt(id), 1n]);
    for (let id = 100; id < 105; id++) expect(all.get(id)).toEqual([BigInt(id - 100), 2n]);
    const filtered = await lineage(t, { filter: 'id >= 23 AND id < 100' });
    expect([...filtered.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 23 + i));
    for (const [id, v] of filtered) expect(v).toEqual([5n + BigInt(id), 1n]);
    const limited = await lineage(t, { limit: 3 });
    for (const [id, v] of limited) expect(v).toEqual(all.get(id));
    // A position delete file (kept valid in upgraded tables) drops rows; the survivors keep their ids.
    const plan = await t.scan().planFiles();
    const old = plan.tasks.find((task) => task.file.recordCount === 35)!;
    await commitPositionDeletes(t, old.file.filePath, [0, 11, 12, 34]);
    const after = await lineage(t);
    expect(after.size).toBe(36);
    for (const id of [0, 11, 12, 34]) expect(after.has(id)).toBe(false);
    for (const [id, v] of after) expect(v).toEqual(all.get(id));
    const afterFiltered = await lineage(t, { filter: 'id >= 10 AND id < 100' });
    for (const [id, v] of afterFiltered) expect(v).toEqual(all.get(id));
    // Time travel to the snapshot before the upgrade's first commit: no ids there.
    const firstSnapshot = t.metadata().snapshots[0]!.snapshotId;
    for (const v of (await lineage(t, { snapshotId: firstSnapshot })).values()) expect(v).toEqual([null, null]);
  });

  it('are not columns of a v2 table', async () => {
    const t = await table({});
    await t.append(rows(0, 3));
    const e = await failure(() => t.scan({ columns: ['id', '_row_id'] }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('_row_id');
  });
});
