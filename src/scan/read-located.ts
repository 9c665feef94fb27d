/**
 * Reading a recorded location through the locator, with a missing file reported as what it is.
 *
 * @module
 */
import { CorruptFileError, DataFileNotFoundError, isFloeError } from '../errors.js';
import type { AsyncBuffer } from '../io/index.js';
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

/**
 * Whether the store holding a recorded location reads byte ranges without fetching the object.
 * @throws InvalidArgumentError when the location is relative and no remap covers it
 */
export function canReadRanges(locator: FileLocator, recorded: string): boolean {
  return locator.resolve(recorded).store.capabilities.rangeReads;
}

/**
 * A range reader over the object at a recorded location, of the size its manifest records.
 * A missing object is a DataFileNotFoundError; a range the object is too short for (the store
 * refuses a range that starts past the end) is a CorruptFileError, as a short read is.
 * @param sizeBytes the file's recorded size (`file_size_in_bytes`)
 */
export function locatedRanges(locator: FileLocator, recorded: string, sizeBytes: number, table: string): AsyncBuffer {
  const { store, key, uri } = locator.resolve(recorded);
  return {
    byteLength: sizeBytes,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      try {
        const b = (await store.get(key, { range: { start, ...(end === undefined ? {} : { end }) } })).bytes;
        // A store returns fresh bytes for each get: when they fill their buffer, that buffer is ours.
        if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      } catch (e) {
        if (isFloeError(e, 'NOT_FOUND')) throw new DataFileNotFoundError(recorded, { context: { table, resolvedTo: uri }, cause: e });
        if (isFloeError(e, 'INVALID_ARGUMENT')) {
          throw new CorruptFileError(recorded, `it is shorter than its recorded size of ${sizeBytes} bytes (range [${start}, ${end ?? ''}) refused)`, { context: { table, resolvedTo: uri }, cause: e });
        }
        throw e;
      }
    },
  };
}
