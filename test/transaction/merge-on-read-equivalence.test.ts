/**
 * Merge-on-read gives the rows copy-on-write gives: seeded random rounds of delete, overwrite by
 * filter and upsert applied to two copies of one table, one per mode, compared after every
 * round. And it touches O(changed rows) bytes: a 1% random-key upsert into a 100k-row table
 * writes a small fraction of the table's bytes (the instrumented store counts them) on memory,
 * a local folder and S3, where copy-on-write rewrites every file.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Table, type Warehouse, instrumented, openLocation, setWorkerThreads } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { appendSameRows, applyRandomRound } from '../support/mor-rounds.js';
import { prng } from '../support/prng.js';

afterAll(cleanupBackends);

const MOR = { 'write.delete.mode': 'merge-on-read', 'write.update.mode': 'merge-on-read', 'write.merge.mode': 'merge-on-read' };
const SCHEMA = { id: 'long not null', cat: 'string', v: 'double' } as const;


async function contents(t: Table): Promise<string[]> {
  const out: string[] = [];
  for (const r of await t.scan().toArrow()) out.push(`${r!.id}|${r!.cat}|${r!.v}`);
  return out.sort();
}

describe('merge-on-read equals copy-on-write (seeded random rounds, memory)', () => {
  it.each([
    ['unpartitioned', undefined, 11],
    ['partitioned by bucket(3, id)', 'bucket(3, id)', 13],
  ] as const)('%s', async (_label, partitionBy, seed) => {
    const random = prng(seed);
    const wh = featureBackends[0]!;
    const w: Warehouse = await wh.open();
    await w.createNamespace('eq');
    const opts = partitionBy ? { partitionBy } : {};
    const cow = await w.createTable('eq.cow', SCHEMA, opts);
    const mor = await w.createTable('eq.mor', SCHEMA, { ...opts, properties: MOR });
    const ids = { next: 0 };
    await appendSameRows([cow, mor], { random, ids, files: 4, rowsPerFile: 60 });
    for (let round = 0; round < 6; round++) {
      const op = await applyRandomRound([cow, mor], { random, round, ids, sizes: { deleteRange: 30, overwriteRange: 20, overwriteRows: 5, upsertKeys: 15 } });
      expect(await contents(mor), `round ${round}, op ${op}`).toEqual(await contents(cow));
    }
    // Merge-on-read kept deleting by position: some delete files are live.
    const plan = await mor.scan().planFiles();
    expect(plan.tasks.some((t) => t.deletes.length > 0)).toBe(true);
  });
});

describe.each(featureBackends)('a 1% random-key upsert touches O(changed rows) bytes ($label)', (backend) => {
  it('merge-on-read writes a small fraction of the table; copy-on-write rewrites it', async () => {
    const wh = await backend.open();
    await wh.createNamespace('b');
    const rows = 100_000;
    const random = prng(7);
    const hex = (): string => Math.floor(random() * 2 ** 48).toString(16).padStart(12, '0');
    const data = new arrow.Table({
      id: arrow.makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))),
      v: arrow.vectorFromArray(Array.from({ length: rows }, () => `${hex()}${hex()}`), new arrow.Utf8()),
    });
    const s3 = wh.s3Options ? { s3: wh.s3Options } : {};
    const figures: Record<string, { written: number; read: number; data: number }> = {};
    // Copy-on-write for contrast on memory only (the same bytes on every backend, and slow).
    const modes = backend.label === 'memory' ? (['merge-on-read', 'copy-on-write'] as const) : (['merge-on-read'] as const);
    for (const mode of modes) {
      const t = await wh.createTable(`b.${mode.replace(/-/g, '_')}`, { id: 'long not null', v: 'string' }, { properties: { 'write.merge.mode': mode } });
      // Four files of 25k rows, whatever the machine's cores.
      await setWorkerThreads(1);
      try {
        for (let f = 0; f < 4; f++) await t.append(data.slice(f * 25_000, (f + 1) * 25_000));
      } finally {
        await setWorkerThreads(undefined);
      }
      const dataBytes = Number(t.currentSnapshot()!.summary['total-files-size']);
      const keys = new Set<number>();
      const pick = prng(99);
      while (keys.size < rows / 100) keys.add(Math.floor(pick() * rows));
      const upsert = new arrow.Table({
        id: arrow.makeVector(BigInt64Array.from([...keys].map((k) => BigInt(k)))),
        v: arrow.vectorFromArray([...keys].map((k) => `new-${k}`), new arrow.Utf8()),
      });
      const io = instrumented(openLocation(t.uri, s3).store);
      const counted = await Table.load(t.uri, { ...s3, store: io });
      io.reset();
      await counted.upsert(upsert, { on: 'id' });
      const stats = io.snapshot();
      figures[mode] = { written: stats.bytesWritten, read: stats.bytesRead, data: dataBytes };
      const after = await counted.scan({ filter: `id IN (${[...keys].slice(0, 5).join(', ')})` }).toArrow();
      expect([...after].map((r) => String(r!.v)).every((v) => v.startsWith('new-'))).toBe(true);
      expect(Number(counted.currentSnapshot()!.summary['total-records']) - Number(counted.currentSnapshot()!.summary['total-position-deletes'] ?? 0)).toBe(rows);
    }
    const mor = figures['merge-on-read']!;
    expect(mor.written).toBeLessThan(mor.data * 0.05);
    const cow = figures['copy-on-write'];
    if (cow) expect(cow.written).toBeGreaterThan(cow.data * 0.9);
  });
});
