/**
 * `table.dataset(…)` and `dataset.shard(…)` check their options with a schema: a wrong type, an
 * out-of-range number or an unknown option is refused with an InvalidArgumentError naming the
 * option, never ignored or taken as a default.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type DatasetOptions, type ShardOptions, type Table } from 'floe';
import { embeddingsTable } from './fixtures.js';

let table: Table;
let ds: Dataset;

beforeAll(async () => {
  table = (await embeddingsTable({ seed: 71, commits: 2 })).table;
  ds = await table.dataset({ columns: ['id'] });
});

describe('dataset options', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['columns', { columns: 'id' }],
    ['columns[1]', { columns: ['id', 7] }],
    ['seed', { seed: -1 }],
    ['seed', { seed: 2 ** 32 }],
    ['seed', { seed: '7' }],
    ['batchSize', { batchSize: 0 }],
    ['batchSize', { batchSize: 1.5 }],
    ['filter', { filter: 5 }],
    ['shuffle', { shuffle: true }],
    ['snapshotId', { snapshotId: [1] }],
  ];
  for (const [option, patch] of bad) {
    it(`refuses ${JSON.stringify(patch)}, naming ${option}`, async () => {
      const err = await table.dataset(patch as DatasetOptions).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option } });
      expect((err as Error).message).toContain(option);
    });
  }

  it('shard options: a wrong type, a worker out of range or an unknown option is refused', () => {
    for (const [option, patch] of [
      ['workers', { workers: 0, worker: 0 }],
      ['workers', { workers: '2', worker: 0 }],
      ['worker', { workers: 2, worker: 2 }],
      ['worker', { workers: 2, worker: -1 }],
      ['workerCount', { workerCount: 2, worker: 0 }],
    ] as const) {
      expect(() => ds.shard(patch as ShardOptions), option).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: expect.objectContaining({ option }) }));
    }
    expect(() => ds.units({ epoch: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: expect.objectContaining({ option: 'epoch' }) }));
  });
});
