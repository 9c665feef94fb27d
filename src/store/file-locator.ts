/**
 * Maps the locations a table records (`s3a://bucket/wh/t/data/x.parquet`, `data/persistent/t/…`,
 * `file:///…`) to an object store and a key.
 *
 * Tables written elsewhere record absolute locations of the place they were written; a table
 * that has moved keeps them. The locator rewrites a recorded prefix to where the files are now
 * (`remap`), always treating locations as literal strings (never URL-decoded: Iceberg does not
 * encode them). The table's own recorded `location` maps implicitly onto the URI it was opened
 * from. Locations under the table root are served by the table's store; anything else by a
 * store opened for that location's root (bucket, filesystem root, memory store).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { ObjectStore } from './object-store.js';

/** An object to read or write: which store, which key, and the URI it resolved to. */
export interface ResolvedLocation {
  /** The store that holds it. */
  readonly store: ObjectStore;
  /** Its key in that store. */
  readonly key: string;
  /** The absolute URI after remapping. */
  readonly uri: string;
}

/** Options of {@link FileLocator}. */
export interface FileLocatorOptions {
  /** The URI the table was opened from (its root), without a trailing slash. */
  readonly rootUri: string;
  /** The store rooted at `rootUri`. */
  readonly rootStore: ObjectStore;
  /** The table location recorded in its metadata. */
  readonly recordedLocation: string;
  /** Recorded prefix → URI where those files are now. */
  readonly remap?: Readonly<Record<string, string>>;
  /** Opens a store rooted at the root of another URI (`s3://bucket`, `file:///`, `memory://name`). */
  readonly openRoot: (uri: string) => { store: ObjectStore; rootUri: string };
}

function trimSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

/** Resolves recorded locations to stores and keys. */
export class FileLocator {
  private readonly rootUri: string;
  private readonly rules: readonly (readonly [string, string])[];
  private readonly foreign = new Map<string, { store: ObjectStore; rootUri: string }>();

  /** @param options see {@link FileLocatorOptions} */
  constructor(private readonly options: FileLocatorOptions) {
    this.rootUri = trimSlash(options.rootUri);
    const rules = new Map<string, string>();
    rules.set(trimSlash(options.recordedLocation), this.rootUri);
    for (const [from, to] of Object.entries(options.remap ?? {})) rules.set(trimSlash(from), trimSlash(to));
    // Longest prefix first, so a remap of a sub-folder wins over the table root.
    this.rules = [...rules.entries()].sort((a, b) => b[0].length - a[0].length);
  }

  /** The absolute URI a recorded location maps to. */
  toUri(recorded: string): string {
    for (const [from, to] of this.rules) {
      if (recorded === from) return to;
      if (recorded.startsWith(`${from}/`)) return `${to}${recorded.slice(from.length)}`;
    }
    return recorded;
  }

  /**
   * Resolves a recorded location.
   * @throws InvalidArgumentError when the location is relative and no remap covers it
   */
  resolve(recorded: string): ResolvedLocation {
    const uri = this.toUri(recorded);
    if (uri.startsWith(`${this.rootUri}/`)) {
      return { store: this.options.rootStore, key: uri.slice(this.rootUri.length + 1), uri };
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
      throw new InvalidArgumentError(`cannot locate ${recorded}: it is relative and no remap covers it`, {
        context: { location: recorded },
        help: `pass remap: { '<recorded prefix>': '<where the files are now>' } when loading the table`,
      });
    }
    const opened = this.openForeign(uri);
    return { store: opened.store, key: uri.slice(opened.rootUri.length + 1), uri };
  }

  private openForeign(uri: string): { store: ObjectStore; rootUri: string } {
    for (const [root, opened] of this.foreign) if (uri.startsWith(`${root}/`)) return opened;
    const opened = this.options.openRoot(uri);
    const rootUri = trimSlash(opened.rootUri);
    const entry = { store: opened.store, rootUri };
    this.foreign.set(rootUri, entry);
    return entry;
  }
}
