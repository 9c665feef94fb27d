/**
 * Floe's errors: one base class, {@link FloeError}, with a stable machine-readable `code`, a
 * `context` record naming the objects involved (path, table, version, field), the native
 * `cause`, and whether retrying the same operation can succeed.
 *
 * Errors are translated once, where they enter Floe: no AWS SDK error escapes `store/`, no
 * ZodError escapes `spec/`, no wasm error escapes `io/`. Callers branch on `code` (or the class),
 * never on message text. Modelled on iceberg-rust's `Error` (kind, message, context, source,
 * retryable), printed on one line.
 *
 * @module
 */

/** Values allowed in an error's context: short, printable, serialisable. */
export type ErrorContext = Readonly<Record<string, string | number | bigint | boolean>>;

/** Every stable error code Floe raises. Codes never change meaning once published. */
export const ERROR_CODES = [
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PRECONDITION_FAILED',
  'NOT_IMPLEMENTED',
  'OUTCOME_UNKNOWN',
  'STORE_ERROR',
  'INVALID_ARGUMENT',
  'VALIDATION',
  'CORRUPT_FILE',
  'UNSUPPORTED',
  'SCHEMA_MISMATCH',
  'COMMIT_CONFLICT',
  'COMMIT_RETRIES_EXHAUSTED',
  'NAMESPACE_NOT_FOUND',
  'NAMESPACE_ALREADY_EXISTS',
  'NAMESPACE_NOT_EMPTY',
  'TABLE_NOT_FOUND',
  'TABLE_ALREADY_EXISTS',
  'SNAPSHOT_NOT_FOUND',
  'REF_NOT_FOUND',
  'DATA_FILE_NOT_FOUND',
  'CONSTRAINT_VIOLATION',
  'NOT_AUTHENTICATED',
  'NOT_AUTHORIZED',
  'OVERLOADED',
  'INTERNAL',
] as const;

/** A stable error code: see {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Options shared by every Floe error constructor. */
export interface FloeErrorOptions {
  /** Objects involved, printed as `{k: v}`: path, table, version, field, … */
  readonly context?: ErrorContext;
  /** The underlying error, kept as the native `Error.cause`. */
  readonly cause?: unknown;
  /** A line telling the user what they can do about it, printed after the message. */
  readonly help?: string;
}

// A brand that survives two copies of this package being loaded (a bundled CLI next to a
// library copy): `instanceof` fails across copies, a registered symbol does not.
const FLOE_ERROR_BRAND = Symbol.for('floe.error');

/**
 * The base of every error Floe raises on purpose.
 *
 * `toString()` prints one line: `CODE {k: v, …} message; help: …; caused by: …`.
 */
export class FloeError extends Error {
  /** The stable code to branch on. */
  readonly code: ErrorCode;
  /** The objects involved. */
  readonly context: ErrorContext;
  /** Whether the same operation, retried, may succeed. */
  readonly retryable: boolean;
  /** What the user can do about it, if anything. */
  readonly help: string | undefined;

  /**
   * @param code stable code
   * @param message lowercase, naming the object and numbers involved
   * @param options context, cause, help
   * @param retryable whether retrying can succeed
   */
  constructor(code: ErrorCode, message: string, options: FloeErrorOptions = {}, retryable = false) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = options.context ?? {};
    this.retryable = retryable;
    this.help = options.help;
    this.name = new.target.name;
    Object.defineProperty(this, FLOE_ERROR_BRAND, { value: true });
  }

  /** One line: code, context, message, help, cause. */
  override toString(): string {
    const ctx = Object.entries(this.context)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
    let line = `${this.code}${ctx ? ` {${ctx}}` : ''} ${this.message}`;
    if (this.help) line += `; help: ${this.help}`;
    if (this.cause !== undefined) {
      const c = this.cause;
      line += `; caused by: ${c instanceof Error ? c.toString() : String(c)}`;
    }
    return line;
  }
}

/**
 * Whether `e` is a Floe error, optionally with a given code. Works across copies of the package.
 * @param e anything thrown
 * @param code the code to match, if any
 */
export function isFloeError(e: unknown, code?: ErrorCode): e is FloeError {
  if (typeof e !== 'object' || e === null) return false;
  if ((e as Record<symbol, unknown>)[FLOE_ERROR_BRAND] !== true) return false;
  return code === undefined || (e as FloeError).code === code;
}

// ---------------------------------------------------------------- store errors (A1's enum)

/** The object does not exist. */
export class NotFoundError extends FloeError {
  /** @param path the missing object @param options context and cause */
  constructor(readonly path: string, options: FloeErrorOptions = {}) {
    super('NOT_FOUND', `object not found: ${path}`, { ...options, context: { path, ...options.context } });
  }
}

