/**
 * Changelog reads (`t.changes`, spec/changelog.md): applied to the rows at `fromSnapshot`, the
 * changes give exactly the rows at `toSnapshot` (as multisets) for many ranges of a seeded
 * history of appends, copy-on-write deletes, overwrites, upserts and a compaction-like
 * `replace`; on memory, local-fs and S3. Merge-on-read deletes come from a table Iceberg Java
 * wrote (position and equality delete files).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANGE_ORDINAL_COLUMN, CHANGE_TYPE_COLUMN, COMMIT_SEQUENCE_NUMBER_COLUMN, COMMIT_SNAPSHOT_ID_COLUMN, type Snapshot, Table, isFloeError } from 'floe';
import { prepareRewrite } from '../../src/transaction/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { commitPositionDeletes } from '../support/position-deletes.js';
import { prng } from '../support/prng.js';

afterAll(cleanupBackends);

const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('v', new arrow.Utf8(), true)]);

interface Row {
  readonly id: bigint;
  readonly v: string | null;
}

function rowsOf(ids: readonly number[], tag: string): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(ids, (i) => BigInt(i))),
    v: arrow.vectorFromArray(
      ids.map((i) => `${tag}${i}`),
      new arrow.Utf8(),
    ),
  });
}

/** A multiset of rows: key → count. */
function multiset(rows: Iterable<Row>): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.id}|${r.v}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m.entries()].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function rowsAt(t: Table, snapshotId: bigint): Promise<Row[]> {
  const out = await t.scan({ snapshotId, columns: ['id', 'v'] }).toArrow();
  return out.toArray().map((r) => ({ id: r.id as bigint, v: r.v as string | null }));
}

interface ChangeRow extends Row {
  readonly type: string;
  readonly ordinal: number;
  readonly snapshotId: bigint;
  readonly sequenceNumber: bigint;
}

async function changesOf(t: Table, from: bigint, to?: bigint): Promise<ChangeRow[]> {
  const out = await t.changes({ fromSnapshot: from, ...(to === undefined ? {} : { toSnapshot: to }) }).toArrow();
  return out.toArray().map((r) => ({
    id: r.id as bigint,
    v: r.v as string | null,
    type: r[CHANGE_TYPE_COLUMN] as string,
    ordinal: r[CHANGE_ORDINAL_COLUMN] as number,
    snapshotId: r[COMMIT_SNAPSHOT_ID_COLUMN] as bigint,
    sequenceNumber: r[COMMIT_SEQUENCE_NUMBER_COLUMN] as bigint,
  }));
}

/** Applies changes to a multiset, in order; a delete of a row not there fails the test. */
function applyChanges(base: Map<string, number>, changes: readonly ChangeRow[]): Map<string, number> {
  const m = new Map(base);
  for (const c of changes) {
    const k = `${c.id}|${c.v}`;
    const n = m.get(k) ?? 0;
    if (c.type === 'delete') {
      expect(n, `snapshot ${c.snapshotId} deletes ${k}, which is not there`).toBeGreaterThan(0);
      m.set(k, n - 1);
    } else {
      expect(c.type).toBe('insert');
      m.set(k, n + 1);
    }
  }
  return m;
}

/** A compaction-like `replace`: every row rewritten into new files, unchanged. */
async function compact(t: Table): Promise<Snapshot> {
  const all = await t.scan().toArrow();
  return t.commit((state, commitId) => prepareRewrite(t.context(), state, { commitId, data: all, extraSummary: { operation: 'replace' } }));
}


