/**
 * Loading a metadata version: discovery plus decoding.
 *
 * @module
 */
import { CorruptFileError, isFloeError } from '../errors.js';
import { decodeTableMetadata } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import { findLatestVersion, findVersion } from './discover.js';
import type { TableState } from './table-state.js';

/**
 * Reads and decodes the metadata file at `path` (relative to the table root).
 * @throws CorruptFileError / ValidationError for a file that does not decode
 * @throws NotFoundError when it is missing
 */
export async function readTableState(store: ObjectStore, version: number, path: string): Promise<TableState> {
  const { bytes } = await store.get(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new CorruptFileError(path, 'metadata file is not valid UTF-8', { cause: e });
  }
  return { version, path, metadata: decodeTableMetadata(text, path) };
}

/**
 * Loads the latest version, or a given one (`'v3.metadata.json'`, a path under `metadata/`, or a number).
 * @throws TableNotFoundError when the table has no metadata
 */
export async function loadTableState(store: ObjectStore, table: string, which?: string | number): Promise<TableState> {
  const loc = which === undefined ? await findLatestVersion(store, table) : await findVersion(store, which);
  try {
    return await readTableState(store, loc.version, loc.path);
  } catch (e) {
    if (isFloeError(e, 'CORRUPT_FILE') || isFloeError(e, 'VALIDATION')) {
      // Name the table too: the file path alone does not say which table is broken.
      (e.context as Record<string, string | number>)['table'] = table;
    }
    throw e;
  }
}
