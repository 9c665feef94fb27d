/**
 * What every REST handler gets and returns: the service it acts on (the warehouse and its
 * storage catalog), the decoded request, and a plain response that the server serializes with
 * the lossless JSON writer. Handlers stay thin — parse, act through the catalog and table API,
 * answer — as Lakekeeper's `crates/lakekeeper/src/service` handlers do.
 *
 * @module
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { OpenedLocation, S3SigningAuthority } from '../../../store/index.js';
import type { AuditLog, Governance } from '../../../governance/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { RequestAuth } from './authz.js';
import type { JsonValue } from '../../../util/index.js';
import type { Warehouse } from '../../../warehouse.js';
import { type StorageCatalog, type TableIdentifier, parseNamespace, parseTableIdentifier } from '../../index.js';

/** The REST spec's default namespace separator in paths and `parent` (the unit separator). */
export const NAMESPACE_SEPARATOR = '\u001f';

/** A handler's answer. */
export interface RestResponse {
  /** HTTP status. */
  readonly status: number;
  /** JSON body (bigints written as integer literals), or none. */
  readonly body?: JsonValue;
  /** Extra headers (e.g. `ETag`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The service a server instance exposes. */
export interface RestService {
  /** The warehouse served. */
  readonly warehouse: Warehouse;
  /** Its storage catalog (a server serves a storage warehouse, never another REST catalog). */
  readonly catalog: StorageCatalog;
  /** Who may do what (absent: a server explicitly started without authentication). */
  readonly governance?: Governance;
  /** Where decisions are recorded (absent: a server without governance, or with `audit: false`). */
  readonly audit?: AuditLog;
  /** The path prefix clients get from `GET /v1/config` (`overrides.prefix`). */
  readonly prefix: string;
  /** The warehouse name clients may ask `GET /v1/config?warehouse=` for (the prefix, or the warehouse URI). */
  readonly warehouseNames: readonly string[];
  /** Where the server's own records (idempotency keys, metrics) live in the warehouse. */
  readonly systemPrefix: string;
  /** Files a scan planning response lists at most; larger plans are handed out as plan tasks of this many files (spec/catalog.md §K6). */
  readonly planFilesPerTask: number;
  /** Table-level config sent with every loaded table (storage endpoint, region; never secrets). */
  readonly tableConfig: Readonly<Record<string, string>>;
  /** Signs S3 requests with the warehouse's keys, for remote signing (absent: not an S3 warehouse). */
  readonly signing?: S3SigningAuthority;
  /**
   * Opens a table location a client named (create, register, `set-location`).
   * @throws InvalidArgumentError when it is outside the warehouse and the allowed locations
   */
  openClientLocation(uri: string): OpenedLocation;
}

/** One decoded request, as a handler sees it. */
export interface RestRequest {
  /** The operation's `operationId`. */
  readonly operationId: string;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string>>;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed losslessly (int64 as bigint), or undefined. */
  readonly body: JsonValue | undefined;
  /** What governance decided (absent on a server without governance). */
  readonly auth?: RequestAuth;
  /** The request's audit trail: a handler deciding on its own adds its decisions (`recordDecision(request.trail, …)`, audit-trail.ts). */
  readonly trail?: AuditTrail;
}

/** A handler of one operation. */
export type RestHandler = (service: RestService, request: RestRequest) => Promise<RestResponse>;

/** A 200 response with a JSON body. */
export function ok(body: JsonValue, headers?: Readonly<Record<string, string>>): RestResponse {
  return { status: 200, body, ...(headers ? { headers } : {}) };
}

/** A 204 response. */
export function noContent(): RestResponse {
  return { status: 204 };
}

/**
 * A path's namespace parameter as parts: split on the unit separator (and on `.`-free parts
 * only: every part is checked as the storage catalog names are, §K1 of spec/catalog.md).
 * @throws InvalidArgumentError for an empty, malformed or unsafe namespace (HTTP 400)
 */
export function namespaceParam(request: RestRequest): string[] {
  const raw = request.params['namespace'];
  if (raw === undefined) throw new InvalidArgumentError('the request names no namespace');
  return namespaceFromText(raw);
}

/** Parts of a namespace given as one string with unit separators. */
export function namespaceFromText(raw: string): string[] {
  const parts = raw.split(NAMESPACE_SEPARATOR);
  return namespaceFromParts(parts);
}

/** Checked namespace parts (spec/catalog.md §K1: no dots, slashes or other unsafe characters). */
export function namespaceFromParts(parts: readonly unknown[]): string[] {
  if (!parts.every((p): p is string => typeof p === 'string')) throw new InvalidArgumentError('namespace parts must be strings');
  return parseNamespace(parts);
}

/** The table a request's path names. @throws InvalidArgumentError (HTTP 400) */
export function tableParam(request: RestRequest): TableIdentifier {
  const ns = namespaceParam(request);
  const name = request.params['table'];
  if (name === undefined) throw new InvalidArgumentError('the request names no table');
  return tableIdentifierOf(ns, name);
}

/** A checked table identifier from namespace parts and a name. */
export function tableIdentifierOf(namespace: readonly string[], name: unknown): TableIdentifier {
  if (typeof name !== 'string' || !/^[^.]*$/.test(name)) {
    throw new InvalidArgumentError(`not a valid table name: ${JSON.stringify(String(name).slice(0, 64))}`, { context: { table: String(name).slice(0, 64) } });
  }
  return parseTableIdentifier([...namespaceFromParts(namespace), name].join('.'));
}

/** The `{namespace, name}` JSON of a table identifier. */
export function identifierJson(id: TableIdentifier): JsonValue {
  return { namespace: [...id.namespace], name: id.name };
}

/** A request's body as an object. @throws InvalidArgumentError (HTTP 400) */
export function bodyObject(request: RestRequest): Record<string, JsonValue> {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new InvalidArgumentError('the request body must be a JSON object');
  return b;
}
