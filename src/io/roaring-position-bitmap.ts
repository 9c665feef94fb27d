/**
 * The 64-bit roaring position bitmap of Iceberg's deletion vectors (puffin-spec.md
 * "deletion-vector-v1"): a count of 32-bit bitmaps (8 bytes, little-endian), then for each one,
 * in ascending order of key, its key (the high 32 bits of the positions it holds, 4 bytes
 * little-endian) and the 32-bit roaring bitmap of their low 32 bits in the portable format of the
 * RoaringFormatSpec. The 32-bit bitmaps are read and written by roaring-wasm (CRoaring), whose
 * portable format is the one Java's RoaringBitmap writes.
 *
 * @module
 */
import { RoaringBitmap32 } from 'roaring-wasm';
import { CorruptFileError, UnsupportedError } from '../errors.js';

const TWO_32 = 2 ** 32;

/**
 * The largest key Iceberg Java accepts (`Integer.MAX_VALUE - 1`: its bitmap array is indexed by
 * key, iceberg `core/src/main/java/org/apache/iceberg/deletes/RoaringPositionBitmap.java`).
 */
const MAX_JAVA_KEY = 2 ** 31 - 2;

/** The largest key whose positions are all exact JavaScript numbers (below 2^53). */
const MAX_SAFE_KEY = Math.floor(Number.MAX_SAFE_INTEGER / TWO_32) - 1;

/**
 * Serializes row positions as the spec's 64-bit roaring bitmap, byte for byte as Iceberg Java
 * does: one 32-bit bitmap for every key from 0 to the largest (empty ones included, as Java's
 * dense bitmap array writes them), each run-length encoded where that is smaller (Java's
 * `BitmapPositionDeleteIndex.serialize` calls `runLengthEncode` first).
 * @param positions row positions, any order, duplicates allowed; each a non-negative safe integer
 * @returns the serialized bitmap
 */
export function encodePositionBitmap(positions: Iterable<number>): Uint8Array {
  const byKey = new Map<number, number[]>();
  let maxKey = -1;
  for (const pos of positions) {
    if (!Number.isSafeInteger(pos) || pos < 0) throw new UnsupportedError(`position ${pos} cannot be stored in a deletion vector: positions are non-negative integers below 2^53`);
    const key = Math.floor(pos / TWO_32);
    let lows = byKey.get(key);
    if (!lows) byKey.set(key, (lows = []));
    lows.push(pos % TWO_32);
    if (key > maxKey) maxKey = key;
  }
  const parts: Uint8Array[] = [];
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(maxKey + 1), true);
  parts.push(count);
  for (let key = 0; key <= maxKey; key++) {
    const keyBytes = new Uint8Array(4);
    new DataView(keyBytes.buffer).setUint32(0, key, true);
    parts.push(keyBytes, serialize32(byKey.get(key) ?? []));
  }
  return concat(parts);
}

function serialize32(lows: readonly number[]): Uint8Array {
  const bitmap = new RoaringBitmap32();
  try {
    bitmap.addMany(lows);
    bitmap.runOptimize();
    return bitmap.serialize('portable');
  } finally {
    bitmap.dispose();
  }
}

/**
 * Reads the spec's 64-bit roaring bitmap, refusing what Iceberg Java refuses (a bitmap count
 * outside [0, 2^31), a key that is negative as a Java int, above `Integer.MAX_VALUE - 1`, or not
 * ascending) and bytes that end early.
 * @param bytes the serialized bitmap
 * @param path the file the bytes come from, for errors
 * @returns the positions, ascending
 */
export function decodePositionBitmap(bytes: Uint8Array, path: string): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new CorruptFileError(path, `position bitmap of ${bytes.byteLength} bytes is shorter than its 8-byte bitmap count`);
  const count = view.getBigInt64(0, true);
  if (count < 0n || count > 2n ** 31n - 1n) throw new CorruptFileError(path, `position bitmap has an invalid bitmap count ${count}`);
  const out: number[] = [];
  let offset = 8;
  let lastKey = -1;
  for (let i = 0; i < Number(count); i++) {
    if (offset + 4 > bytes.byteLength) throw new CorruptFileError(path, `position bitmap ends before the key of bitmap ${i} of ${count}`);
    const key = view.getInt32(offset, true);
    offset += 4;
    if (key < 0) throw new CorruptFileError(path, `position bitmap has an invalid unsigned key ${key >>> 0} (above 2^31 - 1)`);
    if (key > MAX_JAVA_KEY) throw new CorruptFileError(path, `position bitmap key ${key} is too large (at most ${MAX_JAVA_KEY})`);
    if (key <= lastKey) throw new CorruptFileError(path, `position bitmap keys are not ascending (${key} after ${lastKey})`);
    if (key > MAX_SAFE_KEY) throw new UnsupportedError(`${path}: position bitmap key ${key} holds positions above 2^53, which Floe cannot represent`);
    lastKey = key;
    offset += read32(bytes.subarray(offset), key, out, path);
  }
  return out;
}

/** Appends the positions of one 32-bit bitmap to `out`; returns the bytes it took. */
function read32(bytes: Uint8Array, key: number, out: number[], path: string): number {
  let bitmap: RoaringBitmap32;
  try {
    bitmap = RoaringBitmap32.deserialize(bytes, 'portable');
  } catch (cause) {
    throw new CorruptFileError(path, `position bitmap for key ${key} is not a portable roaring bitmap`, { cause });
  }
  try {
    const base = key * TWO_32;
    for (const low of bitmap.toUint32Array()) out.push(base + low);
    return bitmap.getSerializationSizeInBytes('portable');
  } finally {
    bitmap.dispose();
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
