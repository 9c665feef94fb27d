/**
 * Position deletes at scale and at the edge of int64: a file with hundreds of thousands of
 * deleted positions still scans (they were once spread into one call's arguments, a RangeError
 * that made the whole table unreadable after a large merge-on-read delete), and a position past
 * 2^32 deletes nothing in a small file (32-bit positions would wrap 2^32 + 5 onto row 5).
 */
import { describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { commitPositionDeletes } from '../support/position-deletes.js';

async function ids(t: { scan(): { toArrow(): Promise<{ getChild(name: string): { toArray(): unknown } | null }> } }): Promise<number[]> {
  const column = (await t.scan().toArrow()).getChild('id')!.toArray() as BigInt64Array;
  return [...column].map(Number).sort((a, b) => a - b);
}

describe('position deletes', () => {
  it('a merge-on-read delete of 250,000 rows of one file leaves the rest readable', async () => {
    const wh = await Warehouse.open('memory://large-deletes-a');
    await wh.createNamespace('p');
    const t = await wh.createTable('p.t', { id: 'long not null' }, { properties: { 'write.delete.mode': 'merge-on-read' } });
    await t.append(Array.from({ length: 400_000 }, (_, i) => ({ id: i })));
    await t.delete('id >= 100000 AND id < 350000');
    expect(t.currentSnapshot()!.summary['added-position-deletes']).toBe('250000');
    const left = await ids(t);
    expect(left).toHaveLength(150_000);
    expect(left.slice(99_998, 100_002)).toEqual([99_998, 99_999, 350_000, 350_001]);
  });

  it('a position past 2^32 deletes no row of a small file', async () => {
    const wh = await Warehouse.open('memory://large-deletes-b');
    await wh.createNamespace('p');
    const t = await wh.createTable('p.t', { id: 'long not null' });
    await t.append(Array.from({ length: 10 }, (_, i) => ({ id: i })));
    const [task] = (await t.scan().planFiles()).tasks;
    await commitPositionDeletes(t, task!.file.filePath, [2 ** 32 + 5, 2 ** 31 + 1, 7]);
    expect(await ids(t)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
  });
});
