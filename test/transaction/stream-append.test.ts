/**
 * Streamed appends that commit as they go and exactly-once streams keyed by source positions
 * (spec/streaming.md), on memory, local-fs and the S3 server: commit sizing by rows, bytes and an
 * injected clock; positions recorded in the summary and read back; replays skipped; a stale
 * second writer of the same source dropping what the first committed; bad input refused with
 * the table unchanged.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Table, type Warehouse } from 'floe';
import { cleanupBackends, featureBackends, restBackends } from '../features/backends.js';

afterAll(cleanupBackends);

const SCHEMA = { pos: 'long not null', k: 'int not null' } as const;

/** `n` rows of batch `pos`: (pos, 0) … (pos, n-1). */
function rowsOf(pos: number, n: number): arrow.Table {
  return arrow.tableFromArrays({ pos: BigInt64Array.from({ length: n }, () => BigInt(pos)), k: Int32Array.from({ length: n }, (_, i) => i) });
}

function* positioned(from: number, to: number, n = 3): Generator<{ data: arrow.Table; position: number }> {
  for (let p = from; p < to; p++) yield { data: rowsOf(p, n), position: p };
}

/** The table's rows as `pos:k` strings, sorted. */
async function rowKeys(t: Table): Promise<string[]> {
  const data = await t.scan().toArrow();
  const pos = data.getChild('pos')!.toArray() as BigInt64Array;
  const k = data.getChild('k')!.toArray() as Int32Array;
  return Array.from(pos, (p, i) => `${p}:${k[i]}`).sort();
}

function expectedKeys(from: number, to: number, n = 3): string[] {
  const out: string[] = [];
  for (let p = from; p < to; p++) for (let i = 0; i < n; i++) out.push(`${p}:${i}`);
  return out.sort();
}

async function dataFileCount(t: Table): Promise<number> {
  let n = 0;
  for await (const o of t.context().store.list('data/')) if (o.path.endsWith('.parquet')) n += 1;
  return n;
}

/** A clock the test moves by hand. */
function manualClock(start = 1_800_000_000_000): { nowMs(): number; advance(ms: number): void } {
  let now = start;
  return { nowMs: () => now, advance: (ms) => void (now += ms) };
}

