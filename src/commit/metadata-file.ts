/**
 * Reading one metadata file: bytes → (gunzip) → UTF-8 → decoded table metadata.
 *
 * "A metadata JSON file may be compressed with GZIP" (Iceberg spec Appendix C, "Table Metadata
 * and Snapshots"). Java decides by the name alone (`TableMetadataParser.Codec.fromFileName`:
 * `.gz.metadata.json` or `.metadata.json.gz`); DuckDB by the name or its
 * `metadata_compression_codec` option. Floe also looks at the bytes: a file that starts with
 * the gzip magic `1f 8b` cannot be JSON, so it is gunzipped whatever its name, and a file
 * named as gzip but not starting with the magic is reported as corrupt.
 *
 * @module
 */
import { gunzipSync } from 'node:zlib';
import { CorruptFileError } from '../errors.js';
import { decodeTableMetadata } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import type { TableState } from './table-state.js';
import { baseNameOf, parseMetadataFileName } from './version-files.js';

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The JSON text of a metadata file's bytes, gunzipped when they are gzip.
 * @param bytes the file's bytes
 * @param path the file's path, for errors and for the name's codec
 * @throws CorruptFileError when the bytes are not valid gzip (or, named as gzip, not gzip at all) or not UTF-8
 */
export function metadataTextFromBytes(bytes: Uint8Array, path: string): string {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      throw new CorruptFileError(path, 'metadata file is not valid gzip', { cause: e });
    }
  } else if (parseMetadataFileName(baseNameOf(path))?.gzip) {
    throw new CorruptFileError(path, 'metadata file is named as gzip-compressed but is not gzip');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (e) {
    throw new CorruptFileError(path, 'metadata file is not valid UTF-8', { cause: e });
  }
}

/**
 * Reads and decodes the metadata file at `path` (relative to the table root).
 * @param store the store rooted at the table
 * @param version the version number to record in the state
 * @param path the file
 * @throws CorruptFileError / ValidationError for a file that does not decode
 * @throws NotFoundError when it is missing
 */
export async function readTableState(store: ObjectStore, version: number, path: string): Promise<TableState> {
  const { bytes } = await store.get(path);
  return { version, path, metadata: decodeTableMetadata(metadataTextFromBytes(bytes, path), path) };
}
