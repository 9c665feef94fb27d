/**
 * Compaction (spec/maintenance.md §M4) against concurrent writers, on memory, a local folder
 * and the run's S3 server: the compaction is paused between writing its files and its commit
 * point (a gate on its store), another handle commits, then the compaction goes on. A concurrent
 * append never conflicts (the rewrite commits on top of it); a concurrent delete of a rewritten
 * file does (CommitConflictError, the table as the delete left it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CommitConflictError, Table, type Warehouse, openLocation } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { gatedStore, rowSet } from './support.js';

afterAll(cleanupBackends);

/** A table of six small appends (six files) and a compaction of it paused before its commit point. */
async function pausedCompaction(wh: Warehouse, name: string): Promise<{ other: Table; compacting: Promise<unknown>; gate: ReturnType<typeof gatedStore> }> {
  await wh.createNamespace('m');
  const t = await wh.createTable(`m.${name}`, TABLE_SCHEMA);
  for (let w = 0; w < 6; w++) await t.append(rows(w, 0, 5));
  const s3 = wh.s3Options;
  const gate = gatedStore(openLocation(t.uri, s3 ? { s3 } : {}).store, (p) => p.startsWith('metadata/snap-'));
  const compactor = await Table.load(t.uri, { store: gate.store, ...(s3 ? { s3 } : {}) });
  const compacting = compactor.rewriteDataFiles().then((r) => r, (e: unknown) => e);
  await gate.paused;
  return { other: await Table.load(t.uri, s3 ? { s3 } : {}), compacting, gate };
}

describe.each(featureBackends)('rewriteDataFiles against concurrent writers on $label', (backend) => {
  it('a concurrent append does not conflict: the compaction commits on top of it and both changes are kept', async () => {
    const wh = await backend.open();
    const { other, compacting, gate } = await pausedCompaction(wh, 'vs_append');
    const appended = await other.append(rows(9, 0, 3));
    gate.release();
    const result = (await compacting) as Awaited<ReturnType<Table['rewriteDataFiles']>>;
    expect(result).not.toBeInstanceOf(Error);
    expect(result.snapshot?.summary.operation).toBe('replace');
    expect(result.snapshot?.parentSnapshotId).toBe(appended.snapshotId);
    expect(result.rewrittenDataFiles).toBe(6);
    await other.refresh();
    expect(other.currentSnapshot()?.snapshotId).toBe(result.snapshot?.snapshotId);
    const expected = [...Array.from({ length: 6 }, (_, w) => Array.from({ length: 5 }, (_, s) => `${w}:${s}:w`)).flat(), '9:0:w', '9:1:w', '9:2:w'].sort();
    expect(await rowSet(other)).toEqual(expected);
    // the six small files became one; the appended file is carried as it is
    expect((await other.scan().planFiles()).tasks.length).toBe(2);
  });

  it('a concurrent delete of a file being rewritten conflicts: CommitConflictError, and the table is as the delete left it', async () => {
    const wh = await backend.open();
    const { other, compacting, gate } = await pausedCompaction(wh, 'vs_delete');
    const deleted = await other.delete('writer = 2');
    const version = other.version;
    const after = await rowSet(other);
    gate.release();
    const error = await compacting;
    expect(error).toBeInstanceOf(CommitConflictError);
    expect((error as CommitConflictError).message).toMatch(/deleted or rewrote/);
    await other.refresh();
    expect(other.version).toBe(version);
    expect(other.currentSnapshot()?.snapshotId).toBe(deleted.snapshotId);
    expect(await rowSet(other)).toEqual(after);
    expect(after).toHaveLength(25);
  });
});
