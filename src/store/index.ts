/**
 * The store layer: the one seam between Floe and bytes at rest (spec/storage.md).
 *
 * Owns: the `ObjectStore` contract (object-store.ts), path rules (paths.ts), three backends
 * (`MemoryStore`, `LocalFsStore`, `S3Store`), decorators (`prefixed`, `instrumented`, and for
 * tests `faulty` and `ignoringConditions`), `openLocation` (location.ts), which turns a URI into a
 * store rooted there, the `FileLocator` that maps a table's recorded locations to stores, and
 * S3 remote signing (a store signed by someone else's keys; the signing side that reads what a
 * request would do before signing it: s3-remote-signer.ts, s3-request-scope.ts,
 * s3-signing-authority.ts).
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
export { type S3RequestSigner, type S3SignedRequest, type S3SigningRequest } from './s3-remote-signer.js';
export { type ParsedS3Request, type S3RequestScope, type S3RequestToSign, type S3ScopeResult, s3MethodWrites, scopeS3Request } from './s3-request-scope.js';
export { S3SigningAuthority } from './s3-signing-authority.js';
export { PrefixedStore, prefixed } from './prefixed.js';
export { InstrumentedStore, instrumented, type IoEvent, type IoStats, type StoreOp } from './instrumented.js';
export { FaultyStore, faulty, type FaultRule } from './faulty.js';
export { ConditionIgnoringStore, ignoringConditions } from './ignoring-conditions.js';
export {
  checkLocation,
  childLocation,
  memoryStoreNamed,
  openLocation,
  openLocationRoot,
  registerLocalBackend,
  type LocalBackend,
  type OpenedLocation,
  type StoreOptions,
} from './location.js';
export { FileLocator, type FileLocatorOptions, type ResolvedLocation } from './file-locator.js';
