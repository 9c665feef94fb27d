/**
 * Reading Puffin files through byte ranges (puffin-spec.md): the footer from the file's tail,
 * then any blob by its offset and length, so a deletion vector costs one ranged read of its own
 * bytes. The checks and their messages follow Iceberg Java's `PuffinReader`.
 *
 * @module
 */
import { decompress as zstdDecompress } from 'fzstd';
import { CorruptFileError, UnsupportedError } from '../errors.js';
import { parseJson } from '../util/index.js';
import { sliceBytes, type AsyncBuffer } from './parquet.js';
import {
  FileMetadataWire,
  FLAG_FOOTER_PAYLOAD_COMPRESSED,
  FOOTER_STRUCT_LENGTH,
  PUFFIN_MAGIC,
  type PuffinBlobMetadata,
  type PuffinFileMetadata,
} from './puffin-format.js';

/** Options of {@link readPuffinMetadata}. */
export interface ReadPuffinOptions {
  /** The file, for errors. */
  readonly path: string;
  /** The footer's size, when known (a manifest may record it): saves reading the footer struct first. */
  readonly footerSize?: number;
}

function hasMagic(bytes: Uint8Array, at: number): boolean {
  return PUFFIN_MAGIC.every((b, i) => bytes[at + i] === b);
}

/**
 * Reads a Puffin file's footer.
 * @param source the file, readable in ranges
 * @param options the path for errors and the footer size if known
 * @returns the blobs and file properties
 * @throws {CorruptFileError} when the magic, sizes, flags or JSON are wrong
 * @throws {UnsupportedError} for an LZ4-compressed footer
 */
export async function readPuffinMetadata(source: AsyncBuffer, options: ReadPuffinOptions): Promise<PuffinFileMetadata> {
  const { path } = options;
  const fileSize = source.byteLength;
  let footerSize = options.footerSize;
  if (footerSize === undefined) {
    if (fileSize < PUFFIN_MAGIC.length + FOOTER_STRUCT_LENGTH) throw new CorruptFileError(path, `invalid file: ${fileSize} bytes is too short for a Puffin footer`);
    const struct = await sliceBytes(source, fileSize - FOOTER_STRUCT_LENGTH, fileSize, path);
    footerSize = PUFFIN_MAGIC.length + new DataView(struct.buffer, struct.byteOffset).getInt32(0, true) + FOOTER_STRUCT_LENGTH;
  }
  // Java: `0 < footerSize && footerSize <= fileSize - MAGIC.length` ("Invalid footer size").
  if (!(footerSize > 0 && footerSize <= fileSize - PUFFIN_MAGIC.length)) throw new CorruptFileError(path, `invalid footer size ${footerSize} for a file of ${fileSize} bytes`);
  const footerStart = fileSize - footerSize;
  const footer = await sliceBytes(source, footerStart, fileSize, path);
  if (footer.byteLength < PUFFIN_MAGIC.length + FOOTER_STRUCT_LENGTH || !hasMagic(footer, 0)) throw new CorruptFileError(path, `invalid file: expected magic at offset ${footerStart}`);
  const structAt = footer.byteLength - FOOTER_STRUCT_LENGTH;
  if (!hasMagic(footer, structAt + 8)) throw new CorruptFileError(path, `invalid file: expected magic at offset ${footerStart + structAt + 8}`);
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  const payloadSize = view.getInt32(structAt, true);
  if (footerSize !== PUFFIN_MAGIC.length + payloadSize + FOOTER_STRUCT_LENGTH) throw new CorruptFileError(path, `unexpected footer payload size ${payloadSize} for footer size ${footerSize}`);
  const flags = footer.subarray(structAt + 4, structAt + 8);
  if ((flags[0]! & FLAG_FOOTER_PAYLOAD_COMPRESSED) !== 0) throw new UnsupportedError(`${path}: the Puffin footer is LZ4-compressed, which Floe does not read`, { context: { path } });
  const payload = footer.subarray(PUFFIN_MAGIC.length, PUFFIN_MAGIC.length + payloadSize);
  let json: unknown;
  try {
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (cause) {
    throw new CorruptFileError(path, 'the Puffin footer payload is not JSON', { cause });
  }
  const parsed = FileMetadataWire.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptFileError(path, `invalid Puffin footer at ${issue?.path.join('.') ?? '$'}: ${issue?.message ?? 'invalid'}`);
  }
  for (const [i, b] of parsed.data.blobs.entries()) {
    if (b.offset < PUFFIN_MAGIC.length || b.offset + b.length > footerStart) {
      throw new CorruptFileError(path, `Puffin blob ${i} (${b.type}) at [${b.offset}, ${b.offset + b.length}) lies outside the blob area [${PUFFIN_MAGIC.length}, ${footerStart})`);
    }
  }
  return parsed.data;
}

/**
 * Reads one blob by its offset and length (one ranged read) and decompresses it.
 * @param source the file, readable in ranges
 * @param blob the blob's footer entry (or the offset and length a manifest records)
 * @param path the file, for errors
 * @returns the blob's uncompressed bytes
 * @throws {UnsupportedError} for an LZ4-compressed blob
 * @throws {CorruptFileError} when the range cannot be read or does not decompress
 */
export async function readPuffinBlob(
  source: AsyncBuffer,
  blob: Pick<PuffinBlobMetadata, 'offset' | 'length' | 'compressionCodec'>,
  path: string,
): Promise<Uint8Array> {
  const bytes = await sliceBytes(source, blob.offset, blob.offset + blob.length, path);
  return decompressBlob(bytes, blob.compressionCodec, path);
}

function decompressBlob(bytes: Uint8Array, codec: PuffinBlobMetadata['compressionCodec'], path: string): Uint8Array {
  if (codec === undefined) return bytes;
  if (codec === 'lz4') throw new UnsupportedError(`${path}: Puffin blob is LZ4-compressed, which Floe does not read`, { context: { path } });
  try {
    return zstdDecompress(bytes);
  } catch (cause) {
    throw new CorruptFileError(path, 'Puffin blob is not a valid zstd frame', { cause });
  }
}
