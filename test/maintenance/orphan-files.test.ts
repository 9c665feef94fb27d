/**
 * Orphan-file cleanup (spec/maintenance.md): only files no reachable metadata version
 * references and older than the cut-off are deleted, a dry run deletes nothing, and a writer
 * paused between staging its files and its commit point can never commit a file cleanup
 * deleted — on memory, a local folder and the run's S3 server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type ObjectStore, Table, type Warehouse, openLocation } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { gatedStore } from './support.js';

afterAll(cleanupBackends);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A clock the test moves by hand, starting at the real time (stores stamp files with it). */
function manualClock(): { nowMs(): number; advance(ms: number): void } {
  let offset = 0;
  return { nowMs: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

async function keys(store: ObjectStore, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const m of store.list(prefix)) out.push(m.path);
  return out.sort();
}

interface Fixture {
  readonly wh: Warehouse;
  readonly uri: string;
  readonly s3: Warehouse['s3Options'];
  readonly store: ObjectStore;
  readonly clock: ReturnType<typeof manualClock>;
  /** A fresh handle on the table with the manual clock (and another store, if given). */
  load(store?: ObjectStore): Promise<Table>;
}

async function fixture(open: () => Promise<Warehouse>, name: string): Promise<Fixture> {
  const wh = await open();
  await wh.createNamespace('m');
  const t = await wh.createTable(`m.${name}`, TABLE_SCHEMA);
  await t.append(rows(0, 0, 5));
  const s3 = wh.s3Options;
  const store = openLocation(t.uri, s3 ? { s3 } : {}).store;
  const clock = manualClock();
  const load = (other?: ObjectStore): Promise<Table> => Table.load(t.uri, { clock, ...(s3 ? { s3 } : {}), ...(other ? { store: other } : {}) });
  return { wh, uri: t.uri, s3, store, clock, load };
}

/**
 * A writer appending 7 rows, paused once its data file and manifest are written (before its
 * manifest list and commit point), and a cleaner on the same table; `writing` settles to
 * 'committed' or the writer's error.
 */
async function pausedWriter(f: Fixture): Promise<{ gate: ReturnType<typeof gatedStore>; cleaner: Table; writing: Promise<unknown> }> {
  const gate = gatedStore(f.store, (p) => p.startsWith('metadata/snap-'));
  const writer = await f.load(gate.store);
  const cleaner = await f.load();
  const writing = writer.append(rows(1, 0, 7)).then(() => 'committed', (e: unknown) => e);
  await gate.paused;
  return { gate, cleaner, writing };
}

/** Every file the table's snapshots reference can be read, and the current rows are `expected`. */
async function expectIntact(t: Table, expected: number): Promise<void> {
  await t.refresh();
  expect((await t.scan().toArrow()).numRows).toBe(expected);
  for (const s of t.snapshots()) await t.scan({ snapshotId: s.snapshotId }).toArrow();
}

describe.each(featureBackends)('removeOrphanFiles on $label', (backend) => {
  it('deletes only unreferenced files older than the cut-off; a dry run only lists them; metadata files stay', async () => {
    const f = await fixture(() => backend.open(), 'orphans');
    const crashed = ['data/crashed-0001.parquet', 'metadata/3c1d3e8e-crashed-m0.avro', 'metadata/snap-1-1-crashed.avro'];
    for (const k of crashed) await f.store.put(k, new Uint8Array([1, 2, 3]));
    // never deleted: a metadata file of any spelling (here a file-system commit's temporary) and hidden files
    const kept = ['metadata/5b0c8f0e-9d1a-4d5e-8f77-2b7c1d9e4a10.metadata.json', 'data/.hidden', 'data/_SUCCESS'];
    for (const k of kept) await f.store.put(k, new Uint8Array([4]));
    const before = await keys(f.store);
    const t = await f.load();
    f.clock.advance(4 * DAY);

    const dry = await t.removeOrphanFiles({ dryRun: true });
    expect(dry.orphanFiles.map((o) => o.path)).toEqual([...crashed].sort());
    expect(dry.deletedFiles).toBe(0);
    expect(dry.dryRun).toBe(true);
    expect(await keys(f.store)).toEqual(before);

    const done = await t.removeOrphanFiles();
    expect(done.deletedFiles).toBe(3);
    expect(done.failedPaths).toEqual([]);
    expect(await keys(f.store)).toEqual(before.filter((k) => !crashed.includes(k)));
    await expectIntact(t, 5);
    expect((await t.removeOrphanFiles({ dryRun: true })).orphanFiles).toEqual([]);
  });

  it('refuses a cut-off less than 24 hours ago or a malformed option, naming it, and deletes nothing', async () => {
    const f = await fixture(() => backend.open(), 'badopts');
    await f.store.put('data/crashed.parquet', new Uint8Array([1]));
    const before = await keys(f.store);
    const t = await f.load();
    const version = t.version;
    const now = f.clock.nowMs();
    for (const bad of [{ olderThanMs: now - HOUR }, { olderThanMs: Number.NaN }, { olderThanMs: '3d' }, { dryrun: true }, { dryRun: 'yes' }]) {
      const e = await t.removeOrphanFiles(bad as never).then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(String((e as Error).message)).toMatch(/olderThanMs|dryrun|dryRun/);
    }
    expect(await keys(f.store)).toEqual(before);
    await t.refresh();
    expect(t.version).toBe(version);
    await expectIntact(t, 5);
    // a table whose files may be shared (Java's gc.enabled=false) is refused too
    await t.setProperties({ 'gc.enabled': 'false' });
    f.clock.advance(4 * DAY);
    await expect(t.removeOrphanFiles()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('gc.enabled') });
    expect(await keys(f.store)).toContain('data/crashed.parquet');
  });

  it('never lets a writer commit a file it deleted: a writer paused before its commit point past the window is refused', async () => {
    const f = await fixture(() => backend.open(), 'race-old');
    const { gate, cleaner, writing } = await pausedWriter(f);
    const staged = (await keys(f.store)).filter((k) => !k.endsWith('.metadata.json') && !k.endsWith('version-hint.text'));

    // Four days pass with the writer stuck: its files are old enough for the default cut-off.
    f.clock.advance(4 * DAY);
    const cleaned = await cleaner.removeOrphanFiles();
    const stagedByWriter = cleaned.orphanFiles.map((o) => o.path);
    expect(stagedByWriter.length).toBe(2); // its data file and its manifest
    expect(stagedByWriter.every((p) => staged.includes(p))).toBe(true);

    gate.release();
    const outcome = await writing;
    expect(outcome).toMatchObject({ code: 'COMMIT_RETRIES_EXHAUSTED' });
    expect(String((outcome as Error).message)).toMatch(/staged .* ago/);
    // the table holds what was committed, and every file it references is there
    const reader = await f.load();
    expect(reader.snapshots().length).toBe(1);
    await expectIntact(reader, 5);
  });

  it('keeps the files of a writer still inside the window, which then commits', async () => {
    const f = await fixture(() => backend.open(), 'race-young');
    const { gate, cleaner, writing } = await pausedWriter(f);
    // Eleven hours pass: the earliest cut-off cleanup accepts is 24 hours ago, before the files.
    f.clock.advance(11 * HOUR);
    const cleaned = await cleaner.removeOrphanFiles({ olderThanMs: f.clock.nowMs() - DAY });
    expect(cleaned.orphanFiles).toEqual([]);
    gate.release();
    expect(await writing).toBe('committed');
    await expectIntact(await f.load(), 12);
  });

  it('keeps what a metadata version still in the metadata log references, and removes it once the log drops that version', async () => {
    const f = await fixture(() => backend.open(), 'log');
    const t = await f.load();
    await t.append(rows(1, 0, 2));
    const first = t.snapshots()[0]!.snapshotId;
    // expire the first snapshot without deleting its files: only older metadata versions reference them
    f.clock.advance(4 * DAY);
    await t.expireSnapshots({ olderThanMs: f.clock.nowMs(), cleanFiles: false });
    expect(t.snapshots().map((s) => s.snapshotId)).not.toContain(first);
    expect((await t.removeOrphanFiles({ dryRun: true })).orphanFiles).toEqual([]);
    // once the log keeps one entry, the versions that referenced the first snapshot are unreachable
    await t.setProperties({ 'write.metadata.previous-versions-max': '1' });
    await t.setProperties({ note: 'x' });
    const orphans = (await t.removeOrphanFiles({ dryRun: true })).orphanFiles.map((o) => o.path);
    expect(orphans.length).toBe(1); // the first snapshot's manifest list (its data file is still live)
    expect(orphans[0]).toMatch(/^metadata\/snap-/);
    await t.removeOrphanFiles();
    await expectIntact(t, 7);
  });
});
