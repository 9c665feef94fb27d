/**
 * Loading a metadata version: discovery plus decoding.
 *
 * @module
 */
import { isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { findLatestVersion, findVersion } from './discover.js';
import { readTableState } from './metadata-file.js';
import type { TableState } from './table-state.js';

/**
 * Loads the latest version, or a given one (`'v3.metadata.json'`, a path under `metadata/`, or a number).
 * @throws TableNotFoundError when the table has no metadata
 * @throws ValidationError when the metadata files do not say which is newest, or a file does not decode
 */
export async function loadTableState(store: ObjectStore, table: string, which?: string | number): Promise<TableState> {
  try {
    const loc = which === undefined ? await findLatestVersion(store, table) : await findVersion(store, which);
    return loc.state ?? (await readTableState(store, loc.version, loc.path));
  } catch (e) {
    if ((isFloeError(e, 'CORRUPT_FILE') || isFloeError(e, 'VALIDATION')) && e.context['table'] === undefined) {
      // Name the table too: the file path alone does not say which table is broken.
      (e.context as Record<string, string | number>)['table'] = table;
    }
    throw e;
  }
}
