/**
 * Floe speaking to any Iceberg REST catalog (Floe's own server, Polaris, Lakekeeper, Nessie, …):
 * the same namespace and table operations as the storage catalog, so `Warehouse` and everything
 * above it behave the same whichever catalog names a table. The catalog's config comes first
 * (`GET /v1/config`: prefix, idempotency support, warehouse location); each loaded table's
 * config and vended credentials decide how its files are reached (storage-options.ts).
 *
 * @module
 */
import { type TableState } from '../../../commit/index.js';
import { InvalidArgumentError, TableNotFoundError, isFloeError } from '../../../errors.js';
import { type PartitionSpec, type Schema, type SortOrder, encodePartitionSpec, encodeSchema, encodeSortOrder } from '../../../spec/index.js';
import { type OpenedLocation, type S3RequestSigner, type StoreOptions, openLocation } from '../../../store/index.js';
import type { JsonValue } from '../../../util/index.js';
import { type NamespacePropertiesChange, type Page, type PageRequest, type TableIdentifier, formatTableIdentifier, parseNamespace, parseTableIdentifier } from '../../index.js';
import { GovernanceClient } from './governance-client.js';
import { RestHttp, type RestHttpOptions, segment } from './http.js';
import { type RestReadTransport, type RestTableAccess, readTransport, tableAccessFrom } from './read-access.js';
import { catalogSigner, remoteSigningEnabled, signerPathOf } from './remote-signer.js';
import { storageOptionsFor } from './storage-options.js';
import { RestTableOperations, type RestTableAddress, stateFromResult } from './table-operations.js';

/** Options of {@link RestCatalog.connect}. */
export interface RestCatalogOptions {
  /** The catalog's base URL (`http://127.0.0.1:8181`, `https://host/api/catalog`). */
  readonly uri: string;
  /** A bearer token (default `FLOE_CATALOG_TOKEN`). */
  readonly token?: string;
  /**
   * Client credentials `client-id:client-secret` (default `FLOE_CATALOG_CREDENTIAL`), exchanged
   * for tokens at the catalog's OAuth2 endpoint, as Iceberg clients' `credential` property.
   */
  readonly credential?: string;
  /** The warehouse to ask `GET /v1/config` for (`?warehouse=`; default `FLOE_CATALOG_WAREHOUSE`). */
  readonly warehouse?: string;
  /** A path prefix to use when the server's config names none. */
  readonly prefix?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `fetch` to use (tests validate responses through it). */
  readonly fetch?: typeof fetch;
  /** This client's own S3 settings (endpoint, credentials), used unless the catalog vends others. */
  readonly s3?: StoreOptions['s3'];
}

/** A table as the catalog answered for it. */
export interface RestLoadedTable {
  /** Dotted name. */
  readonly name: string;
  /** Its committed state. */
  readonly state: TableState;
  /** Its files, reached with the table's config and credentials. */
  readonly location: OpenedLocation;
  /** Commits and reloads through the catalog. */
  readonly operations: RestTableOperations;
  /** The S3 settings its files are reached with. */
  readonly s3: StoreOptions['s3'] | undefined;
  /** What the catalog said about the caller's access (Floe's server says it; others do not). */
  readonly access?: RestTableAccess;
  /** The catalog's read endpoint, when the caller's reads are masked: reads go there, not to the files. */
  readonly reads?: RestReadTransport;
}

/** What a new table is made of (ids assigned as the caller built them; the server may reassign). */
export interface RestNewTable {
  readonly schema: Schema;
  readonly spec: PartitionSpec;
  readonly sortOrder?: SortOrder;
  readonly properties: Readonly<Record<string, string>>;
  readonly location?: string;
}

