/**
 * Floe errors ↔ the REST spec's error model (`IcebergErrorResponse`: `{"error": {message, type,
 * code}}`), both ways: the server answers every failure with it; Floe's REST client turns it
 * back into the Floe error a local table would have thrown, so callers branch on the same
 * `code` whichever catalog names the table. The `type` strings are the Java exception names
 * Iceberg clients map on (Java `ErrorHandlers`, PyIceberg `rest.py`).
 *
 * @module
 */
import {
  CommitConflictError,
  type ErrorCode,
  FloeError,
  InternalError,
  InvalidArgumentError,
  NamespaceAlreadyExistsError,
  NamespaceNotEmptyError,
  NamespaceNotFoundError,
  NotAuthenticatedError,
  NotAuthorizedError,
  OutcomeUnknownError,
  StoreError,
  TableAlreadyExistsError,
  TableNotFoundError,
  UnsupportedError,
  isFloeError,
} from '../../../errors.js';
import type { JsonValue } from '../../../util/index.js';

/** The HTTP status and Iceberg error type of a failure. */
export interface HttpFailure {
  /** HTTP status. */
  readonly status: number;
  /** The `type` of `IcebergErrorResponse` (a Java exception name). */
  readonly type: string;
}

const BY_CODE: Partial<Record<ErrorCode, HttpFailure>> = {
  INVALID_ARGUMENT: { status: 400, type: 'BadRequestException' },
  VALIDATION: { status: 400, type: 'ValidationException' },
  SCHEMA_MISMATCH: { status: 400, type: 'ValidationException' },
  CONSTRAINT_VIOLATION: { status: 400, type: 'ValidationException' },
  UNSUPPORTED: { status: 406, type: 'UnsupportedOperationException' },
  NOT_IMPLEMENTED: { status: 406, type: 'UnsupportedOperationException' },
  NAMESPACE_NOT_FOUND: { status: 404, type: 'NoSuchNamespaceException' },
  TABLE_NOT_FOUND: { status: 404, type: 'NoSuchTableException' },
  SNAPSHOT_NOT_FOUND: { status: 400, type: 'BadRequestException' },
  REF_NOT_FOUND: { status: 400, type: 'BadRequestException' },
  NAMESPACE_ALREADY_EXISTS: { status: 409, type: 'AlreadyExistsException' },
  TABLE_ALREADY_EXISTS: { status: 409, type: 'AlreadyExistsException' },
  NAMESPACE_NOT_EMPTY: { status: 409, type: 'NamespaceNotEmptyException' },
  COMMIT_CONFLICT: { status: 409, type: 'CommitFailedException' },
  COMMIT_RETRIES_EXHAUSTED: { status: 409, type: 'CommitFailedException' },
  OUTCOME_UNKNOWN: { status: 500, type: 'CommitStateUnknownException' },
  STORE_ERROR: { status: 503, type: 'ServiceUnavailableException' },
  NOT_AUTHENTICATED: { status: 401, type: 'NotAuthorizedException' },
  NOT_AUTHORIZED: { status: 403, type: 'ForbiddenException' },
  OVERLOADED: { status: 503, type: 'ServiceUnavailableException' },
};

/** How a Floe error (or anything thrown) is answered over HTTP. */
export function httpFailureOf(e: unknown): HttpFailure {
  if (isFloeError(e)) return BY_CODE[e.code] ?? { status: 500, type: 'InternalServerError' };
  return { status: 500, type: 'InternalServerError' };
}

/** The message a client sees: a Floe error's message and help, never a stack or a cause's internals. */
export function messageOf(e: unknown): string {
  if (e instanceof FloeError) return e.help ? `${e.message} (help: ${e.help})` : e.message;
  return 'internal server error';
}

/** The `IcebergErrorResponse` body. */
export function errorResponseBody(status: number, type: string, message: string): JsonValue {
  return { error: { message, type, code: status } };
}

/** What a client request was about, to build the same error a local catalog would throw. */
export interface RequestSubject {
  /** The request, for messages and context (`POST /v1/floe/namespaces/ml/tables/events`). */
  readonly what: string;
  /** The namespace it names, if any. */
  readonly namespace?: string;
  /** The table it names, if any (dotted). */
  readonly table?: string;
}

/**
 * The Floe error an `IcebergErrorResponse` stands for (client side): the same class and code a
 * local catalog throws, with the server's message kept as the cause.
 * @param status the HTTP status
 * @param body the parsed body, if any
 * @param subject what the request was about
 */
export function floeErrorFromResponse(status: number, body: unknown, subject: RequestSubject): FloeError {
  const err = typeof body === 'object' && body !== null ? (body as { error?: { message?: unknown; type?: unknown } }).error : undefined;
  const type = typeof err?.type === 'string' ? err.type : '';
  const message = typeof err?.message === 'string' ? err.message : `HTTP ${status}`;
  const options = { context: { request: subject.what, status, ...(type ? { type } : {}) }, cause: new Error(`${status} ${type}: ${message}`) };
  const namespace = subject.namespace ?? subject.table?.split('.').slice(0, -1).join('.') ?? '';
  const table = subject.table ?? subject.what;
  switch (type) {
    case 'NoSuchNamespaceException':
      return new NamespaceNotFoundError(namespace, options);
    case 'NoSuchTableException':
      return new TableNotFoundError(table, options);
    case 'NamespaceNotEmptyException':
      return new NamespaceNotEmptyError(namespace, options);
    case 'CommitFailedException':
      // The server found a requirement broken by a concurrent commit: the client reloads and
      // rebuilds, as after losing a conditional create (spec/commit-protocol.md §C3).
      return new CommitConflictError(`the catalog refused the commit to ${table}: ${message}`, options, true);
    case 'CommitStateUnknownException':
      return new OutcomeUnknownError(subject.what, options);
    case 'UnsupportedOperationException':
      return new UnsupportedError(message, options);
    case 'AlreadyExistsException':
      return subject.table !== undefined ? new TableAlreadyExistsError(table, options) : new NamespaceAlreadyExistsError(namespace, options);
  }
  if (status === 401 || status === 419) return new NotAuthenticatedError(`the catalog did not accept the credentials for ${subject.what}: ${message}`, options);
  if (status === 403) return new NotAuthorizedError(`the catalog refused ${subject.what}: ${message}`, options);
  if (status === 400 || status === 422) return new InvalidArgumentError(`the catalog refused ${subject.what}: ${message}`, options);
  if (status === 404) return subject.table !== undefined ? new TableNotFoundError(table, options) : new NamespaceNotFoundError(namespace, options);
  if (status === 409) return new CommitConflictError(`the catalog refused ${subject.what}: ${message}`, options, true);
  if (status === 406 || status === 501) return new UnsupportedError(message, options);
  if (status >= 500) return new StoreError('rest-catalog', `catalog server error on ${subject.what}: ${message}`, options, status === 503);
  return new InternalError(`unexpected catalog response to ${subject.what}: ${status} ${message}`, options);
}