describe.each(featureBackends)('changes ($label)', (backend) => {
  it('merge-on-read: rows a position delete file deletes are deletes, once; a later one deletes only its new rows', async () => {
    const wh = await backend.open();
    await wh.createNamespace('c');
    const t = await wh.createTable('c.mor', schema);
    const s0 = await t.append(rowsOf([10, 11, 12, 13, 14], 'a'));
    const s1 = await t.append(rowsOf([20, 21, 22], 'b'));
    const first = (await t.scan().planFiles()).tasks.find((task) => task.snapshotId === s0.snapshotId)!.file.filePath;
    const firstIds = (await t.scan({ snapshotId: s0.snapshotId }).toArrow()).getChild('id')!.toArray() as BigInt64Array;
    expect(firstIds).toEqual(BigInt64Array.of(10n, 11n, 12n, 13n, 14n));
    const s2 = await commitPositionDeletes(t, first, [1, 3]);
    // A second delete file naming a position already deleted and a new one.
    const s3 = await commitPositionDeletes(t, first, [3, 4]);
    expect(await changesOf(t, s1.snapshotId, s2.snapshotId)).toMatchObject([
      { type: 'delete', id: 11n, v: 'a11', snapshotId: s2.snapshotId },
      { type: 'delete', id: 13n, v: 'a13', snapshotId: s2.snapshotId },
    ]);
    const both = await changesOf(t, s1.snapshotId);
    expect(both.map((c) => `${c.type} ${c.id} @${c.ordinal}`)).toEqual(['delete 11 @0', 'delete 13 @0', 'delete 14 @1']);
    const [at0, at3] = await Promise.all([rowsAt(t, s0.snapshotId), rowsAt(t, s3.snapshotId)]);
    expect(sorted(applyChanges(multiset(at0), await changesOf(t, s0.snapshotId)))).toEqual(sorted(multiset(at3)));
    // Then a copy-on-write delete rewrites the file the deletes apply to: only its row 12 is new.
    const s4 = await t.delete('id = 12');
    expect((await changesOf(t, s3.snapshotId, s4.snapshotId)).map((c) => `${c.type} ${c.id}`)).toEqual(['delete 12']);
  });


  it('applied to the rows at fromSnapshot, gives the rows at toSnapshot, over a seeded history', async () => {
    const wh = await backend.open();
    await wh.createNamespace('c');
    const t = await wh.createTable('c.history', schema);
    const random = prng(14);
    const pick = (n: number): number => Math.floor(random() * n);
    const snapshots: Snapshot[] = [await t.append(rowsOf([1, 2, 3, 4, 5, 6, 7, 8], 'a'))];
    let next = 100;
    // A whole-file delete, a copy-on-write delete of some rows, an overwrite, upserts (one of a
    // row as it is), an append of a duplicate; then seeded ones, and a replace at step 7.
    const ops = ['append', 'delete-file', 'delete', 'overwrite', 'upsert', 'upsert-same', 'append-dup'] as const;
    for (let step = 0; step < 12; step++) {
      if (step === 7) {
        snapshots.push(await compact(t));
        continue;
      }
      const op = ops[step < ops.length ? step : pick(ops.length)]!;
      const live = await rowsAt(t, snapshots.at(-1)!.snapshotId);
      const someId = (): number => Number(live[pick(live.length)]!.id);
      if (op === 'append') snapshots.push(await t.append(rowsOf([next++, next++, next++], 'b')));
      else if (op === 'append-dup') snapshots.push(await t.append(rowsOf([someId()], 'a'))); // may duplicate a live row
      else if (op === 'delete-file') snapshots.push(await t.delete(`id >= ${next - 3} AND id < ${next}`));
      else if (op === 'delete') snapshots.push(await t.delete(`id = ${someId()} OR id = ${next - 1}`));
      else if (op === 'overwrite') snapshots.push(await t.overwrite(rowsOf([someId(), next++], 'o'), { filter: `id < ${someId()}` }));
      else if (op === 'upsert') snapshots.push(await t.upsert(rowsOf([someId(), next++], `u${step}-`), { on: 'id' }));
      else {
        const row = live[pick(live.length)]!;
        snapshots.push(await t.upsert(new arrow.Table({ id: arrow.makeVector(BigInt64Array.of(row.id)), v: arrow.vectorFromArray([row.v], new arrow.Utf8()) }), { on: 'id' }));
      }
    }
    expect(snapshots.map((s) => s.summary.operation)).toContain('replace');
    expect(new Set(snapshots.map((s) => s.summary.operation))).toEqual(new Set(['append', 'delete', 'overwrite', 'replace']));
    const at = await Promise.all(snapshots.map((s) => rowsAt(t, s.snapshotId)));
    // Every consecutive pair, the whole history, and seeded others.
    const pairs: [number, number][] = snapshots.slice(1).map((_, i) => [i, i + 1]);
    pairs.push([0, snapshots.length - 1]);
    for (let k = 0; k < 4; k++) {
      const a = pick(snapshots.length - 1);
      pairs.push([a, a + 1 + pick(snapshots.length - 1 - a)]);
    }
    for (const [a, b] of pairs) {
      const changes = await changesOf(t, snapshots[a]!.snapshotId, snapshots[b]!.snapshotId);
      expect(sorted(applyChanges(multiset(at[a]!), changes)), `changes (${a}, ${b}]`).toEqual(sorted(multiset(at[b]!)));
      // Tagged with the snapshots of the range, in order; no carry-over: a row is not both
      // deleted and inserted by one snapshot.
      const range = snapshots.slice(a + 1, b + 1).filter((s) => s.summary.operation !== 'replace');
      for (const c of changes) {
        const ordinal = range.findIndex((s) => s.snapshotId === c.snapshotId);
        expect(ordinal).toBe(c.ordinal);
        expect(c.sequenceNumber).toBe(range[ordinal]!.sequenceNumber);
      }
      expect(changes.map((c) => c.ordinal)).toEqual([...changes.map((c) => c.ordinal)].sort((x, y) => x - y));
      for (const s of range) {
        const mine = changes.filter((c) => c.snapshotId === s.snapshotId);
        const deleted = new Set(mine.filter((c) => c.type === 'delete').map((c) => `${c.id}|${c.v}`));
        expect(mine.filter((c) => c.type === 'insert' && deleted.has(`${c.id}|${c.v}`))).toEqual([]);
      }
    }
    // The default toSnapshot is the current one; an empty range has no changes.
    expect(await changesOf(t, snapshots[0]!.snapshotId)).toEqual(await changesOf(t, snapshots[0]!.snapshotId, snapshots.at(-1)!.snapshotId));
    expect(await changesOf(t, snapshots[3]!.snapshotId, snapshots[3]!.snapshotId)).toEqual([]);
  });

  it('reports exactly the rows changed: a copy-on-write delete, an upsert, an unchanged upsert, a replace', async () => {
    const wh = await backend.open();
    await wh.createNamespace('c');
    const t = await wh.createTable('c.exact', schema);
    const s0 = await t.append(rowsOf([1, 2, 3, 4, 5], 'a'));
    const s1 = await t.delete('id = 3');
    const s2 = await t.upsert(rowsOf([2, 9], 'u'), { on: 'id' });
    const s3 = await t.upsert(rowsOf([4], 'a'), { on: 'id' });
    const s4 = await compact(t);
    const s5 = await t.append(rowsOf([6], 'a'));
    const all = await changesOf(t, s0.snapshotId);
    const view = all.map((c) => `${c.type} ${c.id}|${c.v} @${c.ordinal}`);
    expect(view).toEqual(['delete 3|a3 @0', 'delete 2|a2 @1', 'insert 2|u2 @1', 'insert 9|u9 @1', 'insert 6|a6 @3']);
    expect(all.map((c) => c.snapshotId)).toEqual([s1, s2, s2, s2, s5].map((s) => s.snapshotId));
    expect(await changesOf(t, s2.snapshotId, s4.snapshotId)).toEqual([]); // s3 re-wrote a row as it was; s4 is a replace
    expect(s3.summary.operation).toBe('overwrite');
    // Columns and filter apply to the changed rows; the change columns follow.
    const some = await t.changes({ fromSnapshot: s0.snapshotId, columns: ['v'], filter: 'id >= 3' }).toArrow();
    expect(some.schema.fields.map((f) => f.name)).toEqual(['v', CHANGE_TYPE_COLUMN, CHANGE_ORDINAL_COLUMN, COMMIT_SNAPSHOT_ID_COLUMN, COMMIT_SEQUENCE_NUMBER_COLUMN]);
    expect(some.toArray().map((r) => `${r[CHANGE_TYPE_COLUMN]} ${r.v}`)).toEqual(['delete a3', 'insert u9', 'insert a6']);
    // Streamed, the same rows.
    const streamed: string[] = [];
    for await (const b of t.changes({ fromSnapshot: s0.snapshotId }).batches()) for (const r of b.toArray()) streamed.push(`${r[CHANGE_TYPE_COLUMN]} ${r.id}|${r.v} @${r[CHANGE_ORDINAL_COLUMN]}`);
    expect(streamed).toEqual(view);
  });

  it('refuses bad arguments, unknown, unrelated and expired snapshots with typed errors naming them; the table is unchanged', async () => {
    const wh = await backend.open();
    await wh.createNamespace('c');
    const t = await wh.createTable('c.errors', schema);
    const s0 = await t.append(rowsOf([1], 'a'));
    const s1 = await t.append(rowsOf([2], 'a'));
    await t.createBranch('side', s0.snapshotId);
    await t.refresh();
    const before = { snapshot: t.currentSnapshot()?.snapshotId, rows: await rowsAt(t, s1.snapshotId) };
    const refused = (f: () => unknown, code: string, ...words: string[]): void => {
      let caught: unknown;
      try {
        f();
      } catch (e) {
        caught = e;
      }
      expect(isFloeError(caught, code as Parameters<typeof isFloeError>[1]), String(caught)).toBe(true);
      for (const w of words) expect((caught as Error).message).toContain(w);
    };
    refused(() => t.changes({} as never), 'INVALID_ARGUMENT', 'fromSnapshot');
    refused(() => t.changes({ fromSnapshot: {} } as never), 'INVALID_ARGUMENT', 'fromSnapshot');
    refused(() => t.changes({ fromSnapshot: s0.snapshotId, toSnapshotId: s1.snapshotId } as never), 'INVALID_ARGUMENT', 'toSnapshotId');
    refused(() => t.changes({ fromSnapshot: s0.snapshotId, columns: 'id' } as never), 'INVALID_ARGUMENT', 'columns');
    refused(() => t.changes({ fromSnapshot: s0.snapshotId, columns: ['nope'] }), 'INVALID_ARGUMENT', 'nope');
    refused(() => t.changes({ fromSnapshot: s0.snapshotId, filter: 'id >' }), 'INVALID_ARGUMENT');
    refused(() => t.changes({ fromSnapshot: 123 }), 'SNAPSHOT_NOT_FOUND', '123');
    refused(() => t.changes({ fromSnapshot: s0.snapshotId, toSnapshot: '456' }), 'SNAPSHOT_NOT_FOUND', '456');
    // Not an ancestor: later → earlier, and a snapshot of another branch.
    refused(() => t.changes({ fromSnapshot: s1.snapshotId, toSnapshot: s0.snapshotId }), 'INVALID_ARGUMENT', String(s1.snapshotId), 'not an ancestor');
    const side = await t.append(rowsOf([3], 'b'), { branch: 'side' });
    refused(() => t.changes({ fromSnapshot: side.snapshotId, toSnapshot: s1.snapshotId }), 'INVALID_ARGUMENT', String(side.snapshotId));
    expect(t.currentSnapshot()?.snapshotId).toBe(before.snapshot);
    expect(await rowsAt(t, s1.snapshotId)).toEqual(before.rows);
    // Expired: the snapshot is gone from the metadata.
    await t.removeRef('side');
    const s2 = await t.append(rowsOf([4], 'a'));
    await t.expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1 });
    refused(() => t.changes({ fromSnapshot: s0.snapshotId, toSnapshot: s2.snapshotId }), 'SNAPSHOT_NOT_FOUND', String(s0.snapshotId));
  });
});