function stringMap(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** A REST catalog, connected. */
export class RestCatalog {
  /** The kind of catalog, for callers that branch on it. */
  readonly kind = 'rest' as const;

  // One signer per signing endpoint: stores are shared per signer (store/location.ts).
  private readonly signers = new Map<string, S3RequestSigner>();

  private constructor(
    private readonly http: RestHttp,
    /** The path prefix. */
    readonly prefix: string,
    /** The catalog's merged config (defaults, then overrides). */
    readonly config: Readonly<Record<string, string>>,
    /** Where the catalog says its warehouse is, when that is a storage location this client can open (artifacts live there). */
    readonly root: OpenedLocation | undefined,
    private readonly options: RestCatalogOptions,
  ) {}

  /**
   * Connects: reads `GET /v1/config` (prefix, endpoints, idempotency support).
   * @throws the error the catalog answers (unknown warehouse, no access), or a store error when unreachable
   */
  static async connect(options: RestCatalogOptions): Promise<RestCatalog> {
    if (!/^https?:\/\/[^/]+/.test(options.uri)) throw new InvalidArgumentError(`a REST catalog URI must be http:// or https://, not ${JSON.stringify(options.uri.slice(0, 200))}`);
    const token = options.token ?? process.env['FLOE_CATALOG_TOKEN'];
    const credentialText = options.credential ?? process.env['FLOE_CATALOG_CREDENTIAL'];
    const colon = credentialText?.indexOf(':') ?? -1;
    if (credentialText !== undefined && colon <= 0) throw new InvalidArgumentError('a catalog credential is client-id:client-secret');
    const credential = credentialText !== undefined ? { clientId: credentialText.slice(0, colon), clientSecret: credentialText.slice(colon + 1) } : undefined;
    const warehouse = options.warehouse ?? process.env['FLOE_CATALOG_WAREHOUSE'];
    const httpOptions: RestHttpOptions = {
      baseUrl: options.uri,
      ...(token ? { token } : {}),
      ...(credential && !token ? { credential } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    const http = new RestHttp(httpOptions);
    const r = await http.send({ method: 'GET', path: '/v1/config', query: { warehouse: warehouse || undefined }, subject: {} });
    const body = (r.body ?? {}) as Record<string, JsonValue>;
    const config = { ...stringMap(body['defaults']), ...stringMap(body['overrides']) };
    http.settings.idempotent = typeof body['idempotency-key-lifetime'] === 'string';
    const prefix = config['prefix'] ?? options.prefix ?? '';
    let root: OpenedLocation | undefined;
    const whLocation = config['warehouse'];
    if (whLocation && /^(s3a?|file|memory):\/\//.test(whLocation)) {
      const s3 = storageOptionsFor(config, undefined, options.s3);
      root = openLocation(whLocation, s3 ? { s3 } : {});
    }
    return new RestCatalog(http, prefix, config, root, options);
  }

  /**
   * The catalog's governance (principals and grants), when it is a Floe server: the management
   * API of spec/governance.md §G4, over this connection and its token.
   */
  governance(): GovernanceClient {
    return new GovernanceClient(this.http);
  }

  private path(rest: string): string {
    return this.prefix ? `/v1/${segment(this.prefix)}${rest}` : `/v1${rest}`;
  }

  private nsPath(parts: readonly string[]): string {
    return this.path(`/namespaces/${segment(parts.join('\u001f'))}`);
  }

  // ------------------------------------------------------------------------------ namespaces

  /** Creates a namespace. @throws NamespaceAlreadyExistsError */
  async createNamespace(namespace: string | readonly string[], properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const parts = parseNamespace(namespace);
    await this.http.send({ method: 'POST', path: this.path('/namespaces'), body: { namespace: parts, properties: { ...properties } }, subject: { namespace: parts.join('.') } });
  }

  /** Whether a namespace exists. */
  async namespaceExists(namespace: string | readonly string[]): Promise<boolean> {
    const parts = parseNamespace(namespace);
    const r = await this.http.send({ method: 'HEAD', path: this.nsPath(parts), accept: [404], subject: { namespace: parts.join('.') } });
    return r.status !== 404;
  }

  /** A namespace's properties. @throws NamespaceNotFoundError */
  async namespaceProperties(namespace: string | readonly string[]): Promise<Record<string, string>> {
    const parts = parseNamespace(namespace);
    const r = await this.http.send({ method: 'GET', path: this.nsPath(parts), subject: { namespace: parts.join('.') } });
    return stringMap((r.body as Record<string, JsonValue> | undefined)?.['properties']);
  }

  /** Sets and removes namespace properties. @throws NamespaceNotFoundError */
  async updateNamespaceProperties(
    namespace: string | readonly string[],
    change: { readonly updates?: Readonly<Record<string, string>>; readonly removals?: readonly string[] },
  ): Promise<NamespacePropertiesChange> {
    const parts = parseNamespace(namespace);
    const r = await this.http.send({
      method: 'POST',
      path: `${this.nsPath(parts)}/properties`,
      body: { updates: { ...change.updates }, removals: [...(change.removals ?? [])] },
      subject: { namespace: parts.join('.') },
    });
    const b = (r.body ?? {}) as Record<string, JsonValue>;
    const list = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { updated: list(b['updated']), removed: list(b['removed']), missing: list(b['missing']) };
  }

  /** Namespaces directly under `parent`, dotted, sorted. */
  async listNamespaces(parent?: string | readonly string[]): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.listNamespacePage(parent, token === undefined ? {} : { pageToken: token });
      out.push(...page.items.map((p) => p.join('.')));
      token = page.nextPageToken;
    } while (token);
    return out.sort();
  }

  /** One page of namespaces under `parent`. */
  async listNamespacePage(parent?: string | readonly string[], page: PageRequest = {}): Promise<Page<string[]>> {
    const parts = parent === undefined ? [] : parseNamespace(parent);
    const r = await this.http.send({
      method: 'GET',
      path: this.path('/namespaces'),
      query: { parent: parts.length > 0 ? parts.join('\u001f') : undefined, pageToken: page.pageToken, pageSize: page.pageSize === undefined ? undefined : String(page.pageSize) },
      subject: { namespace: parts.join('.') },
    });
    const b = (r.body ?? {}) as Record<string, JsonValue>;
    const items = (Array.isArray(b['namespaces']) ? b['namespaces'] : []).map((n) => (Array.isArray(n) ? n.map(String) : [String(n)]));
    const next = b['next-page-token'];
    return { items, nextPageToken: typeof next === 'string' && next !== '' ? next : undefined };
  }

  /** Drops an empty namespace. @throws NamespaceNotFoundError / NamespaceNotEmptyError */
  async dropNamespace(namespace: string | readonly string[]): Promise<void> {
    const parts = parseNamespace(namespace);
    await this.http.send({ method: 'DELETE', path: this.nsPath(parts), subject: { namespace: parts.join('.') } });
  }

  // ------------------------------------------------------------------------------ tables

  /** Tables of a namespace as dotted identifiers, sorted. */
  async listTables(namespace: string | readonly string[]): Promise<string[]> {
    const parts = parseNamespace(namespace);
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.listTablePage(parts, token === undefined ? {} : { pageToken: token });
      out.push(...page.items.map((n) => [...parts, n].join('.')));
      token = page.nextPageToken;
    } while (token);
    return out.sort();
  }

  /** One page of a namespace's table names. */
  async listTablePage(namespace: string | readonly string[], page: PageRequest = {}): Promise<Page<string>> {
    const parts = parseNamespace(namespace);
    const r = await this.http.send({
      method: 'GET',
      path: `${this.nsPath(parts)}/tables`,
      query: { pageToken: page.pageToken, pageSize: page.pageSize === undefined ? undefined : String(page.pageSize) },
      subject: { namespace: parts.join('.') },
    });
    const b = (r.body ?? {}) as Record<string, JsonValue>;
    const ids = Array.isArray(b['identifiers']) ? b['identifiers'] : [];
    const next = b['next-page-token'];
    return { items: ids.map((i) => String((i as Record<string, JsonValue>)['name'])), nextPageToken: typeof next === 'string' && next !== '' ? next : undefined };
  }

  private address(identifier: string | TableIdentifier): RestTableAddress {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    return { name: formatTableIdentifier(id), namespace: id.namespace, table: id.name, prefix: this.prefix };
  }

  private tablePath(a: RestTableAddress): string {
    return `${this.nsPath(a.namespace)}/tables/${segment(a.table)}`;
  }

  /** Whether a table exists (false also when its namespace does not). */
  async tableExists(identifier: string | TableIdentifier): Promise<boolean> {
    const a = this.address(identifier);
    const r = await this.http.send({ method: 'HEAD', path: this.tablePath(a), accept: [404], subject: { table: a.name } });
    return r.status !== 404;
  }

  private loaded(a: RestTableAddress, body: JsonValue | undefined): RestLoadedTable {
    const state = stateFromResult(body, a.name);
    const b = (body ?? {}) as Record<string, JsonValue>;
    const tableConfig = { ...this.config, ...stringMap(b['config']) };
    const given = storageOptionsFor(tableConfig, b['storage-credentials'], this.options.s3, state.metadata.location);
    const s3 = given?.credentials === undefined && !this.holdsKeys() && remoteSigningEnabled(tableConfig) ? { ...given, signer: this.signerFor(tableConfig, a.name) } : given;
    const location = openLocation(state.metadata.location, s3 ? { s3 } : {});
    const access = tableAccessFrom(stringMap(b['config']), a.name);
    return {
      name: a.name,
      state,
      location,
      operations: new RestTableOperations(this.http, a, location.store),
      s3,
      ...(access ? { access } : {}),
      ...(access?.readPolicy ? { reads: readTransport(this.http, a, access.readPolicy) } : {}),
    };
  }

  /**
   * Whether this client has S3 keys of its own (`s3.credentials`, or `FLOE_S3_ACCESS_KEY` and
   * `FLOE_S3_SECRET_KEY`): then it uses them, and asks for remote signing only when it has none.
   */
  private holdsKeys(): boolean {
    const env = this.options.s3?.env ?? process.env;
    return this.options.s3?.credentials !== undefined || (env['FLOE_S3_ACCESS_KEY'] !== undefined && env['FLOE_S3_SECRET_KEY'] !== undefined);
  }

  private signerFor(config: Readonly<Record<string, string>>, table: string): S3RequestSigner {
    const path = signerPathOf(config, this.http.baseUrl);
    let signer = this.signers.get(path);
    if (!signer) {
      signer = catalogSigner(this.http, path, table);
      this.signers.set(path, signer);
    }
    return signer;
  }

  /** The access this client asks tables to be served with (`X-Iceberg-Access-Delegation`). */
  private delegation(): Record<string, string> {
    return { 'x-iceberg-access-delegation': this.holdsKeys() ? 'vended-credentials' : 'vended-credentials,remote-signing' };
  }

  /** Loads a table. @throws TableNotFoundError / NamespaceNotFoundError */
  async loadTable(identifier: string | TableIdentifier): Promise<RestLoadedTable> {
    const a = this.address(identifier);
    const r = await this.http.send({ method: 'GET', path: this.tablePath(a), headers: this.delegation(), subject: { table: a.name } });
    return this.loaded(a, r.body);
  }

  /** Creates a table. @throws NamespaceNotFoundError / TableAlreadyExistsError */
  async createTable(identifier: string | TableIdentifier, table: RestNewTable): Promise<RestLoadedTable> {
    const a = this.address(identifier);
    const body: Record<string, JsonValue> = {
      name: a.table,
      schema: encodeSchema(table.schema),
      'partition-spec': encodePartitionSpec(table.spec),
      properties: { ...table.properties },
      ...(table.sortOrder ? { 'write-order': encodeSortOrder(table.sortOrder) } : {}),
      ...(table.location ? { location: table.location } : {}),
    };
    const r = await this.http.send({ method: 'POST', path: `${this.nsPath(a.namespace)}/tables`, body, headers: this.delegation(), subject: { table: a.name } });
    return this.loaded(a, r.body);
  }

  /** Registers an existing table by its metadata file. @throws NamespaceNotFoundError / TableAlreadyExistsError */
  async registerTable(identifier: string | TableIdentifier, metadataLocation: string, options: { readonly overwrite?: boolean } = {}): Promise<RestLoadedTable> {
    const a = this.address(identifier);
    const r = await this.http.send({
      method: 'POST',
      path: `${this.nsPath(a.namespace)}/register`,
      body: { name: a.table, 'metadata-location': metadataLocation, ...(options.overwrite ? { overwrite: true } : {}) },
      subject: { table: a.name },
    });
    return this.loaded(a, r.body);
  }

  /** Renames a table. @throws TableNotFoundError / TableAlreadyExistsError / UnsupportedError */
  async renameTable(from: string | TableIdentifier, to: string | TableIdentifier): Promise<void> {
    const src = this.address(from);
    const dst = this.address(to);
    await this.http.send({
      method: 'POST',
      path: this.path('/tables/rename'),
      body: { source: { namespace: [...src.namespace], name: src.table }, destination: { namespace: [...dst.namespace], name: dst.table } },
      subject: { table: src.name },
    });
  }

  /** Drops a table; with `purge`, asks the catalog to delete its files. @throws TableNotFoundError */
  async dropTable(identifier: string | TableIdentifier, options: { readonly purge?: boolean } = {}): Promise<void> {
    const a = this.address(identifier);
    try {
      await this.http.send({ method: 'DELETE', path: this.tablePath(a), query: { purgeRequested: options.purge ? 'true' : 'false' }, subject: { table: a.name } });
    } catch (e) {
      if (isFloeError(e, 'NAMESPACE_NOT_FOUND')) throw new TableNotFoundError(a.name, { cause: e });
      throw e;
    }
  }
}
