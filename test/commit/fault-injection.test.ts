/**
 * Failures injected at each request of a commit (spec/commit-protocol.md §C4, §C5): before the
 * commit point (data file, manifest, manifest list), at it (metadata create failing, or landing
 * with its response lost) and after it (version hint). Afterwards the table opens, reads its last
 * committed snapshot, holds the commit exactly once or not at all, and a retry by the same
 * caller never duplicates data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FaultRule, LocalFsStore, MemoryStore, type ObjectStore, Warehouse, faulty, isFloeError } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';
import { createTestBucket, s3Label } from '../support/s3-endpoint.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** The backends the faults are injected on: a fresh, empty root store each time. */
const BACKENDS: { label: string; open: () => Promise<{ store: ObjectStore; uri: string }> }[] = [
  { label: 'memory', open: async () => ({ store: new MemoryStore(), uri: 'memory://faults' }) },
  {
    label: 'local-fs',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'floe-faults-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return { store: new LocalFsStore({ root: dir }), uri: `file://${dir}` };
    },
  },
  {
    label: s3Label(),
    open: async () => {
      const b = await createTestBucket();
      cleanups.push(() => b.cleanup());
      return { store: b.store, uri: `s3://${b.bucket}` };
    },
  },
];

/** The puts of one unpartitioned append, in order, and what a failure there means. */
const PUTS: readonly { name: string; pathIncludes: string; mode: 'create' | 'overwrite'; committed: boolean }[] = [
  { name: 'data file', pathIncludes: '.parquet', mode: 'create', committed: false },
  { name: 'manifest', pathIncludes: '-m0.avro', mode: 'create', committed: false },
  { name: 'manifest list', pathIncludes: 'snap-', mode: 'create', committed: false },
  { name: 'metadata create (the commit point)', pathIncludes: 'v3.metadata.json', mode: 'create', committed: false },
  { name: 'version hint', pathIncludes: 'version-hint.text', mode: 'overwrite', committed: true },
];

async function seeded(open: () => Promise<{ store: ObjectStore; uri: string }>): Promise<{ inner: ObjectStore; uri: string }> {
  const { store: inner, uri } = await open();
  const wh = await Warehouse.open(uri, { store: inner });
  await wh.createNamespace('f');
  const t = await wh.createTable('f.t', TABLE_SCHEMA);
  await t.append(rows(0, 0, 5)); // version 2
  return { inner, uri };
}

async function rowCount(inner: ObjectStore, uri: string): Promise<{ rows: number; snapshots: number }> {
  const t = await (await Warehouse.open(uri, { store: inner })).loadTable('f.t');
  return { rows: (await t.scan().toArrow()).numRows, snapshots: t.snapshots().length };
}

describe.each(BACKENDS)('fault injection at each request of an append: $label', ({ open }) => {
  it.each(PUTS)('a failed $name leaves the table readable, the commit there once or not at all, and a retry does not duplicate', async (put) => {
    const { inner, uri } = await seeded(open);
    const rule: FaultRule = { op: 'put', nth: 1, action: 'fail', pathIncludes: put.pathIncludes, putMode: put.mode };
    const store = faulty(inner, [rule]);
    const t = await (await Warehouse.open(uri, { store })).loadTable('f.t');
    const outcome = await t.append(rows(1, 0, 3)).then(
      () => 'ok',
      (e: unknown) => e,
    );
    expect(store.firedCounts()).toEqual([1]);
    const after = await rowCount(inner, uri);
    if (put.committed) {
      expect(outcome).toBe('ok');
      expect(after).toEqual({ rows: 8, snapshots: 2 });
      return;
    }
    expect(isFloeError(outcome, 'STORE_ERROR'), String(outcome)).toBe(true);
    expect(after).toEqual({ rows: 5, snapshots: 1 });
    // the same caller retries: the data lands exactly once
    await t.append(rows(1, 0, 3));
    expect(await rowCount(inner, uri)).toEqual({ rows: 8, snapshots: 2 });
  });

  it('a metadata create that lands but loses its response is settled as committed, exactly once', async () => {
    const { inner, uri } = await seeded(open);
    const store = faulty(inner, [{ op: 'put', nth: 1, action: 'drop-response', pathIncludes: 'metadata.json', putMode: 'create' }]);
    const t = await (await Warehouse.open(uri, { store })).loadTable('f.t');
    const snap = await t.append(rows(1, 0, 3));
    expect(store.firedCounts()).toEqual([1]);
    expect(t.lastCommitStats()?.unknownOutcomes).toBe(0); // settled by reading back, no retry needed
    expect(t.currentSnapshot()?.snapshotId).toBe(snap.snapshotId);
    expect(await rowCount(inner, uri)).toEqual({ rows: 8, snapshots: 2 });
  });

  it('a metadata create that fails with an unknown outcome and did not land is retried once, never duplicated', async () => {
    const { inner, uri } = await seeded(open);
    const { OutcomeUnknownError } = await import('floe');
    const store = faulty(inner, [{ op: 'put', nth: 1, action: 'fail', pathIncludes: 'metadata.json', putMode: 'create', error: (p) => new OutcomeUnknownError(p) }]);
    const t = await (await Warehouse.open(uri, { store })).loadTable('f.t');
    await t.append(rows(1, 0, 3));
    expect(t.lastCommitStats()?.unknownOutcomes).toBe(1);
    expect(await rowCount(inner, uri)).toEqual({ rows: 8, snapshots: 2 });
  });
});
