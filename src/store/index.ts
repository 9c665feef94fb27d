/**
 * The store layer: the one seam between Floe and bytes at rest (spec/storage.md).
 *
 * Owns: the `ObjectStore` contract (object-store.ts), path rules (paths.ts), three backends
 * (`MemoryStore`, `LocalFsStore`, `S3Store`), decorators (`prefixed`, `instrumented`, and for
 * tests `faulty` and `ignoringConditions`) and {@link openStore}, which turns a URI into a store.
 *
 * Guarantees, on every backend (spec/storage.md §S1):
 * - **atomic puts**: a reader sees the whole old object or the whole new one, never a part;
 * - **linearizable conditional puts**: of concurrent `create`s of one key exactly one succeeds,
 *   the others throw `AlreadyExistsError`; an `update` succeeds only if the object's current
 *   version is the expected one, else `PreconditionFailedError`;
 * - **read-after-write and consistent listing**: a successful put is visible to every later
 *   `get`, `head` and `list`; listings are in UTF-8 key order, across as many pages as needed;
 * - **named unknown outcomes**: a timeout or 5xx on a conditional put throws
 *   `OutcomeUnknownError`, never a plain failure and never a success;
 * - errors are Floe errors: no Node fs or AWS SDK error escapes this layer.
 *
 * Needs from below: `errors.ts` and `util/backoff.ts` only. Knows only paths and bytes.
 *
 * Example, a compare-and-swap loop (what the commit of a pointer file does):
 *
 *     for (;;) {
 *       const { bytes, meta } = await store.get('counter');
 *       const next = encode(decode(bytes) + 1);
 *       try { await store.put('counter', next, { mode: { kind: 'update', expected: meta } }); break; }
 *       catch (e) { if (!isFloeError(e, 'PRECONDITION_FAILED')) throw e; }  // lost the race: re-read
 *     }
 *
 * @module
 */
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { LocalFsStore, type LocalFsStoreOptions } from './local-fs.js';
import { MemoryStore } from './memory.js';
import type { ObjectStore } from './object-store.js';
import { prefixed } from './prefixed.js';
import { S3Store, type S3StoreOptions } from './s3.js';

export type {
  ByteRange,
  GetOptions,
  GetResult,
  ListOptions,
  ListResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutMode,
  PutOptions,
  StoreCapabilities,
} from './object-store.js';
export { compareKeys, groupByDelimiter, joinPath, validatePath, validatePrefix } from './paths.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { LOCAL_FS_RESERVED_PREFIX, LocalFsStore, type LocalFsStoreOptions } from './local-fs.js';
export { S3Store, s3ClientConfig, type S3Credentials, type S3StoreOptions } from './s3.js';
export { PrefixedStore, prefixed } from './prefixed.js';
export { InstrumentedStore, instrumented, type IoEvent, type IoStats, type StoreOp } from './instrumented.js';
export { FaultyStore, faulty, type FaultRule } from './faulty.js';
export { ConditionIgnoringStore, ignoringConditions } from './ignoring-conditions.js';

/** Options of {@link openStore}, per backend. */
export interface OpenStoreOptions {
  /** For `s3://` URIs: endpoint, region, credentials, limits (the bucket comes from the URI). */
  readonly s3?: Omit<S3StoreOptions, 'bucket'>;
  /** For `file://` URIs and plain paths: lock timings (the root comes from the URI). */
  readonly localFs?: Omit<LocalFsStoreOptions, 'root'>;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Opens the store a URI names:
 * - `memory://` (a fresh, empty in-memory store; `memory://a/b` views it below `a/b`);
 * - `file:///abs/path`, or a plain path (relative to the working directory): a local folder;
 * - `s3://bucket/prefix` (also `s3a://`, `s3n://`, as Hadoop writes them): an S3 bucket viewed
 *   below `prefix`; endpoint and credentials from `options.s3`, else `FLOE_S3_*`, else the AWS chain.
 * @param uri where the store is
 * @param options backend options
 * @throws InvalidArgumentError for a malformed URI (no bucket, a `file://` URI with a remote host)
 * @throws UnsupportedError for another scheme
 */
export async function openStore(uri: string, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (uri === '') throw new InvalidArgumentError('a store URI must not be empty');
    return new LocalFsStore({ ...options.localFs, root: uri });
  }
  const rest = uri.slice(scheme.length + 3);
  switch (scheme) {
    case 'memory':
      return prefixed(new MemoryStore(), rest);
    case 'file': {
      const slash = rest.indexOf('/');
      const host = slash < 0 ? rest : rest.slice(0, slash);
      if (host !== '' && host !== 'localhost') {
        throw new InvalidArgumentError(`file URI with a remote host is not supported: ${uri}`, { context: { uri } });
      }
      const root = decodeURIComponent(slash < 0 ? '/' : rest.slice(slash));
      return new LocalFsStore({ ...options.localFs, root });
    }
    case 's3':
    case 's3a':
    case 's3n': {
      const slash = rest.indexOf('/');
      const bucket = slash < 0 ? rest : rest.slice(0, slash);
      if (bucket === '') throw new InvalidArgumentError(`S3 URI without a bucket: ${uri}`, { context: { uri } });
      const prefix = slash < 0 ? '' : rest.slice(slash + 1);
      return prefixed(new S3Store({ ...options.s3, bucket }), prefix);
    }
    default:
      throw new UnsupportedError(`unsupported store URI scheme '${scheme}://' in ${uri}`, {
        context: { uri },
        help: 'use memory://, file:///path (or a plain path) or s3://bucket/prefix',
      });
  }
}
