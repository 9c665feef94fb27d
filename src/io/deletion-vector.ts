/**
 * The `deletion-vector-v1` Puffin blob (puffin-spec.md): the length of what follows up to the
 * CRC (4 bytes, big-endian), the magic `D1 D3 39 64`, the 64-bit roaring position bitmap
 * (`roaring-position-bitmap.ts`), and the CRC-32 of magic and bitmap (4 bytes, big-endian).
 * The checks on read are those of Iceberg Java's `BitmapPositionDeleteIndex.deserialize`.
 *
 * @module
 */
import { crc32 } from 'node:zlib';
import { CorruptFileError } from '../errors.js';
import { decodePositionBitmap, encodePositionBitmap } from './roaring-position-bitmap.js';

/** The blob type of a deletion vector in a Puffin footer (puffin-spec.md). */
export const DELETION_VECTOR_BLOB_TYPE = 'deletion-vector-v1';

const MAGIC = Uint8Array.of(0xd1, 0xd3, 0x39, 0x64);

/**
 * Serializes row positions as a deletion-vector blob, byte for byte as Iceberg Java does.
 * @param positions the deleted row positions of one data file
 * @returns the blob
 */
export function encodeDeletionVector(positions: Iterable<number>): Uint8Array {
  const bitmap = encodePositionBitmap(positions);
  const dataLength = MAGIC.byteLength + bitmap.byteLength;
  const out = new Uint8Array(4 + dataLength + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, dataLength, false);
  out.set(MAGIC, 4);
  out.set(bitmap, 8);
  view.setUint32(4 + dataLength, crc32(out.subarray(4, 4 + dataLength)), false);
  return out;
}

/** What a manifest says about a deletion vector, checked against its bytes. */
export interface DeletionVectorExpectation {
  /** The file holding the blob, for errors. */
  readonly path: string;
  /** The manifest's `record_count`: how many positions the vector must hold. */
  readonly cardinality?: number;
}

/**
 * Reads a deletion-vector blob: checks its length field against the blob's size, the magic, the
 * CRC, and (when given) the cardinality the manifest records.
 * @param blob the blob's bytes (`content_size_in_bytes` of them)
 * @param expect the file for errors, and the expected cardinality
 * @returns the deleted positions, ascending
 */
export function decodeDeletionVector(blob: Uint8Array, expect: DeletionVectorExpectation): number[] {
  const { path } = expect;
  if (blob.byteLength < 12) throw new CorruptFileError(path, `deletion vector of ${blob.byteLength} bytes is shorter than its length, magic and CRC`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const dataLength = view.getUint32(0, false);
  if (dataLength !== blob.byteLength - 8) throw new CorruptFileError(path, `deletion vector has an invalid bitmap data length ${dataLength}, expected ${blob.byteLength - 8}`);
  const data = blob.subarray(4, 4 + dataLength);
  if (!MAGIC.every((b, i) => data[i] === b)) throw new CorruptFileError(path, `deletion vector has an invalid magic number ${Buffer.from(data.subarray(0, 4)).toString('hex')}, expected d1d33964`);
  const crc = view.getUint32(4 + dataLength, false);
  if (crc32(data) !== crc) throw new CorruptFileError(path, `deletion vector has an invalid CRC ${crc.toString(16)}, computed ${crc32(data).toString(16)}`);
  const positions = decodePositionBitmap(data.subarray(4), path);
  if (expect.cardinality !== undefined && positions.length !== expect.cardinality) {
    throw new CorruptFileError(path, `deletion vector has an invalid cardinality ${positions.length}, expected ${expect.cardinality}`);
  }
  return positions;
}
