/**
 * How the S3 backend reads an AWS SDK error (spec/storage.md §S5.3): the HTTP status, whether the
 * request may have reached the server, and whether a plain (non-conditional) request is worth
 * retrying. Kept apart from s3.ts so that the mapping is unit-testable without a server, and so
 * that every vendor quirk has one place and one comment.
 *
 * @module
 */

/** The parts of an SDK error (S3ServiceException, a Node socket error, an abort) we look at. */
interface SdkErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

function asSdkError(e: unknown): SdkErrorLike {
  return typeof e === 'object' && e !== null ? (e as SdkErrorLike) : {};
}

/**
 * The HTTP status of a failed request, or undefined when no answer came (network error, timeout).
 * @param e what the SDK threw
 */
export function httpStatusOf(e: unknown): number | undefined {
  const status = asSdkError(e).$metadata?.httpStatusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/**
 * The S3 error code (`NoSuchKey`, `PreconditionFailed`, `SlowDown`, …) or the Node error code.
 * @param e what the SDK threw
 */
export function errorCodeOf(e: unknown): string {
  const err = asSdkError(e);
  return err.code ?? err.name ?? 'Unknown';
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NEVER_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/**
 * Whether the request certainly never reached the server (connection refused, DNS failure), so
 * that even a conditional put can be sent again without risk.
 * @param e what the SDK threw
 */
export function wasNeverSent(e: unknown): boolean {
  const err = asSdkError(e);
  return httpStatusOf(e) === undefined && NEVER_SENT.has(err.code ?? '');
}

/**
 * Whether the outcome of the request is unknown to us: no answer (timeout, reset, abort) or a
 * 5xx. For a conditional put this is "outcome unknown": the write may have landed.
 * @param e what the SDK threw
 */
export function isOutcomeUnknown(e: unknown): boolean {
  const status = httpStatusOf(e);
  if (status !== undefined) return status >= 500 && status !== 501;
  if (wasNeverSent(e)) return false;
  const err = asSdkError(e);
  return (
    NETWORK.has(err.code ?? '') ||
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    err.name === 'RequestTimeout' ||
    /socket hang up|timed? ?out|network/i.test(err.message ?? '')
  );
}

/**
 * Whether a plain (idempotent) request should be retried: throttling (429, 503 SlowDown), other
 * 5xx, S3's 409 OperationAborted / ConditionalRequestConflict, a 408, or a network failure or timeout.
 * @param e what the SDK threw
 */
export function isTransient(e: unknown): boolean {
  const status = httpStatusOf(e);
  const code = errorCodeOf(e);
  if (THROTTLING.has(code)) return true;
  if (status !== undefined) return status === 408 || status === 409 || status === 429 || (status >= 500 && status !== 501);
  return wasNeverSent(e) || isOutcomeUnknown(e);
}

/**
 * Whether the error says the object (not the bucket) is missing.
 * @param e what the SDK threw
 */
export function isNoSuchKey(e: unknown): boolean {
  const code = errorCodeOf(e);
  if (code === 'NoSuchBucket') return false;
  return code === 'NoSuchKey' || code === 'NotFound' || httpStatusOf(e) === 404;
}

/**
 * Whether the credentials or permissions were refused.
 * @param e what the SDK threw
 */
export function isAccessDenied(e: unknown): boolean {
  const code = errorCodeOf(e);
  return (
    httpStatusOf(e) === 403 ||
    ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'CredentialsProviderError', 'ExpiredToken'].includes(code)
  );
}

/**
 * Strips the quotes (and a weak `W/` marker) from an ETag header value: Floe's ETags are unquoted
 * (object-store.ts `ObjectVersion.etag`), and RGW compares `If-Match` with its stored, unquoted
 * ETag byte for byte (spec/storage.md §S6, quirk Q1).
 * @param etag the header value, e.g. `"9b2cf535f27731c974343645a3985328"`
 */
export function unquoteEtag(etag: string | undefined): string | undefined {
  if (etag === undefined || etag === '') return undefined;
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
