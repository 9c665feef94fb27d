/**
 * Resuming readers (issue 6: "stop at random points, resume, and the concatenation equals an
 * uninterrupted read"), for shuffled and unshuffled reads, several shards and buffers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type ReadCursor, isFloeError } from 'floe';
import { collect, embeddingsTable, ids, prng } from './fixtures.js';

let seeded: Dataset;
let plain: Dataset;

beforeAll(async () => {
  const { table } = await embeddingsTable({ seed: 66, commits: 4, rowGroupRows: 25 });
  seeded = await table.dataset({ columns: ['id', 'emb'], batchSize: 16, seed: 7 });
  plain = await table.dataset({ columns: ['id'], batchSize: 10 });
});

/** Reads with stops after random batch counts, each time resuming from a JSON round-tripped cursor. */
async function readInterrupted(ds: Dataset, options: Record<string, number | boolean>, random: () => number): Promise<{ ids: number[]; stops: number }> {
  const out: number[] = [];
  let cursor: ReadCursor | undefined;
  let stops = 0;
  for (;;) {
    const reader = cursor ? ds.reader({ cursor }) : ds.reader(options);
    const stopAfter = 1 + Math.floor(random() * 4);
    let n = 0;
    let ended = true;
    for await (const b of reader) {
      out.push(...ids([b]));
      if (++n === stopAfter) {
        ended = false;
        break;
      }
    }
    if (ended) return { ids: out, stops };
    cursor = JSON.parse(JSON.stringify(reader.cursor())) as ReadCursor;
    stops++;
  }
}

describe('resume', () => {
  const cases: [string, () => Dataset, Record<string, number | boolean>][] = [
    ['unshuffled', () => plain, {}],
    ['row groups shuffled', () => seeded, { epoch: 1 }],
    ['buffer of 40 rows', () => seeded, { epoch: 2, shuffleBuffer: 40 }],
    ['buffer of 7 rows, shard 1 of 3', () => seeded, { epoch: 0, shuffleBuffer: 7, workers: 3, worker: 1 }],
    ['buffer larger than the shard, dropLast', () => seeded, { shuffleBuffer: 10_000, workers: 2, worker: 0, dropLast: true }],
  ];
  for (const [label, ds, options] of cases) {
    it(`equals an uninterrupted read: ${label}`, async () => {
      const whole = ids(await collect(ds().reader(options)));
      expect(whole.length).toBeGreaterThan(0);
      const random = prng(label.length * 7919);
      for (let trial = 0; trial < 3; trial++) {
        const { ids: got, stops } = await readInterrupted(ds(), options, random);
        expect(stops).toBeGreaterThan(0);
        expect(got).toEqual(whole);
      }
    });
  }

  it('a cursor is small and names its position', () => {
    const r = seeded.reader({ epoch: 3, workers: 2, worker: 1, shuffleBuffer: 5 });
    expect(r.cursor()).toMatchObject({ format: 'floe.cursor/2', epoch: 3, workers: 2, worker: 1, unit: 0, skip: 0 });
    expect(JSON.stringify(r.cursor()).length).toBeLessThan(400);
  });

  it('rejects a cursor of another dataset or conflicting options', async () => {
    const c = seeded.reader({ epoch: 1 }).cursor();
    expect(() => seeded.reader({ cursor: c, epoch: 2 })).toThrow(/epoch/);
    const foreign = { ...c, snapshotId: '1' };
    try {
      seeded.reader({ cursor: foreign });
      expect.unreachable();
    } catch (e) {
      expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
