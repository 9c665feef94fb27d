/**
 * Merge-on-read on format v3 tables writes deletion vectors (spec §Deletion Vectors), on memory,
 * a local folder and S3: one Puffin file per commit, one vector per data file that holds the
 * file's earlier deletes too and replaces its earlier vector in the same commit; an upgraded v2
 * table's position delete files are merged into the vectors; a concurrent vector for the same
 * data file conflicts and the operation run again loses no deleted position; compaction folds
 * vectors and removes them; and seeded random rounds of delete, overwrite by filter and upsert
 * give the rows copy-on-write gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Table, type Warehouse, isFloeError } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { appendSameRows, applyRandomRound } from '../support/mor-rounds.js';
import { prng } from '../support/prng.js';

afterAll(cleanupBackends);

const SCHEMA = { id: 'long not null', cat: 'string', v: 'double' } as const;
const MOR = { 'write.delete.mode': 'merge-on-read', 'write.update.mode': 'merge-on-read', 'write.merge.mode': 'merge-on-read' };

type Row = { id: number; cat: string; v: number };

function rows(first: number, count: number, v = 0): Row[] {
  return Array.from({ length: count }, (_, i) => ({ id: first + i, cat: (first + i) % 2 === 0 ? 'even' : 'odd', v: v + first + i }));
}

async function ids(t: Table): Promise<number[]> {
  const out: number[] = [];
  for (const r of await t.scan({ columns: ['id'] }).toArrow()) out.push(Number(r!.id));
  return out.sort((a, b) => a - b);
}

async function contents(t: Table): Promise<string[]> {
  const out: string[] = [];
  for (const r of await t.scan().toArrow()) out.push(`${r!.id}|${r!.cat}|${r!.v}`);
  return out.sort();
}

/** Each live data file's delete files, by data file path. */
async function deletesByFile(t: Table): Promise<Map<string, { format: string; referenced?: string; count: number; offset?: number }[]>> {
  const plan = await t.scan().planFiles();
  return new Map(
    plan.tasks.map((task) => [
      task.file.filePath,
      task.deletes.map((d) => ({
        format: d.file.fileFormat,
        count: d.file.recordCount,
        ...(d.file.referencedDataFile === undefined ? {} : { referenced: d.file.referencedDataFile }),
        ...(d.file.contentOffset === undefined ? {} : { offset: d.file.contentOffset }),
      })),
    ]),
  );
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe.each(featureBackends)('merge-on-read on a v3 table ($label)', (backend) => {
  let wh: Warehouse;
  let n = 0;
  async function table(options: { formatVersion?: 2 | 3 } = {}): Promise<Table> {
    wh ??= await backend.open();
    if (n === 0) await wh.createNamespace('dv');
    const t = await wh.createTable(`dv.t${n++}`, SCHEMA, { properties: MOR, formatVersion: options.formatVersion ?? 3 });
    await t.append(rows(0, 50));
    await t.append(rows(50, 50));
    return t;
  }

  it('writes one deletion vector per data file in one Puffin file; a second delete replaces each vector with one holding both', async () => {
    const t = await table();
    const dataFiles = [...(await deletesByFile(t)).keys()];
    const snap = await t.delete('id < 5 OR id = 57 OR id = 99');
    expect(snap.summary.operation).toBe('delete');
    expect(snap.summary['added-position-deletes']).toBe('7');
    // Java's SnapshotSummary: vectors are delete files and `added-dvs`, not position delete files.
    expect(snap.summary['added-delete-files']).toBe('2');
    expect(snap.summary['added-dvs']).toBe('2');
    expect(snap.summary['added-position-delete-files']).toBeUndefined();
    let byFile = await deletesByFile(t);
    expect([...byFile.keys()].sort()).toEqual([...dataFiles].sort());
    const first = [...byFile.entries()].map(([path, ds]) => {
      expect(ds).toHaveLength(1);
      expect(ds[0]).toMatchObject({ format: 'PUFFIN', referenced: path });
      return ds[0]!;
    });
    expect(first.map((d) => d.count).sort()).toEqual([2, 5]);
    expect(await ids(t)).toEqual(rows(0, 100).map((r) => r.id).filter((id) => !(id < 5 || id === 57 || id === 99)));

    const second = await t.delete('id = 7 OR id = 60');
    expect(second.summary).toMatchObject({ 'added-dvs': '2', 'removed-dvs': '2', 'added-position-deletes': '9', 'removed-position-deletes': '7' });
    // The changelog of the second delete holds its two rows only, though its vectors hold all nine.
    const changed = (await t.changes({ fromSnapshot: snap.snapshotId, toSnapshot: second.snapshotId }).toArrow()).toArray();
    expect(changed.map((r) => `${r!['_change_type']} ${r!.id}`).sort()).toEqual(['delete 60', 'delete 7']);
    byFile = await deletesByFile(t);
    for (const ds of byFile.values()) expect(ds).toHaveLength(1);
    expect([...byFile.values()].map((ds) => ds[0]!.count).sort()).toEqual([3, 6]);
    expect(t.currentSnapshot()!.summary['total-delete-files']).toBe('2');
    expect(t.currentSnapshot()!.summary['total-position-deletes']).toBe('9');
    expect(await ids(t)).toEqual(rows(0, 100).map((r) => r.id).filter((id) => !(id < 5 || id === 7 || id === 57 || id === 60 || id === 99)));

    // Deleting a data file's last rows removes the file and, with it, its vector (spec §Deletion Vectors).
    await t.delete('id < 50');
    byFile = await deletesByFile(t);
    expect(byFile.size).toBe(1);
    expect([...byFile.values()][0]).toHaveLength(1);
    expect(t.currentSnapshot()!.summary['total-delete-files']).toBe('1');
    expect(t.currentSnapshot()!.summary['total-position-deletes']).toBe('3');
  });

  it('on a table upgraded from v2, the first vector for a file merges its position delete file', async () => {
    const t = await table({ formatVersion: 2 });
    await t.delete('id < 3');
    expect([...(await deletesByFile(t)).values()].flat().map((d) => d.format)).toEqual(['PARQUET']);
    await t.setProperties({ 'format-version': '3' });
    await t.delete('id = 10');
    const ds = [...(await deletesByFile(t)).values()].find((list) => list.some((d) => d.format === 'PUFFIN'))!;
    expect(ds.find((d) => d.format === 'PUFFIN')!.count).toBe(4);
    expect(await ids(t)).toEqual(rows(0, 100).map((r) => r.id).filter((id) => id >= 3 && id !== 10));
  });

  it('a concurrent deletion vector for the same data file conflicts; run again, no deleted position is lost', async () => {
    const t = await table();
    const other = await Table.load(t.uri, wh.s3Options ? { s3: wh.s3Options } : {});
    await t.delete('id = 1 OR id = 2');
    const e = await failureOf(other.delete('id = 3 OR id = 4'));
    expect(isFloeError(e, 'COMMIT_CONFLICT')).toBe(true);
    expect((e as Error).message).toMatch(/added delete file .*\.puffin, which may apply to .*, whose rows this commit also deletes/);
    await other.refresh();
    await other.delete('id = 3 OR id = 4');
    await t.refresh();
    for (const ds of (await deletesByFile(t)).values()) expect(ds.length).toBeLessThanOrEqual(1);
    expect(await ids(t)).toEqual(rows(0, 100).map((r) => r.id).filter((id) => id < 1 || id > 4));
  });

  it('concurrent deletion vectors for different data files of one partition both commit (a vector applies to its referenced file only)', async () => {
    const t = await table();
    const other = await Table.load(t.uri, wh.s3Options ? { s3: wh.s3Options } : {});
    await t.delete('id = 1');
    await other.delete('id = 60');
    await t.refresh();
    expect(await ids(t)).toEqual(rows(0, 100).map((r) => r.id).filter((id) => id !== 1 && id !== 60));
    expect([...(await deletesByFile(t)).values()].map((ds) => ds.length)).toEqual([1, 1]);
  });

  it('compaction folds deletion vectors into the rewritten rows and removes them', async () => {
    const t = await table();
    await t.delete('id < 5 OR id = 57');
    await t.delete('id = 6 OR id = 58');
    const before = await contents(t);
    const r = await t.rewriteDataFiles({ targetFileSizeBytes: 1 << 20 });
    expect(r.removedDeleteFiles).toBe(2);
    const after = await deletesByFile(t);
    expect([...after.values()].flat()).toEqual([]);
    expect(t.currentSnapshot()!.summary['total-delete-files']).toBe('0');
    expect(await contents(t)).toEqual(before);
  });

  it('seeded random rounds: the v3 merge-on-read table holds the copy-on-write table rows', async () => {
    wh ??= await backend.open();
    if (n === 0) await wh.createNamespace('dv');
    const random = prng(23);
    const cow = await wh.createTable(`dv.cow${n}`, SCHEMA, { formatVersion: 3 });
    const mor = await wh.createTable(`dv.mor${n++}`, SCHEMA, { formatVersion: 3, properties: MOR });
    const ids = { next: 0 };
    await appendSameRows([cow, mor], { random, ids, files: 3, rowsPerFile: 40 });
    for (let round = 0; round < 6; round++) {
      const op = await applyRandomRound([cow, mor], { random, round, ids, sizes: { deleteRange: 20, overwriteRange: 15, overwriteRows: 4, upsertKeys: 10 } });
      expect(await contents(mor), `round ${round}, op ${op}`).toEqual(await contents(cow));
      for (const ds of (await deletesByFile(mor)).values()) expect(ds.filter((d) => d.format === 'PUFFIN').length).toBeLessThanOrEqual(1);
    }
    expect([...(await deletesByFile(mor)).values()].flat().length).toBeGreaterThan(0);
  });
});