describe('changes of merge-on-read deletes (a table Iceberg Java wrote)', () => {
  const BUNNIES = path.resolve(__dirname, '../fixtures/iceberg/java_bunnies');

  it('position deletes delete their rows; an equality delete plus an added row is an upsert', async () => {
    const uri = pathToFileURL(BUNNIES).href;
    const t = await Table.load(uri, { remap: { 's3a://hyperparam-iceberg/java/bunnies': uri } });
    const [s0, s1, s2] = t.snapshots();
    expect([s0, s1, s2].map((s) => s!.summary.operation)).toEqual(['append', 'delete', 'overwrite']);
    const key = (r: Record<string, unknown>): string => JSON.stringify(r, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    // The current schema added a column after these snapshots: compare the columns they had.
    const columns = t.scan({ snapshotId: s0!.snapshotId }).schema.fields.map((f) => f.name);
    expect(t.schema().fields.length).toBeGreaterThan(columns.length);
    const scanRows = async (s: Snapshot): Promise<Map<string, number>> => {
      const m = new Map<string, number>();
      for (const r of (await t.scan({ snapshotId: s.snapshotId, columns }).toArrow()).toArray()) m.set(key(r.toJSON()), (m.get(key(r.toJSON())) ?? 0) + 1);
      return m;
    };
    const [r0, r1, r2] = await Promise.all([s0!, s1!, s2!].map(scanRows));
    const changes = (await t.changes({ fromSnapshot: s0!.snapshotId, columns }).toArrow()).toArray().map((r) => {
      const { [CHANGE_TYPE_COLUMN]: type, [CHANGE_ORDINAL_COLUMN]: ordinal, [COMMIT_SNAPSHOT_ID_COLUMN]: id, [COMMIT_SEQUENCE_NUMBER_COLUMN]: _seq, ...row } = r.toJSON();
      return { type: type as string, ordinal: ordinal as number, id: id as bigint, row: key(row) };
    });
    const bySnapshot = (s: Snapshot, type: string): number => changes.filter((c) => c.id === s.snapshotId && c.type === type).length;
    expect(bySnapshot(s1!, 'delete')).toBe(Number(s1!.summary['added-position-deletes'])); // 6 rows deleted by position
    expect(bySnapshot(s1!, 'insert')).toBe(0);
    expect(bySnapshot(s2!, 'insert')).toBe(1);
    expect(bySnapshot(s2!, 'delete')).toBeGreaterThan(0);
    const apply = (base: Map<string, number>, ordinal: number): Map<string, number> => {
      const m = new Map(base);
      for (const c of changes.filter((x) => x.ordinal === ordinal)) {
        const n = m.get(c.row) ?? 0;
        if (c.type === 'delete') expect(n).toBeGreaterThan(0);
        m.set(c.row, c.type === 'delete' ? n - 1 : n + 1);
      }
      return m;
    };
    const sortedRows = (m: Map<string, number>): [string, number][] => sorted(m);
    expect(sortedRows(apply(r0!, 0))).toEqual(sortedRows(r1!));
    expect(sortedRows(apply(apply(r0!, 0), 1))).toEqual(sortedRows(r2!));
  });
});
