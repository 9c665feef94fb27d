/**
 * Retries rebuild only what they must (spec/commit-protocol.md §C6) and commit times stay
 * monotonic per table when a writer's clock is behind (§C8).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, Warehouse, instrumented, isFloeError } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

describe('retries', () => {
  it('a retried append writes its data file and manifest once; only the manifest list and metadata are rebuilt', async () => {
    const inner = new MemoryStore();
    const seed = await Warehouse.open('memory://retry', { store: inner });
    await seed.createNamespace('r');
    await seed.createTable('r.t', TABLE_SCHEMA);
    const counted = instrumented(inner);
    const stale = await (await Warehouse.open('memory://retry', { store: counted })).loadTable('r.t');
    await (await seed.loadTable('r.t')).append(rows(1, 0, 2)); // takes version 2 first
    counted.reset();
    await stale.append(rows(0, 0, 2));
    expect(stale.lastCommitStats()).toEqual({ attempts: 2, conflicts: 1, unknownOutcomes: 0 });
    const puts = counted.snapshot().events.filter((e) => e.op === 'put').map((e) => e.path);
    expect(puts.filter((p) => p.endsWith('.parquet')).length).toBe(1);
    expect(puts.filter((p) => /\/[0-9a-f-]{36}-m0\.avro$/.test(p)).length).toBe(1);
    expect(puts.filter((p) => /\/snap-\d+-[12]-/.test(p)).length).toBe(2); // one manifest list per attempt
    expect(puts.filter((p) => /v\d+\.metadata\.json$/.test(p))).toEqual(['r/t/metadata/v2.metadata.json', 'r/t/metadata/v3.metadata.json']);
    const t = await seed.loadTable('r.t');
    expect((await t.scan().toArrow()).numRows).toBe(4);
  });

  it('a conflict that cannot be re-applied names the conflicting snapshot and the reason', async () => {
    const wh = await Warehouse.open('memory://retry-conflict');
    await wh.createNamespace('r');
    const t = await wh.createTable('r.t', TABLE_SCHEMA, { partitionBy: 'cat' });
    await t.append(rows(0, 0, 4, 'a'));
    const a = await wh.loadTable('r.t');
    const b = await wh.loadTable('r.t');
    const winner = await b.delete("cat = 'a'");
    const e = await a.delete("cat = 'a'").catch((x: unknown) => x);
    expect(isFloeError(e, 'COMMIT_CONFLICT')).toBe(true);
    expect(String((e as Error).message)).toContain(String(winner.snapshotId));
    expect(String((e as Error).message)).toMatch(/deleted or rewrote .*\.parquet/);
    expect((e as { context: Record<string, unknown> }).context['conflictingSnapshotId']).toBe(String(winner.snapshotId));
  });

  it('CommitRetriesExhaustedError when the budget is spent', async () => {
    const wh = await Warehouse.open('memory://retry-budget');
    await wh.createNamespace('r');
    const t = await wh.createTable('r.t', TABLE_SCHEMA, { properties: { 'commit.retry.num-retries': '0' } });
    const stale = await wh.loadTable('r.t');
    await t.append(rows(1, 0, 1));
    const e = await stale.append(rows(0, 0, 1)).catch((x: unknown) => x);
    expect(isFloeError(e, 'COMMIT_RETRIES_EXHAUSTED')).toBe(true);
    expect((await wh.loadTable('r.t')).snapshots().length).toBe(1);
  });
});

describe('commit time', () => {
  it('stays monotonic per table when a writer clock is an hour behind', async () => {
    const now = Date.UTC(2026, 10, 21, 12);
    const wh = await Warehouse.open('memory://clock', { clock: { nowMs: () => now } });
    await wh.createNamespace('c');
    const t = await wh.createTable('c.t', TABLE_SCHEMA);
    const first = await t.append(rows(0, 0, 1));
    const behind = await Warehouse.open('memory://clock', { clock: { nowMs: () => now - 3_600_000 } });
    const late = await (await behind.loadTable('c.t')).append(rows(1, 0, 1));
    expect(first.timestampMs).toBe(now + 1); // one past the table's creation time, taken from the same clock
    expect(late.timestampMs).toBeGreaterThan(first.timestampMs);
    const meta = (await wh.loadTable('c.t')).metadata();
    expect(meta.lastUpdatedMs).toBeGreaterThanOrEqual(late.timestampMs);
    const log = meta.snapshotLog.map((e) => e.timestampMs);
    expect([...log].sort((x, y) => x - y)).toEqual(log);
  });
});
