/**
 * The `ObjectStore` contract: the one seam between Floe and bytes at rest.
 *
 * Modelled on arrow-rs-object-store's `ObjectStore` (`put_opts` with `PutMode`, `UpdateVersion`).
 * What every backend promises (spec/storage.md §S1):
 * - **Atomic puts**: a reader sees the whole old object or the whole new one, never a part.
 * - **Linearizable conditional puts**: of any number of concurrent `create`s of one key exactly
 *   one succeeds and the others throw `AlreadyExistsError`; an `update` succeeds only when the
 *   object's current version is the expected one, else `PreconditionFailedError`.
 * - **Read-after-write**: a successful put is visible to every later `get`, `head` and `list`.
 * - **Unknown outcomes are named**: a timeout or server error on a conditional put throws
 *   `OutcomeUnknownError`, never a plain failure or a success.
 *
 * @module
 */

/** The version of an object as the backend knows it. Both fields are kept (A1 `UpdateVersion`). */
export interface ObjectVersion {
  /** The entity tag, without quotes. */
  readonly etag?: string;
  /** A backend version id, where the backend has object versioning. */
  readonly version?: string;
}

/** What a listing or `head` says about an object. */
export interface ObjectMeta extends ObjectVersion {
  /** The object's path, relative to the store's root. */
  readonly path: string;
  /** Its size in bytes. */
  readonly sizeBytes: number;
  /** When it was last written, in ms since the epoch (informational only: never a commit time). */
  readonly lastModifiedMs: number;
}

/**
 * How a put treats an existing object.
 * - `overwrite`: always write (last writer wins).
 * - `create`: write only if no object is at the path, else `AlreadyExistsError`.
 * - `update`: write only if the object exists with the given version, else `PreconditionFailedError`.
 */
export type PutMode =
  | { readonly kind: 'overwrite' }
  | { readonly kind: 'create' }
  | { readonly kind: 'update'; readonly expected: ObjectVersion };

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  /** Conditional behaviour; default `overwrite`. */
  readonly mode?: PutMode;
  /** MIME type recorded with the object, where the backend keeps one. */
  readonly contentType?: string;
  /**
   * Default true. False marks the object as a cache its writer can afford to lose in a crash of
   * the machine (the version hint): local-fs then skips its fsyncs (spec/storage.md §S5.2). Every
   * guarantee of §S1 still holds; only durability across a power loss or kernel crash is waived.
   */
  readonly durable?: boolean;
}

/** A byte range `[start, end)`; `end` may be omitted for "to the end of the object". */
export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, exclusive; omitted means the end of the object. */
  readonly end?: number;
}

/** Options of {@link ObjectStore.get}. */
export interface GetOptions {
  /** Read only these bytes. */
  readonly range?: ByteRange;
}

/** The bytes of an object with its metadata. */
export interface GetResult {
  /** The object's (or the range's) bytes: fresh for each get, owned by the caller (no backend keeps them). */
  readonly bytes: Uint8Array;
  /** The whole object's metadata (its full size, not the range's). */
  readonly meta: ObjectMeta;
}

/** Options of {@link ObjectStore.list}. */
export interface ListOptions {
  /**
   * Group keys by this delimiter after the prefix (only `/` is supported): keys below the next
   * delimiter are not listed, their common prefixes are reported in `prefixes` of
   * {@link ObjectStore.listWithDelimiter}.
   */
  readonly delimiter?: '/';
}

/** The result of a delimited listing: objects directly under the prefix and the "folders". */
export interface ListResult {
  /** Objects directly under the prefix. */
  readonly objects: readonly ObjectMeta[];
  /** Common prefixes (ending with the delimiter) one level below the prefix. */
  readonly prefixes: readonly string[];
}

/** What a backend can and cannot do. Code checks these instead of backend names. */
export interface StoreCapabilities {
  /** `put` with mode `update` (compare-and-swap on the version). */
  readonly conditionalUpdate: boolean;
  /** `list` yields keys in lexicographic (UTF-8 byte) order. */
  readonly listIsLexicallyOrdered: boolean;
  /** `get` with a `range` reads only those bytes from the backend. */
  readonly rangeReads: boolean;
  /** Conditional puts are linearizable across processes (and hosts, for shared backends). */
  readonly crossProcessConditionalPuts: boolean;
}

/**
 * An object store: paths are `/`-separated keys relative to the store's root, with no leading
 * slash, no `.` or `..` segments and no empty segments.
 */
export interface ObjectStore {
  /** A short name for messages and metrics, e.g. `memory`, `local-fs:/data`, `s3://bucket/prefix`. */
  readonly name: string;
  /** What this backend supports. */
  readonly capabilities: StoreCapabilities;

  /**
   * Reads an object, or a byte range of it.
   * @throws NotFoundError when no object is at `path`
   */
  get(path: string, options?: GetOptions): Promise<GetResult>;

  /**
   * Reads an object's metadata.
   * @throws NotFoundError when no object is at `path`
   */
  head(path: string): Promise<ObjectMeta>;

  /**
   * Writes an object atomically.
   * @returns the new object's version
   * @throws AlreadyExistsError for mode `create` when the object exists
   * @throws PreconditionFailedError for mode `update` when the version differs or the object is missing
   * @throws NotImplementedError for a mode the backend lacks (see `capabilities`)
   * @throws OutcomeUnknownError when a conditional put may or may not have been applied
   */
  put(path: string, bytes: Uint8Array, options?: PutOptions): Promise<ObjectVersion>;

  /** Deletes an object; deleting a missing object is not an error. */
  delete(path: string): Promise<void>;

  /**
   * Lists every object whose path starts with `prefix` (a plain string prefix, not only
   * whole segments), recursively, across as many pages as the backend needs.
   */
  list(prefix: string): AsyncIterable<ObjectMeta>;

  /** Lists one level under `prefix` (which should end with `/` or be empty). */
  listWithDelimiter(prefix: string): Promise<ListResult>;
}