/** A `create` put found the object already there. */
export class AlreadyExistsError extends FloeError {
  /** @param path the existing object @param options context and cause */
  constructor(readonly path: string, options: FloeErrorOptions = {}) {
    super('ALREADY_EXISTS', `object already exists: ${path}`, { ...options, context: { path, ...options.context } });
  }
}

/** An `update` put's expected version did not match the current one (or the object was missing). */
export class PreconditionFailedError extends FloeError {
  /** @param path the object @param options context (expected etag) and cause */
  constructor(readonly path: string, options: FloeErrorOptions = {}) {
    super('PRECONDITION_FAILED', `precondition failed on ${path}: the object changed or is missing`, {
      ...options,
      context: { path, ...options.context },
    });
  }
}

/** A backend does not provide an operation (see its `capabilities`). */
export class NotImplementedError extends FloeError {
  /**
   * @param operation what was asked, e.g. `put mode update`
   * @param implementer which backend lacks it
   */
  constructor(readonly operation: string, readonly implementer: string, options: FloeErrorOptions = {}) {
    super('NOT_IMPLEMENTED', `${operation} is not implemented by ${implementer}`, {
      ...options,
      context: { operation, implementer, ...options.context },
    });
  }
}

/**
 * A conditional put may or may not have been applied (a timeout, a 5xx, a dropped response).
 * The caller must re-read the object to decide; it must never assume success or failure.
 */
export class OutcomeUnknownError extends FloeError {
  /** @param path the object @param options context and cause */
  constructor(readonly path: string, options: FloeErrorOptions = {}) {
    super('OUTCOME_UNKNOWN', `outcome of the conditional write to ${path} is unknown`, {
      ...options,
      context: { path, ...options.context },
    }, true);
  }
}

/** Any other failure of a store (network, permission, server error on a plain request). */
export class StoreError extends FloeError {
  /**
   * @param store the backend's name
   * @param message what failed
   * @param options context, cause
   * @param retryable whether a retry may succeed
   */
  constructor(readonly store: string, message: string, options: FloeErrorOptions = {}, retryable = false) {
    super('STORE_ERROR', message, { ...options, context: { store, ...options.context } }, retryable);
  }
}

// ---------------------------------------------------------------- engine errors

/** A caller passed an argument Floe cannot use (a bad name, option, or expression). */
export class InvalidArgumentError extends FloeError {
  /** @param message what is wrong and with which value @param options context */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Metadata failed its schema or a cross-field rule. `context.path` names the field, `context.file` the file. */
export class ValidationError extends FloeError {
  /** @param message what rule failed @param options context (file, field path) */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('VALIDATION', message, options);
  }
}

/** A file's bytes cannot be decoded (truncated metadata, bad Avro, bad Parquet). */
export class CorruptFileError extends FloeError {
  /** @param path the file @param message what failed @param options cause */
  constructor(readonly path: string, message: string, options: FloeErrorOptions = {}) {
    super('CORRUPT_FILE', `${path}: ${message}`, { ...options, context: { path, ...options.context } });
  }
}

/** A feature of the format or an engine that Floe does not support (yet). */
export class UnsupportedError extends FloeError {
  /** @param message what is unsupported @param options context */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('UNSUPPORTED', message, options);
  }
}

/** Data does not fit the table's schema (missing required column, wrong type, null in a required field). */
export class SchemaMismatchError extends FloeError {
  /** @param message which field and why @param options context (table, field) */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('SCHEMA_MISMATCH', message, options);
  }
}

/**
 * Another writer committed first and this commit cannot be re-applied on top of it (or, with
 * `retryable`, it can: the commit loop retries those).
 */
export class CommitConflictError extends FloeError {
  /**
   * @param message the reason, naming the conflicting snapshot
   * @param options context (table, version, conflicting snapshot id)
   * @param retryable whether re-applying on the new base may succeed
   */
  constructor(message: string, options: FloeErrorOptions = {}, retryable = true) {
    super('COMMIT_CONFLICT', message, options, retryable);
  }
}

/** The commit loop spent its retry budget (`commit.retry.*` table properties). */
export class CommitRetriesExhaustedError extends FloeError {
  /** @param message attempts and time spent @param options context, last cause */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('COMMIT_RETRIES_EXHAUSTED', message, options);
  }
}

/** No namespace by that name. */
export class NamespaceNotFoundError extends FloeError {
  /** @param namespace the name */
  constructor(readonly namespace: string, options: FloeErrorOptions = {}) {
    super('NAMESPACE_NOT_FOUND', `namespace not found: ${namespace}`, { ...options, context: { namespace, ...options.context } });
  }
}

/** A namespace by that name exists already. */
export class NamespaceAlreadyExistsError extends FloeError {
  /** @param namespace the name */
  constructor(readonly namespace: string, options: FloeErrorOptions = {}) {
    super('NAMESPACE_ALREADY_EXISTS', `namespace already exists: ${namespace}`, {
      ...options,
      context: { namespace, ...options.context },
    });
  }
}

