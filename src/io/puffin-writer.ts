/**
 * Writing Puffin files (puffin-spec.md), byte for byte as Iceberg Java's `PuffinWriter` does:
 * the magic, the blobs in order, then the footer with its JSON payload uncompressed.
 *
 * @module
 */
import * as zlib from 'node:zlib';
import { UnsupportedError } from '../errors.js';
import {
  fileMetadataJson,
  FOOTER_STRUCT_LENGTH,
  PUFFIN_MAGIC,
  type PuffinBlobMetadata,
  type PuffinCodec,
  type PuffinFileMetadata,
} from './puffin-format.js';

/** One blob to write. */
export interface PuffinBlobInput {
  /** The blob type. */
  readonly type: string;
  /** The field ids it was computed from. */
  readonly fields: readonly number[];
  /** The snapshot it was computed from (-1 for a deletion vector). */
  readonly snapshotId: bigint;
  /** That snapshot's sequence number (-1 for a deletion vector). */
  readonly sequenceNumber: bigint;
  /** The uncompressed bytes. */
  readonly data: Uint8Array;
  /** How to compress them; default none (a deletion vector must not be compressed). */
  readonly compressionCodec?: PuffinCodec;
  /** The blob's properties. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** A Puffin file as written, with what a manifest needs to point at its blobs. */
export interface EncodedPuffin {
  /** The file's bytes. */
  readonly bytes: Uint8Array;
  /** The footer written, with each blob's offset and length. */
  readonly metadata: PuffinFileMetadata;
  /** The footer's size in bytes (a reader may be handed it to skip a read). */
  readonly footerSize: number;
}

/**
 * Encodes a Puffin file.
 * @param blobs the blobs, in file order
 * @param properties file properties (Java's writer sets `created-by`)
 * @returns the bytes, the footer and its size
 * @throws {UnsupportedError} for LZ4, or zstd on a Node without `zlib.zstdCompressSync` (before 22.15)
 */
export function encodePuffin(blobs: readonly PuffinBlobInput[], properties: Readonly<Record<string, string>> = {}): EncodedPuffin {
  const parts: Uint8Array[] = [PUFFIN_MAGIC];
  let offset = PUFFIN_MAGIC.byteLength;
  const written: PuffinBlobMetadata[] = [];
  for (const blob of blobs) {
    const data = compress(blob);
    parts.push(data);
    written.push({
      type: blob.type,
      fields: blob.fields,
      snapshotId: blob.snapshotId,
      sequenceNumber: blob.sequenceNumber,
      offset,
      length: data.byteLength,
      ...(blob.compressionCodec === undefined ? {} : { compressionCodec: blob.compressionCodec }),
      properties: blob.properties ?? {},
    });
    offset += data.byteLength;
  }
  const metadata: PuffinFileMetadata = { blobs: written, properties };
  const payload = new TextEncoder().encode(fileMetadataJson(metadata));
  const struct = new Uint8Array(FOOTER_STRUCT_LENGTH);
  new DataView(struct.buffer).setInt32(0, payload.byteLength, true);
  // flags stay zero: the payload is not compressed
  struct.set(PUFFIN_MAGIC, 8);
  parts.push(PUFFIN_MAGIC, payload, struct);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { bytes, metadata, footerSize: PUFFIN_MAGIC.byteLength + payload.byteLength + FOOTER_STRUCT_LENGTH };
}

/** Node's zstd compressor, where this Node has one (22.15 and later). */
type ZstdCompress = (data: Uint8Array, options: { params: Record<number, number> }) => Uint8Array;

function compress(blob: PuffinBlobInput): Uint8Array {
  if (blob.compressionCodec === undefined) return blob.data;
  if (blob.compressionCodec === 'zstd') {
    const zstd = (zlib as unknown as { zstdCompressSync?: ZstdCompress }).zstdCompressSync;
    const constants = zlib.constants as unknown as Record<string, number | undefined>;
    const level = constants['ZSTD_c_compressionLevel'];
    const checksum = constants['ZSTD_c_checksumFlag'];
    if (zstd !== undefined && level !== undefined && checksum !== undefined) {
      // Java's zstd-jni writes level 3 frames with a content checksum.
      return zstd(blob.data, { params: { [level]: 3, [checksum]: 1 } });
    }
  }
  throw new UnsupportedError(`cannot write a ${blob.compressionCodec}-compressed Puffin blob (${blob.type}) on this Node: ${blob.compressionCodec === 'zstd' ? 'zstd needs Node 22.15 or later' : 'lz4 is not supported'}`);
}
