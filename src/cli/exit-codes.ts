/**
 * The `floe` command's exit codes, and which errors map to which.
 *
 * | code | meaning | errors |
 * |---|---|---|
 * | 0 | ok | |
 * | 1 | user error: the message names what to fix | bad arguments, unknown table/snapshot/ref/namespace, bad filter, data that does not fit the schema, unreadable input files; storage refusing the request as made (`STORE_ERROR` that is not retryable: a missing bucket, bad credentials, no permission) |
 * | 2 | conflict: another writer won and retrying did not help; running the command again may succeed | `COMMIT_CONFLICT`, `COMMIT_RETRIES_EXHAUSTED`, `OUTCOME_UNKNOWN`, `PRECONDITION_FAILED` |
 * | 3 | internal: a bug, or storage failing underneath | `INTERNAL`, a retryable `STORE_ERROR` (5xx, network) that persisted, `NOT_IMPLEMENTED`, anything that is not a Floe error |
 *
 * @module
 */
import { type ErrorCode, isFloeError } from '../index.js';

/** The exit codes `floe` uses. */
export const EXIT = { OK: 0, USER: 1, CONFLICT: 2, INTERNAL: 3 } as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const USER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_ARGUMENT',
  'NOT_AUTHENTICATED',
  'NOT_AUTHORIZED',
  'VALIDATION',
  'SCHEMA_MISMATCH',
  'UNSUPPORTED',
  'CONSTRAINT_VIOLATION',
  'CORRUPT_FILE',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'NAMESPACE_NOT_FOUND',
  'NAMESPACE_ALREADY_EXISTS',
  'NAMESPACE_NOT_EMPTY',
  'TABLE_NOT_FOUND',
  'TABLE_ALREADY_EXISTS',
  'SNAPSHOT_NOT_FOUND',
  'REF_NOT_FOUND',
]);

// A conditional put that failed or whose outcome is unknown is a lost race too: the command
// can be run again (appends re-validate; an unknown outcome is resolved by re-reading).
const CONFLICT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['COMMIT_CONFLICT', 'COMMIT_RETRIES_EXHAUSTED', 'OUTCOME_UNKNOWN', 'PRECONDITION_FAILED']);

/**
 * The exit code for an error that ended a command.
 * @param e anything thrown
 */
export function exitCodeFor(e: unknown): ExitCode {
  if (!isFloeError(e)) return EXIT.INTERNAL;
  if (USER_CODES.has(e.code)) return EXIT.USER;
  if (CONFLICT_CODES.has(e.code)) return EXIT.CONFLICT;
  if (e.code === 'STORE_ERROR' && !e.retryable) return EXIT.USER;
  return EXIT.INTERNAL;
}
