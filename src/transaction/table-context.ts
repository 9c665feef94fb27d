/**
 * What actions need from the table they change: its name, its stores and locations, a clock.
 *
 * @module
 */
import type { ObjectStore } from '../store/index.js';
import type { FileLocator } from '../store/index.js';
import type { Clock } from '../util/index.js';

/** The table an action works on. */
export interface TableContext {
  /** The table's name, for errors and messages. */
  readonly name: string;
  /** The store rooted at the table (metadata files live here). */
  readonly store: ObjectStore;
  /** Resolves recorded locations (of data files, manifests) to stores and keys. */
  readonly locator: FileLocator;
  /** Commit timestamps come from here. */
  readonly clock: Clock;
}

/**
 * The recorded location of a new file: the table's recorded location plus a relative path, so
 * that the paths Floe writes into a foreign table look like that table's own.
 */
export function newFileLocation(tableLocation: string, relative: string): string {
  return `${tableLocation.endsWith('/') ? tableLocation.slice(0, -1) : tableLocation}/${relative}`;
}
