/**
 * Deletion vectors against Iceberg Java's golden bytes (test/fixtures/iceberg-java-golden/deletes,
 * copied from apache/iceberg `core/src/test/resources/org/apache/iceberg/deletes/`): the same
 * expectations as Java's `TestRoaringPositionBitmap` (the `64map*.bin` official roaring examples)
 * and `TestBitmapPositionDeleteIndex` (the `*-position-index.bin` DV blobs, which Floe's writer
 * must reproduce byte for byte).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDeletionVector, decodePositionBitmap, encodeDeletionVector, encodePositionBitmap } from '../../src/io/index.js';
import { failure } from '../support/failure.js';

const DIR = path.resolve(__dirname, '../fixtures/iceberg-java-golden/deletes');
const golden = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(DIR, name)));

const BITMAP_OFFSET = 2 ** 32;
const CONTAINER_OFFSET = 65536;
const INT_MAX = 2 ** 31 - 1;

/** Java's `position(bitmapIndex, containerIndex, value)`. */
const position = (bitmap: number, container: number, value: number): number => bitmap * BITMAP_OFFSET + container * CONTAINER_OFFSET + value;

/** Java's `index.delete(start, end)`: positions [start, end). */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

describe('64-bit roaring position bitmaps (TestRoaringPositionBitmap)', () => {
  it('reads the supported official examples', () => {
    expect(decodePositionBitmap(golden('64mapempty.bin'), '64mapempty.bin')).toEqual([]);
    expect(decodePositionBitmap(golden('64map32bitvals.bin'), '64map32bitvals.bin')).toEqual(range(0, 10));
    const spread = range(0, 10).flatMap((key) => range(0, 10).map((v) => key * BITMAP_OFFSET + v));
    expect(decodePositionBitmap(golden('64mapspreadvals.bin'), '64mapspreadvals.bin')).toEqual(spread);
  });

  it('refuses 64maphighvals.bin: its keys are larger than Java supports (Invalid unsigned key)', async () => {
    const e = await failure(() => decodePositionBitmap(golden('64maphighvals.bin'), '64maphighvals.bin'));
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toContain('64maphighvals.bin');
    expect(e.message).toContain('invalid unsigned key');
  });

  it('round-trips positions across keys, containers and container kinds', () => {
    const positions = [
      ...[5, 7].map((v) => position(0, 0, v)),
      ...range(position(0, 1, 1), position(0, 1, 1000)),
      ...range(position(0, 2, 1), position(0, 2, CONTAINER_OFFSET - 1)),
      position(3, 0, 10),
      position(100, 0, 40),
    ];
    expect(decodePositionBitmap(encodePositionBitmap([...positions].reverse()), 'x').join()).toBe(positions.join());
  });

  it('refuses keys that do not ascend and bitmaps cut short', async () => {
    const twoKeys = encodePositionBitmap([1, BITMAP_OFFSET + 1]);
    const swapped = twoKeys.slice();
    new DataView(swapped.buffer).setUint32(8, 1, true);
    expect((await failure(() => decodePositionBitmap(swapped, 'f.puffin'))).message).toContain('not ascending');
    const short = await failure(() => decodePositionBitmap(twoKeys.subarray(0, twoKeys.byteLength - 3), 'f.puffin'));
    expect(short.code).toBe('CORRUPT_FILE');
  });
});

describe('deletion-vector blobs (TestBitmapPositionDeleteIndex)', () => {
  const cases: Record<string, number[]> = {
    'empty-position-index.bin': [],
    'small-alternating-values-position-index.bin': [1, 3, 5, 7, 9],
    'small-and-large-values-position-index.bin': [100, 101, INT_MAX + 100, INT_MAX + 101],
    'all-container-types-position-index.bin': [
      position(0, 0, 5),
      position(0, 0, 7),
      ...range(position(0, 1, 1), position(0, 1, 1000)),
      ...range(position(0, 2, 1), position(0, 2, CONTAINER_OFFSET - 1)),
      position(1, 0, 10),
      position(1, 0, 20),
      ...range(position(1, 1, 10), position(1, 1, 500)),
      ...range(position(1, 2, 1), position(1, 2, CONTAINER_OFFSET - 1)),
    ],
  };

  for (const [name, positions] of Object.entries(cases)) {
    it(`${name}: Floe writes Java's bytes and reads them back as the same positions`, () => {
      const bytes = encodeDeletionVector(positions);
      expect(bytes).toEqual(golden(name));
      // compared as text: a deep equality of 130k-element arrays takes seconds
      expect(decodeDeletionVector(golden(name), { path: name, cardinality: positions.length }).join()).toBe(positions.join());
      expect(decodeDeletionVector(bytes, { path: name, cardinality: positions.length }).join()).toBe(positions.join());
    });
  }

  it('refuses a blob whose length field, magic, CRC or cardinality is wrong, as Java does', async () => {
    const good = golden('small-alternating-values-position-index.bin');
    const check = async (bytes: Uint8Array, cardinality: number, text: string): Promise<void> => {
      const e = await failure(() => decodeDeletionVector(bytes, { path: 'dv.puffin', cardinality }));
      expect(e.code).toBe('CORRUPT_FILE');
      expect(e.message).toContain('dv.puffin');
      expect(e.message).toContain(text);
    };
    const length = good.slice();
    length[3] = length[3]! + 1;
    await check(length, 5, 'invalid bitmap data length');
    const magic = good.slice();
    magic[4] = 0;
    await check(magic, 5, 'invalid magic number');
    const flipped = good.slice();
    flipped[30] = flipped[30]! ^ 1;
    await check(flipped, 5, 'invalid CRC');
    await check(good, 4, 'invalid cardinality 5, expected 4');
    await check(good.subarray(0, good.byteLength - 1), 5, 'invalid bitmap data length');
  });
});
