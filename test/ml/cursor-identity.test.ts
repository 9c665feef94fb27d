/**
 * A read cursor names its dataset and shard completely: a cursor of another dataset on the same
 * snapshot (another seed, filter, columns or batch size), of another shard or epoch, or a
 * malformed one is refused with an InvalidArgumentError saying which part differs, never read
 * as "start" or mixed into another order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type DatasetReader, type ReadCursor, type Table, Warehouse } from 'floe';
import { collect, ids, prng, rows } from './fixtures.js';

let table: Table;
let a: Dataset;
let b: Dataset;

beforeAll(async () => {
  const wh = await Warehouse.open('memory://cursor-identity');
  await wh.createNamespace('ml');
  table = await wh.createTable('ml.t', rows(1, 0, () => 0).schema, { properties: { 'write.parquet.row-group-limit': '50' } });
  const random = prng(1000);
  for (let c = 0; c < 4; c++) await table.append(rows(250, c * 250, random));
  a = await table.dataset({ columns: ['id'], seed: 1, batchSize: 64 });
  b = await table.dataset({ columns: ['id'], seed: 2, batchSize: 64 });
});

/** Reads `n` batches and returns their ids and the cursor after them. */
async function readSome(reader: DatasetReader, n: number): Promise<{ got: number[]; cursor: ReadCursor }> {
  const got: number[] = [];
  let i = 0;
  for await (const batch of reader) {
    got.push(...ids([batch]));
    if (++i === n) break;
  }
  return { got, cursor: JSON.parse(JSON.stringify(reader.cursor())) as ReadCursor };
}

function refusal(f: () => unknown): { code?: string; message: string; context?: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message: string; context?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('read cursors', () => {
  it('resume their own dataset exactly: 1,000 rows read, 1,000 distinct', async () => {
    expect(a.spec.snapshotId).toBe(b.spec.snapshotId);
    const first = await readSome(a.reader({ shuffleBuffer: 100 }), 7);
    const rest = ids(await collect(a.reader({ cursor: first.cursor })));
    const all = [...first.got, ...rest];
    expect(all.length).toBe(1000);
    expect(new Set(all).size).toBe(1000);
    expect(all).toEqual(ids(await collect(a.reader({ shuffleBuffer: 100 }))));
  });

  it('of another dataset on the same snapshot are refused, naming the part that differs', async () => {
    const { cursor } = await readSome(a.reader({ shuffleBuffer: 100 }), 7);
    const err = refusal(() => b.reader({ cursor }));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', context: { part: 'seed' } });
    expect(err.message).toMatch(/seed is 1\b.*seed is 2\b/);

    const others: [string, Dataset][] = [
      ['filter', await table.dataset({ columns: ['id'], seed: 1, batchSize: 64, filter: 'id >= 0' })],
      ['columns', await table.dataset({ columns: ['id', 'label'], seed: 1, batchSize: 64 })],
      ['batchSize', await table.dataset({ columns: ['id'], seed: 1, batchSize: 32 })],
    ];
    for (const [part, other] of others) expect(refusal(() => other.reader({ cursor }))).toMatchObject({ code: 'INVALID_ARGUMENT', context: { part } });
    const foreignTable = { ...cursor, dataset: { ...cursor.dataset, tableUuid: '00000000-0000-4000-8000-000000000000' } };
    expect(refusal(() => a.reader({ cursor: foreignTable }))).toMatchObject({ code: 'INVALID_ARGUMENT', context: { part: 'tableUuid' } });
    const otherSnapshot = { ...cursor, dataset: { ...cursor.dataset, snapshotId: '1' } };
    expect(refusal(() => a.reader({ cursor: otherSnapshot }))).toMatchObject({ code: 'INVALID_ARGUMENT', context: { part: 'snapshotId' } });
  });

  it('of another shard or epoch are refused', async () => {
    const { cursor } = await readSome(a.shard({ workers: 2, worker: 0 }).reader({ epoch: 1 }), 2);
    expect(refusal(() => a.shard({ workers: 2, worker: 1 }).reader({ cursor }))).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option: 'worker' } });
    expect(refusal(() => a.shard({ workers: 3, worker: 0 }).reader({ cursor }))).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option: 'workers' } });
    expect(refusal(() => a.shard({ workers: 2, worker: 0 }).reader({ cursor, epoch: 2 }))).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option: 'epoch' } });
    // The same shard and epoch resume.
    const rest = ids(await collect(a.shard({ workers: 2, worker: 0 }).reader({ cursor })));
    expect(rest.length).toBeGreaterThan(0);
  });

  it('that are malformed or tampered with are refused, not read from the start', async () => {
    const { cursor } = await readSome(a.reader(), 3);
    const bad: [string, unknown][] = [
      ['cursor.format', {}],
      ['cursor', 'start'],
      ['cursor.format', { ...cursor, format: 'floe.cursor/1' }],
      ['cursor.unit', { ...cursor, unit: -1 }],
      ['cursor.skip', { ...cursor, skip: 1.5 }],
      ['cursor.skip', { ...cursor, skip: undefined }],
      ['cursor.epoch', { ...cursor, epoch: '0' }],
      ['cursor.dataset.seed', { ...cursor, dataset: { ...cursor.dataset, seed: -3 } }],
      ['cursor.dataset', { ...cursor, dataset: undefined }],
      ['cursor.snapshotId', { ...cursor, snapshotId: a.spec.snapshotId }],
      ['cursor.worker', { ...cursor, worker: 1 }],
    ];
    for (const [option, c] of bad) {
      const err = refusal(() => a.reader({ cursor: c as ReadCursor }));
      expect(err, option).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option } });
    }
    // Past the end of the units, or past the rows of its block.
    expect(refusal(() => a.reader({ cursor: { ...cursor, unit: a.units().length + 1, skip: 0 } }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const beyond = a.reader({ cursor: { ...cursor, skip: 100_000 } });
    await expect(collect(beyond)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/skip/) });
  });

  it('reader options are checked: a wrong type or an unknown option is refused', () => {
    for (const [option, patch] of [
      ['epoch', { epoch: -1 }],
      ['shuffleBuffer', { shuffleBuffer: 2.5 }],
      ['prefetch', { prefetch: -1 }],
      ['dropLast', { dropLast: 'yes' }],
      ['shuffle', { shuffle: true }],
    ] as const) {
      expect(refusal(() => a.reader(patch as never)), option).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option } });
    }
  });

  it('stay small', () => {
    expect(JSON.stringify(a.reader({ epoch: 3, workers: 2, worker: 1, shuffleBuffer: 5 }).cursor()).length).toBeLessThan(400);
  });
});
