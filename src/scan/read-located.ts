/**
 * Reading a recorded location through the locator, with a missing file reported as what it is.
 *
 * @module
 */
import { DataFileNotFoundError, isFloeError } from '../errors.js';
import type { FileLocator } from '../store/index.js';

/**
 * Reads the whole object at a recorded location.
 * @throws DataFileNotFoundError naming the recorded location and the table when it is missing
 */
export async function readLocated(locator: FileLocator, recorded: string, table: string): Promise<Uint8Array> {
  const { store, key, uri } = locator.resolve(recorded);
  try {
    return (await store.get(key)).bytes;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) {
      throw new DataFileNotFoundError(recorded, { context: { table, resolvedTo: uri }, cause: e });
    }
    throw e;
  }
}
