/**
 * `floe changes`: the changelog of spec/changelog.md as JSON lines (64-bit values as strings),
 * as the aligned table, capped by --limit, and refusals with exit code 1 naming what is wrong.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Snapshot, Warehouse } from 'floe';
import { runFloe } from './in-process.js';

const uri = `memory://cli-changes-${process.pid}`;
const floe = (...args: string[]): ReturnType<typeof runFloe> => runFloe(['--warehouse', uri, ...args]);

let s: Snapshot[] = [];

beforeAll(async () => {
  expect((await floe('create', 'ml.c', '--schema', '{"id":"long not null","v":"string"}')).code).toBe(0);
  const wh = await Warehouse.open(uri);
  const t = await wh.loadTable('ml.c');
  s = [
    await t.append([{ id: 1n, v: 'a' }, { id: 2n, v: 'b' }, { id: 3n, v: 'c' }]),
    await t.delete('id = 2'),
    await t.upsert([{ id: 3n, v: 'C' }, { id: 4n, v: 'd' }], { on: 'id' }),
  ];
});

describe('floe changes', () => {
  it('prints each change as a JSON line with its type, ordinal and snapshot', async () => {
    const r = await floe('--json', 'changes', 'ml.c', '--from', String(s[0]!.snapshotId));
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      { id: '2', v: 'b', _change_type: 'delete', _change_ordinal: 0, _commit_snapshot_id: String(s[1]!.snapshotId), _commit_sequence_number: '2' },
      { id: '3', v: 'c', _change_type: 'delete', _change_ordinal: 1, _commit_snapshot_id: String(s[2]!.snapshotId), _commit_sequence_number: '3' },
      { id: '3', v: 'C', _change_type: 'insert', _change_ordinal: 1, _commit_snapshot_id: String(s[2]!.snapshotId), _commit_sequence_number: '3' },
      { id: '4', v: 'd', _change_type: 'insert', _change_ordinal: 1, _commit_snapshot_id: String(s[2]!.snapshotId), _commit_sequence_number: '3' },
    ]);
    const limited = await floe('--json', 'changes', 'ml.c', '--from', String(s[0]!.snapshotId), '--limit', '2', '--columns', 'v');
    expect(limited.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { v: string }).v)).toEqual(['b', 'c']);
    const upTo = await floe('--json', 'changes', 'ml.c', '--from', String(s[0]!.snapshotId), '--to', String(s[1]!.snapshotId));
    expect(upTo.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints an aligned table for people', async () => {
    const r = await floe('changes', 'ml.c', '--from', String(s[1]!.snapshotId), '--filter', 'id = 4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/_change_type/);
    expect(r.stdout).toMatch(/\binsert\b/);
    expect(r.stdout).toContain('(1 row)');
  });

  it('refuses a missing --from, an unknown snapshot and a non-ancestor with exit code 1', async () => {
    const missing = await floe('changes', 'ml.c');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--from');
    const unknown = await floe('--json', 'changes', 'ml.c', '--from', '42');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr).error.code).toBe('SNAPSHOT_NOT_FOUND');
    expect(unknown.stderr).toContain('42');
    const backwards = await floe('changes', 'ml.c', '--from', String(s[2]!.snapshotId), '--to', String(s[0]!.snapshotId));
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toContain('not an ancestor');
    const binary = await floe('changes', 'ml.c', '--from', String(s[0]!.snapshotId), '--format', 'parquet');
    expect(binary.code).toBe(1);
  });
});
