/**
 * `floe history`: `current` marks only the snapshot the table reads now (`ancestor` the ones it
 * was built on), and `--branch NAME` walks a branch from its head.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runFloe } from './in-process.js';
import { tempDir, writeInput } from './support.js';

const root = tempDir();
const uri = `memory://cli-history-${process.pid}`;
const floe = (...args: string[]): ReturnType<typeof runFloe> => runFloe(['--warehouse', uri, ...args]);

interface Entry {
  readonly snapshotId: string;
  readonly isCurrent: boolean;
  readonly isCurrentAncestor: boolean;
  readonly addedRecords: number;
}

async function history(...args: string[]): Promise<Entry[]> {
  const r = await floe('--json', 'history', ...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Entry[];
}

/** The `current` and `ancestor` cells of each row of the people's history. */
function marks(text: string): string[] {
  const [header, , ...rows] = text.trimEnd().split('\n');
  const at = (name: string): number => header!.search(new RegExp(`\\b${name}\\b`));
  return rows.map((r) => `${r.slice(at('current'), at('ancestor')).trim()}/${r.slice(at('ancestor'), at('refs')).trim()}`);
}

let ids: string[] = [];

beforeAll(async () => {
  expect((await floe('create', 'ml.h', '--schema', '{"id":"long","n":"int"}')).code).toBe(0);
  for (const [i, rows] of ['1,1', '2,2\n3,3', '4,4'].entries()) {
    const r = await floe('append', 'ml.h', writeInput(root, `h${i}.csv`, `id,n\n${rows}\n`));
    expect(r.code, r.stderr).toBe(0);
  }
  ids = (await history('ml.h')).map((e) => e.snapshotId);
});

describe('floe history', () => {
  it('marks only the current snapshot as current; every one as an ancestor', async () => {
    const h = await history('ml.h');
    expect(h.map((e) => [e.isCurrent, e.isCurrentAncestor, e.addedRecords])).toEqual([
      [false, true, 1],
      [false, true, 2],
      [true, true, 1],
    ]);
    const text = (await floe('history', 'ml.h')).stdout;
    expect(text).toMatch(/^made_current_at\s+snapshot_id\s+parent_id\s+operation\s+added_rows\s+total_rows\s+current\s+ancestor\s+refs\n/);
    expect(marks(text)).toEqual(['no/yes', 'no/yes', 'yes/yes']);
  });

  it('after a rollback: the snapshot rolled back to is current (its latest entry only), those rolled past are not ancestors', async () => {
    expect((await floe('rollback', 'ml.h', ids[0]!)).code).toBe(0);
    const h = await history('ml.h');
    expect(h.map((e) => [e.snapshotId, e.isCurrent, e.isCurrentAncestor])).toEqual([
      [ids[0], false, true],
      [ids[1], false, false],
      [ids[2], false, false],
      [ids[0], true, true],
    ]);
    expect(marks((await floe('history', 'ml.h')).stdout)).toEqual(['no/yes', 'no/no', 'no/no', 'yes/yes']);
    expect((await floe('rollback', 'ml.h', ids[2]!)).code).toBe(0);
  });

  it('--branch NAME lists the branch head and its ancestors, oldest first', async () => {
    expect((await floe('branch', 'ml.h', 'exp', '--snapshot', ids[1]!)).code).toBe(0);
    expect((await floe('append', 'ml.h', writeInput(root, 'exp.csv', 'id,n\n9,9\n'), '--branch', 'exp')).code).toBe(0);
    const exp = await history('ml.h', '--branch', 'exp');
    expect(exp.map((e) => e.snapshotId).slice(0, 2)).toEqual([ids[0], ids[1]]);
    expect(exp).toHaveLength(3);
    expect(exp.map((e) => [e.isCurrent, e.isCurrentAncestor])).toEqual([
      [false, true],
      [false, true],
      [true, true],
    ]);
    const head = exp[2]!.snapshotId;
    expect((await history('ml.h')).map((e) => e.snapshotId)).not.toContain(head);
    expect((await history('ml.h', '--branch', 'main')).map((e) => e.snapshotId)).toEqual(ids);
  });

  it('--branch of a tag or of nothing exits 1', async () => {
    expect((await floe('tag', 'ml.h', 'v1')).code).toBe(0);
    for (const name of ['v1', 'nope']) {
      const r = await floe('history', 'ml.h', '--branch', name);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`floe: error: ref not found: ${name}`);
    }
  });
});