/** A namespace still holds tables. */
export class NamespaceNotEmptyError extends FloeError {
  /** @param namespace the name */
  constructor(readonly namespace: string, options: FloeErrorOptions = {}) {
    super('NAMESPACE_NOT_EMPTY', `namespace is not empty: ${namespace}`, { ...options, context: { namespace, ...options.context } });
  }
}

/** No table by that name or at that location. */
export class TableNotFoundError extends FloeError {
  /** @param table the name or location */
  constructor(readonly table: string, options: FloeErrorOptions = {}) {
    super('TABLE_NOT_FOUND', `table not found: ${table}`, { ...options, context: { table, ...options.context } });
  }
}

/** A table by that name exists already. */
export class TableAlreadyExistsError extends FloeError {
  /** @param table the name */
  constructor(readonly table: string, options: FloeErrorOptions = {}) {
    super('TABLE_ALREADY_EXISTS', `table already exists: ${table}`, { ...options, context: { table, ...options.context } });
  }
}

/** No snapshot matches the id or timestamp asked for. */
export class SnapshotNotFoundError extends FloeError {
  /** @param message which snapshot was asked for, in which table */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('SNAPSHOT_NOT_FOUND', message, options);
  }
}

/** No branch or tag by that name. */
export class RefNotFoundError extends FloeError {
  /** @param ref the name */
  constructor(readonly ref: string, options: FloeErrorOptions = {}) {
    super('REF_NOT_FOUND', `ref not found: ${ref}`, { ...options, context: { ref, ...options.context } });
  }
}

/** A data or delete file referenced by a snapshot is missing from storage. */
export class DataFileNotFoundError extends FloeError {
  /** @param path the file as recorded @param options context (table, snapshot) */
  constructor(readonly path: string, options: FloeErrorOptions = {}) {
    super('DATA_FILE_NOT_FOUND', `data file referenced by the table is missing: ${path}`, {
      ...options,
      context: { path, ...options.context },
    });
  }
}

/** One violated data-contract constraint, as reported by {@link ConstraintViolationError}. */
export interface ConstraintViolationDetail {
  /** The constraint, as `kind(column)` (e.g. `not-null(user_id)`, `max-rows`). */
  readonly constraint: string;
  /** How many rows violate it (for a per-commit constraint: 1, the commit). */
  readonly count: number;
  /** What was found, for per-commit constraints (`null fraction 0.4 > 0.1`, `12 rows < 100`). */
  readonly detail?: string;
  /** Up to a few violating rows, as plain objects. */
  readonly sampleRows: readonly Readonly<Record<string, unknown>>[];
}

/**
 * Data broke a table's declared constraints (its data contract): nothing was committed.
 * `violations` has per-constraint counts and sample rows.
 */
export class ConstraintViolationError extends FloeError {
  /**
   * @param table the table written to
   * @param violations each violated constraint with its count and sample rows
   * @param options context, help
   */
  constructor(readonly table: string, readonly violations: readonly ConstraintViolationDetail[], options: FloeErrorOptions = {}) {
    super(
      'CONSTRAINT_VIOLATION',
      `data violates ${violations.length} constraint(s) of table ${table}, nothing committed: ${violations.map((v) => `${v.constraint}: ${v.detail ?? `${v.count} row(s)`}`).join('; ')}`,
      { help: "fix the data, or write with onViolation: 'quarantine' to commit the good rows", ...options, context: { table, violated: violations.length, ...options.context } },
    );
  }
}

/**
 * A request carried no credentials, or ones that do not hold: no token, a malformed, expired,
 * tampered or revoked one, or a wrong client secret (HTTP 401).
 */
export class NotAuthenticatedError extends FloeError {
  /** @param message what was wrong (never the credential itself) */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('NOT_AUTHENTICATED', message, options);
  }
}

/** The principal is known but lacks the privilege the request needs (HTTP 403). */
export class NotAuthorizedError extends FloeError {
  /** @param message who may not do what on which object */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('NOT_AUTHORIZED', message, options);
  }
}

/**
 * The server is doing as much of some costly work as it takes at once (HTTP 503, with
 * `Retry-After`): retrying later may succeed. `context.retryAfterSeconds` says when.
 */
export class OverloadedError extends FloeError {
  /** @param message what is busy @param options context (retryAfterSeconds) */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('OVERLOADED', message, options, true);
  }
}

/** A bug in Floe: an invariant that should hold did not. Please report it. */
export class InternalError extends FloeError {
  /** @param message the broken invariant */
  constructor(message: string, options: FloeErrorOptions = {}) {
    super('INTERNAL', `${message} (this is a bug in floe, please report it)`, options);
  }
}
