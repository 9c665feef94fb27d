/**
 * The commit point (spec/commit-protocol.md §C4): one conditional put, written in one function.
 *
 * `put(metadata/v<N+1>.metadata.json, create)`. Success means committed; `AlreadyExistsError`
 * means another writer took version N+1 and becomes a retryable `CommitConflictError`; an unknown
 * outcome (timeout, 5xx, dropped response) is settled by reading the version back and comparing
 * bytes, never by guessing.
 *
 * @module
 */
import { CommitConflictError, OutcomeUnknownError, isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { VERSION_HINT_FILE, metadataFilePath } from './version-files.js';

/** What the commit point needs. */
export interface CommitPointOptions {
  /** The version to create: always base + 1. */
  readonly version: number;
  /** The encoded metadata. */
  readonly bytes: Uint8Array;
  /** The table's name, for errors. */
  readonly table: string;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Settles an unknown outcome by reading the version back: our bytes there mean committed,
 * other bytes mean another writer won, nothing there means the put did not land — yet. A put
 * still in flight could land later, so that case stays "unknown" for the retry loop, which
 * looks for its commit id in every later version before re-applying (§C5).
 */
async function settleUnknownOutcome(store: ObjectStore, path: string, bytes: Uint8Array, cause: unknown): Promise<boolean> {
  try {
    const found = await store.get(path);
    return sameBytes(found.bytes, bytes);
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) throw cause;
    throw new OutcomeUnknownError(path, { cause: e });
  }
}

/**
 * Creates metadata version `version`. Returns the path written.
 * @throws CommitConflictError (retryable) when another writer created that version first
 * @throws OutcomeUnknownError when the outcome could not be settled (the caller must look for its commit id)
 */
export async function commitMetadataVersion(store: ObjectStore, options: CommitPointOptions): Promise<string> {
  const path = metadataFilePath(options.version);
  try {
    await store.put(path, options.bytes, { mode: { kind: 'create' }, contentType: 'application/json' });
    return path;
  } catch (e) {
    if (isFloeError(e, 'ALREADY_EXISTS')) throw conflictAt(options, e);
    if (!isFloeError(e, 'OUTCOME_UNKNOWN')) throw e;
    if (await settleUnknownOutcome(store, path, options.bytes, e)) return path;
    throw conflictAt(options, e);
  }
}

function conflictAt(options: CommitPointOptions, cause: unknown): CommitConflictError {
  return new CommitConflictError(`version ${options.version} of table ${options.table} was committed by another writer`, {
    context: { table: options.table, version: options.version },
    cause,
  });
}

/**
 * Writes `version-hint.text` (best effort: failures are swallowed, because the hint is a cache
 * that discovery never trusts without probing forward). It is written without fsync
 * (`durable: false`): a hint lost or emptied by a machine crash only sends discovery to the
 * listing (§C2), while its two fsyncs were a fifth of a local commit.
 */
export async function writeVersionHint(store: ObjectStore, version: number): Promise<void> {
  try {
    await store.put(VERSION_HINT_FILE, new TextEncoder().encode(String(version)), { mode: { kind: 'overwrite' }, durable: false });
  } catch {
    // best effort, see above
  }
}
