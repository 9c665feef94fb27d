/**
 * The commit suite can fail: over a store whose `create` silently overwrites
 * (`ignoringConditions`), concurrent appends lose commits, and the same history check that the
 * conformance suite applies reports it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, Warehouse, ignoringConditions } from 'floe';
import { TABLE_SCHEMA, checkAppendHistory, inProcessWriter, rows } from '../conformance/commit.suite.js';

describe('a broken commit point is caught', () => {
  it('two writers from one base: the second create overwrites the first commit, which the check reports lost', async () => {
    const wh = await Warehouse.open('memory://broken-1', { store: ignoringConditions(new MemoryStore()) });
    await wh.createNamespace('c');
    await wh.createTable('c.appends', TABLE_SCHEMA);
    const a = await wh.loadTable('c.appends');
    const b = await wh.loadTable('c.appends');
    const first = await b.append(rows(1, 0, 2));
    const second = await a.append(rows(0, 0, 2)); // "creates" v2 again: b's commit is gone
    const problems = await checkAppendHistory(await wh.loadTable('c.appends'), [first.snapshotId.toString(), second.snapshotId.toString()], 2, 1, 2);
    expect(problems).toContain('1 acknowledged snapshots are not in the history (lost commits)');
    expect(problems).toContain('2 appended rows are missing');
  });

  it('the W×N append race over the broken store fails the suite check', async () => {
    const wh = await Warehouse.open('memory://broken-2', { store: ignoringConditions(new MemoryStore()) });
    await wh.createNamespace('c');
    await wh.createTable('c.appends', TABLE_SCHEMA);
    const reports = await Promise.all(Array.from({ length: 4 }, (_, w) => inProcessWriter(wh, 'c.appends', w, 5, 2)));
    const problems = await checkAppendHistory(await wh.loadTable('c.appends'), reports.flatMap((r) => r.acknowledged), 4, 5, 2);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.includes('lost commits'))).toBe(true);
  });

  it('the same race over a correct store passes the check (the control)', async () => {
    const wh = await Warehouse.open('memory://control', { store: new MemoryStore() });
    await wh.createNamespace('c');
    await wh.createTable('c.appends', TABLE_SCHEMA);
    const reports = await Promise.all(Array.from({ length: 4 }, (_, w) => inProcessWriter(wh, 'c.appends', w, 5, 2)));
    expect(await checkAppendHistory(await wh.loadTable('c.appends'), reports.flatMap((r) => r.acknowledged), 4, 5, 2)).toEqual([]);
  });
});
