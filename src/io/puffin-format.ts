/**
 * The Puffin file layout (puffin-spec.md "File structure"): `Magic Blob₁ … Blobₙ Footer`, the
 * footer being `Magic FooterPayload FooterPayloadSize Flags Magic`, where the payload is the JSON
 * `FileMetadata` and `FooterPayloadSize` (4 bytes) and `Flags` (4 bytes) are little-endian.
 *
 * @module
 */
import { z } from 'zod';

/** `PFA1`, at the start of the file and twice in the footer. */
export const PUFFIN_MAGIC = Uint8Array.of(0x50, 0x46, 0x41, 0x31);

/** FooterPayloadSize, Flags and the closing Magic. */
export const FOOTER_STRUCT_LENGTH = 12;

/** Bit 0 of the first flag byte: the footer payload is LZ4-compressed (puffin-spec.md "Footer structure"). */
export const FLAG_FOOTER_PAYLOAD_COMPRESSED = 0x01;

/** The compression codecs a blob may name (puffin-spec.md "Compression codecs"). */
export type PuffinCodec = 'lz4' | 'zstd';

/** One blob's entry in the footer (puffin-spec.md "BlobMetadata"). */
export interface PuffinBlobMetadata {
  /** The blob type, e.g. `deletion-vector-v1` or `apache-datasketches-theta-v1`. */
  readonly type: string;
  /** The field ids the blob was computed from. */
  readonly fields: readonly number[];
  /** The snapshot the blob was computed from (-1 for deletion vectors, which do not know theirs). */
  readonly snapshotId: bigint;
  /** The sequence number of that snapshot (-1 for deletion vectors). */
  readonly sequenceNumber: bigint;
  /** Where the blob starts in the file. */
  readonly offset: number;
  /** The blob's length in the file (compressed, if it is). */
  readonly length: number;
  /** How the blob is compressed; absent when it is not. */
  readonly compressionCodec?: PuffinCodec;
  /** The blob's properties (for a deletion vector: `referenced-data-file`, `cardinality`). */
  readonly properties: Readonly<Record<string, string>>;
}

/** A Puffin file's footer (puffin-spec.md "FileMetadata"). */
export interface PuffinFileMetadata {
  /** The blobs, in file order. */
  readonly blobs: readonly PuffinBlobMetadata[];
  /** File properties, e.g. `created-by`. */
  readonly properties: Readonly<Record<string, string>>;
}

const Long = z.union([z.number().int(), z.bigint()]).transform((v) => BigInt(v));
const Offset = z.number().int().nonnegative();

const BlobMetadataWire = z
  .object({
    type: z.string(),
    fields: z.array(z.number().int()),
    'snapshot-id': Long,
    'sequence-number': Long,
    offset: Offset,
    length: Offset,
    'compression-codec': z.enum(['lz4', 'zstd']).optional(),
    properties: z.record(z.string(), z.string()).optional(),
  })
  .transform(
    (b): PuffinBlobMetadata => ({
      type: b.type,
      fields: b.fields,
      snapshotId: b['snapshot-id'],
      sequenceNumber: b['sequence-number'],
      offset: b.offset,
      length: b.length,
      ...(b['compression-codec'] === undefined ? {} : { compressionCodec: b['compression-codec'] }),
      properties: b.properties ?? {},
    }),
  );

/** The wire shape of the footer payload, decoded into {@link PuffinFileMetadata}. */
export const FileMetadataWire = z
  .object({
    blobs: z.array(BlobMetadataWire),
    properties: z.record(z.string(), z.string()).optional(),
  })
  .transform((f): PuffinFileMetadata => ({ blobs: f.blobs, properties: f.properties ?? {} }));

/**
 * The footer payload as Iceberg Java's `FileMetadataParser` writes it: keys in this order,
 * `compression-codec` and `properties` left out when absent or empty, no whitespace.
 * @param metadata the footer
 * @returns the JSON text
 */
export function fileMetadataJson(metadata: PuffinFileMetadata): string {
  const blobs = metadata.blobs.map((b) => {
    const parts = [
      `"type":${JSON.stringify(b.type)}`,
      `"fields":[${b.fields.join(',')}]`,
      `"snapshot-id":${b.snapshotId}`,
      `"sequence-number":${b.sequenceNumber}`,
      `"offset":${b.offset}`,
      `"length":${b.length}`,
    ];
    if (b.compressionCodec !== undefined) parts.push(`"compression-codec":${JSON.stringify(b.compressionCodec)}`);
    if (Object.keys(b.properties).length > 0) parts.push(`"properties":${JSON.stringify(b.properties)}`);
    return `{${parts.join(',')}}`;
  });
  const props = Object.keys(metadata.properties).length > 0 ? `,"properties":${JSON.stringify(metadata.properties)}` : '';
  return `{"blobs":[${blobs.join(',')}]${props}}`;
}
