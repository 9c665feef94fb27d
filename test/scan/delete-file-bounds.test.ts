/**
 * Planning matches a position delete file only to the data files it can hold positions of: those
 * inside its `file_path` bounds (Iceberg Java's DeleteFileIndex prunes the same way), so a
 * merge-on-read delete of rows in one file does not make a scan read every file of the partition
 * with it.
 */
import { describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';

const MOR = { 'write.delete.mode': 'merge-on-read' };

describe('position delete files in planning', () => {
  it('apply only to the data files inside their file_path bounds', async () => {
    const wh = await Warehouse.open('memory://');
    await wh.createNamespace('p');
    const t = await wh.createTable('p.t', { id: 'long not null' }, { properties: MOR });
    for (let f = 0; f < 4; f++) await t.append(Array.from({ length: 10 }, (_, i) => ({ id: f * 10 + i })));
    await t.delete('id = 23');
    const plan = await t.scan().planFiles();
    expect(plan.tasks).toHaveLength(4);
    const withDeletes = plan.tasks.filter((task) => task.deletes.length > 0);
    expect(withDeletes).toHaveLength(1);
    // The one file it names is the one that held id 23.
    const held = await t.scan({ filter: 'id = 23', snapshotId: t.snapshots().at(-2)!.snapshotId }).planFiles();
    expect(withDeletes[0]!.file.filePath).toBe(held.tasks[0]!.file.filePath);
    const ids = (await t.scan().toArrow()).getChild('id')!.toArray() as BigInt64Array;
    expect([...ids].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 23));

    // Deleting from two files: one delete file whose bounds span both paths, so a file between
    // them (in path order) is matched too, and a file outside them is not.
    await t.delete('id = 3 OR id = 35');
    const again = await t.scan().planFiles();
    const latest = again.tasks.flatMap((task) => task.deletes).reduce((a, d) => (d.dataSequenceNumber > a.dataSequenceNumber ? d : a));
    for (const task of again.tasks) {
      const has = task.deletes.some((d) => d.file.filePath === latest.file.filePath);
      const inside = task.file.filePath >= decode(latest.file.lowerBounds!.get(2147483546)!) && task.file.filePath <= decode(latest.file.upperBounds!.get(2147483546)!);
      expect(has).toBe(inside);
    }
    const after = (await t.scan().toArrow()).getChild('id')!.toArray() as BigInt64Array;
    expect([...after].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 23 && i !== 3 && i !== 35));
  });
});

function decode(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

