/**
 * Loading a metadata version: discovery plus decoding.
 *
 * @module
 */
import { isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { findLatestVersion, findVersion } from './discover.js';
import { readTableState } from './metadata-file.js';
import { metadataFilePath } from './version-files.js';
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

/**
 * The state to build on after a conflict at `v<taken>`, Floe's own commit point name: that
 * version, read with one GET while one HEAD asks whether `v<taken+1>` exists too. When it does,
 * HEADs probe forward until a version is missing (Java `HadoopTableOperations.refresh` probes the
 * same way) and the last one found is read. Undefined when `v<taken>` is missing (an unknown
 * outcome's put, or a name another writer spelled otherwise): the caller then runs the full
 * discovery. Correctness never rests on this being the latest version: the commit point's
 * conditional create refuses a stale base (§C4).
 * @param store the store rooted at the table
 * @param taken the version another writer created
 * @throws CorruptFileError / ValidationError when the version read does not decode
 */
export async function loadTakenVersion(store: ObjectStore, taken: number): Promise<TableState | undefined> {
  const exists = (version: number): Promise<boolean> =>
    store.head(metadataFilePath(version)).then(
      () => true,
      (e: unknown) => {
        if (isFloeError(e, 'NOT_FOUND')) return false;
        throw e;
      },
    );
  const [state, moved] = await Promise.all([
    readTableState(store, taken, metadataFilePath(taken)).catch((e: unknown) => {
      if (isFloeError(e, 'NOT_FOUND')) return undefined;
      throw e;
    }),
    exists(taken + 1),
  ]);
  if (state === undefined || !moved) return state;
  let last = taken + 1;
  while (await exists(last + 1)) last += 1;
  return readTableState(store, last, metadataFilePath(last));
}