describe.each(featureBackends)('appendStream on $label', (backend) => {
  let wh: Warehouse;
  let n = 0;
  const fresh = async (): Promise<Table> => {
    wh ??= await backend.open();
    if (n === 0) await wh.createNamespace('s');
    return wh.createTable(`s.t${++n}`, SCHEMA);
  };

  it('commits every N rows, with the remainder at the end', async () => {
    const t = await fresh();
    const commits: number[] = [];
    const last = await t.appendStream(
      (function* () {
        for (let p = 0; p < 10; p++) yield rowsOf(p, 3);
      })(),
      { commitEvery: { rows: 7 }, onCommit: (c) => void commits.push(c.rows) },
    );
    // 3+3+3 ≥ 7 → commit, three times; the last batch alone at the end
    expect(commits).toEqual([9, 9, 9, 3]);
    expect(t.snapshots().length).toBe(4);
    expect(last?.snapshotId).toBe(t.currentSnapshot()!.snapshotId);
    expect(await rowKeys(t)).toEqual(expectedKeys(0, 10));
  });

  it('commits every N bytes of data files', async () => {
    const t = await fresh();
    const files: number[] = [];
    await t.appendStream([rowsOf(0, 2), rowsOf(1, 2), rowsOf(2, 2), rowsOf(3, 2)], { commitEvery: { bytes: 1 }, onCommit: (c) => void files.push(c.files) });
    // any data file reaches one byte: one commit per batch
    expect(files).toEqual([1, 1, 1, 1]);
    expect(await rowKeys(t)).toEqual(expectedKeys(0, 4, 2));
  });

  it('commits every N ms by the table clock, measured from the first batch of the commit', async () => {
    const clock = manualClock();
    const t = await fresh();
    const timed = await Table.load(t.location(), { clock, ...(wh.s3Options ? { s3: wh.s3Options } : {}) });
    const commits: number[] = [];
    async function* batches(): AsyncGenerator<arrow.Table> {
      yield rowsOf(0, 1); // commit 1 starts at 0 ms
      clock.advance(400);
      yield rowsOf(1, 1); // 400 ms
      clock.advance(700);
      yield rowsOf(2, 1); // 1100 ms ≥ 1000: commit 1 = batches 0–2
      clock.advance(5_000);
      yield rowsOf(3, 1); // commit 2 starts here, whatever time passed before
      clock.advance(999);
      yield rowsOf(4, 1); // 999 ms: not yet
    }
    await timed.appendStream(batches(), { commitEvery: { ms: 1000 }, onCommit: (c) => void commits.push(c.rows) });
    expect(commits).toEqual([3, 2]);
    expect(await rowKeys(timed)).toEqual(expectedKeys(0, 5, 1));
  });

  it('records the source and positions in each summary, reads them back, and skips a replay', async () => {
    const t = await fresh();
    expect(t.committedStreamPosition('topic/0')).toBeUndefined();
    await t.appendStream(positioned(0, 10), { sourceId: 'topic/0', commitEvery: { rows: 12 } });
    const heads = t.snapshots().map((s) => [s.summary['floe.stream.source-id'], s.summary['floe.stream.first-position'], s.summary['floe.stream.position']]);
    expect(heads).toEqual([
      ['topic/0', '0', '3'],
      ['topic/0', '4', '7'],
      ['topic/0', '8', '9'],
    ]);
    // another source's commits in between do not hide this one's position
    await t.appendStream(positioned(100, 102), { sourceId: 'topic/1' });
    const reopened = await wh.loadTable(t.name);
    expect(reopened.committedStreamPosition('topic/0')).toBe(9n);
    expect(reopened.committedStreamPosition('topic/1')).toBe(101n);
    // a restarted writer replays from 5: 5–9 are skipped, 10–14 committed once
    const version = reopened.version;
    await reopened.appendStream(positioned(5, 15), { sourceId: 'topic/0' });
    expect(reopened.version).toBe(version + 1);
    expect(reopened.currentSnapshot()!.summary['floe.stream.first-position']).toBe('10');
    expect(await rowKeys(reopened)).toEqual([...expectedKeys(0, 15), ...expectedKeys(100, 102)].sort());
    // a full replay commits nothing
    expect(await reopened.appendStream(positioned(0, 15), { sourceId: 'topic/0' })).toBeUndefined();
    expect(reopened.version).toBe(version + 1);
  });

  it('a writer of the same source committing during a stream: the stream drops the positions it committed, and their files', async () => {
    const t = await fresh();
    const other = await wh.loadTable(t.name);
    async function* racing(): AsyncGenerator<{ data: arrow.Table; position: number }> {
      for (let p = 5; p < 15; p++) {
        if (p === 8) {
          // 5–7 are written already; another instance of the source commits 0–9 now
          await other.appendStream(positioned(0, 10), { sourceId: 'p' });
        }
        yield { data: rowsOf(p, 3), position: p };
      }
    }
    const commits: (bigint | undefined)[] = [];
    await t.appendStream(racing(), { sourceId: 'p', onCommit: (c) => void commits.push(c.position) });
    expect(commits).toEqual([14n]);
    expect(t.currentSnapshot()!.summary['floe.stream.first-position']).toBe('10');
    expect(await rowKeys(t)).toEqual(expectedKeys(0, 15));
    expect(t.snapshots().length).toBe(2);
    // the files of the dropped batches 5–9 were deleted: only the committed ones remain (10 + 5)
    expect(await dataFileCount(t)).toBe(15);
  });

  it('a restarted writer on a stale table object reads the committed position from the latest version', async () => {
    const t = await fresh();
    const stale = await wh.loadTable(t.name);
    await t.appendStream(positioned(0, 10), { sourceId: 'p' });
    const files = await dataFileCount(t);
    await stale.appendStream(positioned(5, 15), { sourceId: 'p' });
    expect(stale.currentSnapshot()!.summary['floe.stream.first-position']).toBe('10');
    // the commit was built on the latest version, without a conflict
    expect(stale.lastCommitStats()).toMatchObject({ attempts: 1, conflicts: 0 });
    expect(await rowKeys(stale)).toEqual(expectedKeys(0, 15));
    expect(await dataFileCount(stale)).toBe(files + 5);
  });

  it('refuses a non-iterable source, malformed batches and positions that do not grow, leaving the table unchanged', async () => {
    const t = await fresh();
    await t.appendStream(positioned(0, 2), { sourceId: 'x' });
    const version = t.version;
    const snapshotId = t.currentSnapshot()!.snapshotId;
    const files = await dataFileCount(t);
    const refused = async (source: unknown, options: object, code: string, message: RegExp): Promise<void> => {
      const e = await t.appendStream(source as never, options).then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code });
      expect((e as Error).message).toMatch(message);
      await t.refresh();
      expect(t.version).toBe(version);
      expect(t.currentSnapshot()!.snapshotId).toBe(snapshotId);
      expect(await dataFileCount(t)).toBe(files);
      expect(await rowKeys(t)).toEqual(expectedKeys(0, 2));
    };
    await refused(42, {}, 'INVALID_ARGUMENT', /source of appendStream on table s\.t\d+ is not an iterable.*got number/);
    await refused(null, { sourceId: 'x' }, 'INVALID_ARGUMENT', /not an iterable.*got null/);
    await refused([rowsOf(5, 1)], { sourceId: 'x' }, 'INVALID_ARGUMENT', /batch 0 of appendStream of source x.*expected \{ data, position \}|batch 0 .*position/);
    await refused([{ data: rowsOf(5, 1), position: -1 }], { sourceId: 'x' }, 'INVALID_ARGUMENT', /batch 0 .*at position: expected a non-negative position/);
    await refused([{ data: rowsOf(5, 1), position: 1.5 }], { sourceId: 'x' }, 'INVALID_ARGUMENT', /batch 0 .*position/);
    await refused([{ data: rowsOf(5, 1), position: 5 }, { data: rowsOf(6, 1), position: 5 }], { sourceId: 'x' }, 'INVALID_ARGUMENT', /batch 1 .*position 5, not after the previous batch's 5/);
    const wrong = arrow.tableFromArrays({ pos: BigInt64Array.from([7n]), other: Float64Array.from([1]) });
    await refused([{ data: rowsOf(5, 1), position: 5 }, { data: wrong, position: 6 }], { sourceId: 'x' }, 'SCHEMA_MISMATCH', /column 'other' is not in the table schema/);
    await refused([rowsOf(5, 1)], { commitEvery: { rows: 0 } }, 'INVALID_ARGUMENT', /commitEvery\.rows: expected a positive integer number of rows/);
    await refused([rowsOf(5, 1)], { commitEvery: null }, 'INVALID_ARGUMENT', /commitEvery/);
    await refused([rowsOf(5, 1)], { onCommit: 0 }, 'INVALID_ARGUMENT', /onCommit: expected a function/);
    await refused([rowsOf(5, 1)], { commitEvery: {} }, 'INVALID_ARGUMENT', /commitEvery: expected at least one of rows, bytes, ms/);
    await refused([rowsOf(5, 1)], { commitEvery: { row: 5 } }, 'INVALID_ARGUMENT', /commitEvery/);
    await refused([rowsOf(5, 1)], { sourceId: '' }, 'INVALID_ARGUMENT', /sourceId: a source id must not be empty/);
    await refused([rowsOf(5, 1)], { summary: { 'floe.stream.position': '99' } }, 'INVALID_ARGUMENT', /summary key floe\.stream\.position .*reserved/);
    expect(() => t.committedStreamPosition('')).toThrow(/source id of committedStreamPosition/);
  });
});

describe('appendStream on a table with constraints', () => {
  it('refuses commitEvery and sourceId (constraints hold over one commit), leaving the table unchanged', async () => {
    const wh = await featureBackends[0]!.open();
    await wh.createNamespace('c');
    const t = await wh.createTable('c.t', SCHEMA);
    await t.setConstraints([{ kind: 'not-null', column: 'k' }]);
    const version = t.version;
    await expect(t.appendStream([rowsOf(0, 1)], { commitEvery: { rows: 1 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/commitEvery on table c\.t: the table has constraints/) });
    await expect(t.appendStream(positioned(0, 1), { sourceId: 's' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(t.appendStream(7 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/source of appendStream on table c\.t is not an iterable/) });
    expect(t.version).toBe(version);
    expect(await rowKeys(t)).toEqual([]);
  });
});

describe('appendStream through the REST catalog', () => {
  it('a stale writer of the same source drops what another committed first, committing through the catalog', async () => {
    const wh = await restBackends[0]!.open();
    await wh.createNamespace('r');
    const t = await wh.createTable('r.t', SCHEMA);
    const other = await wh.loadTable('r.t');
    async function* racing(): AsyncGenerator<{ data: arrow.Table; position: number }> {
      for (let p = 5; p < 15; p++) {
        if (p === 8) await other.appendStream(positioned(0, 10), { sourceId: 'p' });
        yield { data: rowsOf(p, 3), position: p };
      }
    }
    await t.appendStream(racing(), { sourceId: 'p' });
    expect(t.currentSnapshot()!.summary['floe.stream.first-position']).toBe('10');
    expect(await rowKeys(t)).toEqual(expectedKeys(0, 15));
    expect(t.snapshots().length).toBe(2);
  });
});
