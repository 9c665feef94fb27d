/**
 * The Iceberg REST catalog server over a Floe warehouse: Fastify for HTTP (connections, body
 * limits, content types), openapi-backend for routing by the spec's `operationId`s and validating
 * every request against the OpenAPI document, and the handlers of this folder for the work. Its
 * state is the warehouse's (spec/catalog.md): restart it, or run two on one warehouse, and
 * nothing is lost and nothing disagrees.
 *
 *     request ─► Fastify (body ≤ limit, raw text) ─► openapi-backend: route + validate ─► handler
 *        ◄─ IcebergErrorResponse on any failure ◄─ response (lossless JSON) ◄─ [validate response]
 *
 * Bodies are parsed twice: with `JSON.parse` for validation (shape only) and with the lossless
 * parser for the handler, so int64 snapshot ids reach the commit exactly.
 *
 * @module
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Context, OpenAPIBackend, Operation } from 'openapi-backend';
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError } from '../../../errors.js';
import { type OpenedLocation, S3SigningAuthority, childLocation, openLocation } from '../../../store/index.js';
import { type JsonValue, newUuid, parseJson, stringifyJson } from '../../../util/index.js';
import type { Warehouse } from '../../../warehouse.js';
import { StorageCatalog } from '../../index.js';
import { type AuditLog, AuditLogSettingsSchema, type Credential, Governance } from '../../../governance/index.js';
import { errorResponseBody, httpFailureOf, messageOf } from '../wire/index.js';
import { commitTransaction, updateTable } from './commits.js';
import { getConfig } from './config.js';
import type { RestHandler, RestRequest, RestResponse, RestService } from './context.js';
import { requestFingerprint, runIdempotent } from './idempotency.js';
import { cancelPlanning, DEFAULT_PLAN_FILES_PER_TASK, fetchPlanningResult, fetchScanTasks, planTableScan } from './planning.js';
import { authorizeRequest } from './authz.js';
import { type AuditSinkOptions, startAuditLog } from './audit-sink.js';
import { newAuditTrail, recordTrail } from './audit-trail.js';
import { getToken } from './oauth.js';
import { registerManagementRoutes } from './management.js';
import { createNamespace, dropNamespace, listNamespaces, loadNamespaceMetadata, namespaceExists, updateProperties } from './namespaces.js';
import { type SchemaIssue, checkResponse, createOpenApiBackend, declaredStatuses } from './openapi.js';
import { signRequest } from './signing.js';
import { createTable, dropTable, listTables, loadTable, registerTable, renameTable, reportMetrics, tableExists, unregisterTable } from './tables.js';
import { registerReadRoute } from './read-endpoint.js';
import { governedTableHandler } from './read-policy.js';

/** Handlers by `operationId`. Operations of the document not listed here answer 406. */
const HANDLERS: Readonly<Record<string, RestHandler>> = {
  getConfig,
  listNamespaces,
  createNamespace,
  loadNamespaceMetadata,
  namespaceExists,
  dropNamespace,
  updateProperties,
  listTables,
  // Table answers follow the caller's grants: privileges, read policy, no file access for a
  // masked reader, lineage redacted (read-policy.ts).
  createTable: governedTableHandler(createTable),
  loadTable: governedTableHandler(loadTable),
  tableExists,
  dropTable,
  unregisterTable,
  registerTable: governedTableHandler(registerTable),
  renameTable,
  reportMetrics,
  updateTable: governedTableHandler(updateTable),
  commitTransaction,
  planTableScan,
  fetchPlanningResult,
  cancelPlanning,
  fetchScanTasks,
  signRequest,
};

/** Options of {@link startRestCatalogServer}. */
export interface RestCatalogServerOptions {
  /** The warehouse to serve. */
  readonly warehouse: Warehouse;
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** The path prefix handed to clients (default `floe`). */
  readonly prefix?: string;
  /** Table locations outside the warehouse that clients may create or register tables at (URI prefixes). */
  readonly allowedLocations?: readonly string[];
  /** Largest request body, bytes (default 16 MiB). */
  readonly bodyLimitBytes?: number;
  /**
   * Validate every response against the OpenAPI document before sending it (default true). An
   * invalid one is replaced by a 500 naming the violation, and reported to `onInvalidResponse`.
   */
  readonly validateResponses?: boolean;
  /** Called with each response that failed validation (tests fail on it). */
  readonly onInvalidResponse?: (operationId: string, status: number, issues: readonly SchemaIssue[]) => void;
  /** Table config sent with every loaded table, on top of what the warehouse's S3 settings give. */
  readonly tableConfig?: Readonly<Record<string, string>>;
  /**
   * Files a scan planning response lists at most (default 1000): a larger plan is answered with
   * plan tasks of at most this many files each, which clients fetch one by one.
   */
  readonly planFilesPerTask?: number;
  /**
   * Authentication and authorization (spec/governance.md): by default the warehouse's own
   * governance, whose first principal (an admin) is created on first start with `admin` as its
   * credential (or a new one, returned once in `RestCatalogServer.admin`). `'none'`: every request
   * may do everything — only for a server nobody else can reach (tests, a laptop); it must be
   * asked for explicitly.
   */
  readonly governance?: Governance | 'none';
  /** The first admin's credential, when the warehouse has no principal yet (default: a new one). */
  readonly admin?: Partial<Credential>;
  /**
   * The audit log (spec/governance.md §G8): every decision of a governed server is appended, in
   * batches, to the warehouse's `_system.audit` table. On by default when governed; `false` turns
   * it off; an object sets the batching (default: 500 events, or every 5 s, or on close).
   */
  readonly audit?: false | AuditSinkOptions;
}

/** A running server. */
export interface RestCatalogServer {
  /** The base URL clients use (`http://127.0.0.1:port`). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The path prefix of its routes. */
  readonly prefix: string;
  /** The admin principal created on this start (its credential, to be shown once), if one was. */
  readonly admin?: { readonly name: string; readonly credential: Credential };
  /** Writes the audit events buffered so far; resolves to how many could not be written (kept for later). */
  flushAudit(): Promise<number>;
  /** Stops accepting requests, closes connections, and writes the audit events left. */
  close(): Promise<void>;
}

/** The header values a handler sees: lower-case names, first value of repeated ones. */
function flatHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v[0]! : v;
  return out;
}

function flatQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

function decodeParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      throw new InvalidArgumentError(`path parameter ${k} is not valid percent-encoding`, { context: { parameter: k } });
    }
  }
  return out;
}

/** The status to answer a failure with, given what the operation declares (else 400 / 500). */
function statusFor(preferred: number, operation: Operation | undefined): number {
  if (!operation) return preferred;
  const declared = declaredStatuses(operation);
  if (declared.has(String(preferred)) || declared.has(`${String(preferred)[0]}XX`)) return preferred;
  return preferred >= 500 ? 500 : 400;
}

/** The `IcebergErrorResponse` for a failure. */
export function errorResponse(e: unknown, operation: Operation | undefined): RestResponse {
  const failure = httpFailureOf(e);
  const status = statusFor(failure.status, operation);
  const body = errorResponseBody(status, failure.type, messageOf(e));
  // The spec's 406 `UnsupportedOperationResponse` is declared as a bare `ErrorModel`, while every
  // client reads the `{"error": …}` wrapper: send both forms so that either reading holds.
  if (status === 406) return { status, body: { ...(body as { error: Record<string, JsonValue> }).error, ...(body as Record<string, JsonValue>) } };
  // RFC 6750 §3: a 401 names the authentication scheme (as the management routes' 401s do).
  if (status === 401) return { status, body, headers: { 'www-authenticate': 'Bearer' } };
  return { status, body };
}

function locationPolicy(warehouse: Warehouse, catalog: StorageCatalog, allowed: readonly string[]): (uri: string) => OpenedLocation {
  const root = catalog.root;
  return (uri) => {
    const clean = uri.replace(/\/+$/, '');
    if (clean === root.uri || clean.startsWith(`${root.uri}/`)) {
      const rel = clean.slice(root.uri.length + 1);
      if (!rel || rel.split('/').some((p) => p === '' || p === '.' || p === '..')) throw new InvalidArgumentError(`not a table location inside the warehouse: ${JSON.stringify(uri)}`);
      return childLocation(root, rel);
    }
    if (allowed.some((a) => clean.startsWith(a.replace(/\/+$/, '') + '/'))) {
      const s3 = warehouse.s3Options;
      return openLocation(clean, s3 ? { s3 } : {});
    }
    throw new InvalidArgumentError(`location ${JSON.stringify(uri.slice(0, 200))} is outside the warehouse ${root.uri}; this server only writes inside it`, {
      help: 'start the server with allowedLocations to permit other locations',
    });
  };
}

function storageConfigOf(warehouse: Warehouse, catalog: StorageCatalog): Record<string, string> {
  const s3 = warehouse.s3Options;
  if (!catalog.root.uri.startsWith('s3://')) return {};
  const endpoint = s3?.endpoint ?? process.env['FLOE_S3_ENDPOINT'];
  const region = s3?.region ?? process.env['FLOE_S3_REGION'];
  return {
    ...(endpoint ? { 's3.endpoint': endpoint } : {}),
    ...(region ? { 'client.region': region } : {}),
    ...(s3?.forcePathStyle !== false && endpoint ? { 's3.path-style-access': 'true' } : {}),
  };
}

/**
 * The signer of an S3 warehouse: the warehouse's own S3 settings and keys (spec/governance.md §G6).
 * A local folder or memory warehouse gets none: its files cannot be confined.
 */
function signingAuthorityOf(warehouse: Warehouse, catalog: StorageCatalog): S3SigningAuthority | undefined {
  if (!/^s3[an]?:\/\//.test(catalog.root.uri)) return undefined;
  const { client: _client, signer: _signer, ...s3 } = warehouse.s3Options ?? {};
  return new S3SigningAuthority(s3);
}

async function dispatch(api: OpenAPIBackend, service: RestService, options: RestCatalogServerOptions, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const rawUrl = req.raw.url ?? '/';
  const path = rawUrl.split('?')[0]!;
  const headers = flatHeaders(req.headers);
  const text = typeof req.body === 'string' ? req.body : undefined;
  const trail = newAuditTrail(newUuid(), service.warehouse.clock.nowMs(), req.ip);
  let operation: Operation | undefined;
  let answer: RestResponse;
  try {
    let forValidation: unknown;
    let lossless: JsonValue | undefined;
    const formBody = (headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
    if (text !== undefined && text.length > 0 && formBody) {
      // The OAuth2 token endpoint takes a form (RFC 6749 §4.4.2).
      forValidation = Object.fromEntries(new URLSearchParams(text));
      lossless = forValidation as JsonValue;
    } else if (text !== undefined && text.length > 0) {
      try {
        forValidation = JSON.parse(text);
        lossless = parseJson(text);
      } catch {
        throw new InvalidArgumentError('the request body is not valid JSON');
      }
    }
    // `X-Iceberg-Access-Delegation` is an array parameter with `style: simple` (a comma-separated
    // list); openapi-backend validates header values as given, so it gets the list.
    const delegation = headers['x-iceberg-access-delegation'];
    const validationHeaders: Record<string, string | string[]> = { ...headers, ...(delegation !== undefined ? { 'x-iceberg-access-delegation': delegation.split(',').map((d) => d.trim()) } : {}) };
    answer = (await api.handleRequest(
      { method: req.method, path, query: flatQuery(req.query), headers: validationHeaders, ...(forValidation !== undefined ? { body: forValidation } : {}) },
      async (c: Context): Promise<RestResponse> => {
        operation = c.operation;
        const operationId = c.operation.operationId ?? '';
        const handler = HANDLERS[operationId];
        if (c.request.params['prefix'] !== undefined && c.request.params['prefix'] !== service.prefix) {
          return { status: 404, body: errorResponseBody(404, 'NoSuchWarehouseException', `no catalog at prefix ${JSON.stringify(c.request.params['prefix'])}; GET /v1/config gives the prefix`) };
        }
        trail.operation = operationId;
        const request: RestRequest = { operationId, params: decodeParams(c.request.params as Record<string, string>), query: flatQuery(req.query), headers, body: lossless, trail };
        const governance = service.governance;
        if (operationId === 'getToken') {
          if (!governance) throw new UnsupportedError('this server runs without authentication: it issues no tokens');
          return getToken(governance, request, (lossless ?? {}) as Record<string, string>, (outcome) => {
            trail.token = outcome;
          });
        }
        // Governance first: who is asking and may they (401/403/404 before any handler runs).
        const auth = governance ? await authorizeRequest(governance, request, trail) : undefined;
        // After the decision, so that an operation this server lacks answers as a served one
        // would to a caller who may not use it (a masked reader is refused /credentials and /sign).
        if (!handler) throw new UnsupportedError(`${req.method} ${c.operation.path} (${operationId}) is not supported by this server`, { help: 'GET /v1/config lists the endpoints it serves' });
        const authorized: RestRequest = auth ? { ...request, auth } : request;
        const run = async (): Promise<RestResponse> => {
          try {
            return await handler(service, authorized);
          } catch (e) {
            trail.failure = e;
            return errorResponse(e, c.operation);
          }
        };
        const key = headers['idempotency-key'];
        // Signing changes nothing: no idempotency record per signature.
        if (key === undefined || req.method === 'GET' || req.method === 'HEAD' || operationId === 'signRequest') return run();
        // A key belongs to its caller: another principal's retry with it cannot replay the answer.
        const caller = auth && 'principal' in auth.subject ? auth.subject.principal.id : 'anonymous';
        return runIdempotent(service.catalog.root.store, `${service.systemPrefix}/idempotency/${key.toLowerCase()}.json`, requestFingerprint(operationId, path, caller), run);
      },
    )) as RestResponse;
  } catch (e) {
    trail.failure = e;
    answer = errorResponse(e, operation);
  }
  let payload = answer.body === undefined ? undefined : stringifyJson(answer.body);
  if (options.validateResponses !== false && operation?.operationId && payload !== undefined && req.method !== 'HEAD') {
    const check = checkResponse(api, operation, answer.status, JSON.parse(payload));
    if (!check.valid) {
      options.onInvalidResponse?.(operation.operationId, answer.status, check.issues);
      const detail = check.issues.map((i) => `${i.instancePath || '(root)'} ${i.message ?? ''}`).join('; ');
      answer = { status: 500, body: errorResponseBody(500, 'InternalServerError', `the server's ${answer.status} response to ${operation.operationId} does not conform to the REST spec: ${detail}`) };
      payload = stringifyJson(answer.body);
    }
  }
  // Recorded before the answer leaves, so that a client that saw it finds it after the next flush.
  if (service.audit) {
    recordTrail(service.audit, trail, answer);
    reply.header('x-request-id', trail.requestId);
  }
  reply.code(answer.status);
  for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
  if (payload === undefined || req.method === 'HEAD' || answer.status === 204 || answer.status === 304) {
    await reply.send();
    return;
  }
  await reply.type('application/json').send(payload);
}

/** Builds the Fastify app (not listening), for embedding or for tests with `inject`. */
export async function buildRestCatalogApp(options: RestCatalogServerOptions): Promise<{ app: FastifyInstance; service: RestService; admin?: { name: string; credential: Credential } }> {
  const prefix = options.prefix ?? 'floe';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(prefix)) throw new InvalidArgumentError(`prefix must be 1-64 letters, digits, _ or -, not ${JSON.stringify(prefix)}`);
  const warehouse = options.warehouse;
  const catalog = warehouse.catalog;
  if (!(catalog instanceof StorageCatalog)) {
    throw new InvalidArgumentError(`a REST catalog server serves a storage warehouse (a folder, s3:// or memory://), not another REST catalog (${warehouse.uri})`);
  }
  const perTask = z.number().int().min(1).optional().safeParse(options.planFilesPerTask);
  if (!perTask.success) throw new InvalidArgumentError(`planFilesPerTask must be a positive integer, not ${String(options.planFilesPerTask)}`);
  const governance = options.governance === 'none' ? undefined : (options.governance ?? new Governance(catalog.root.store, { audience: warehouse.uri, clock: warehouse.clock }));
  const admin = governance ? await governance.bootstrap(options.admin) : undefined;
  const auditOptions = z.union([z.literal(false), AuditLogSettingsSchema]).optional().safeParse(options.audit);
  if (!auditOptions.success) throw new InvalidArgumentError(`audit must be false or { batchSize, flushIntervalMs, maxBufferedEvents } (positive integers), not ${JSON.stringify(options.audit)?.slice(0, 100)}`);
  const audit: AuditLog | undefined = governance && options.audit !== false ? startAuditLog(warehouse, options.audit ?? {}) : undefined;
  const signing = signingAuthorityOf(warehouse, catalog);
  const service: RestService = {
    warehouse,
    catalog,
    ...(governance ? { governance } : {}),
    ...(audit ? { audit } : {}),
    prefix,
    planFilesPerTask: perTask.data ?? DEFAULT_PLAN_FILES_PER_TASK,
    warehouseNames: [prefix, warehouse.uri],
    systemPrefix: '_floe',
    tableConfig: { ...storageConfigOf(warehouse, catalog), ...options.tableConfig },
    openClientLocation: locationPolicy(warehouse, catalog, options.allowedLocations ?? []),
    ...(signing ? { signing } : {}),
  };
  const api = await createOpenApiBackend({
    notFound: () => ({ status: 404, body: errorResponseBody(404, 'NotFoundException', 'no such endpoint in the Iceberg REST catalog API') }),
    validationFail: (c: Context) => {
      const detail = (c.validation.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`).join('; ');
      return errorResponse(new InvalidArgumentError(`the request does not conform to the REST spec: ${detail}`), c.operation);
    },
    notImplemented: (c: Context, handle: (c: Context) => Promise<RestResponse>) => handle(c),
  });
  const badRequest = (message: string): string => stringifyJson(errorResponseBody(400, 'BadRequestException', message));
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? 16 * 1024 * 1024,
    exposeHeadRoutes: false,
    // Requests Fastify refuses before routing (a URL that is not valid percent-encoding, a bad
    // content type) are answered in the spec's error model too.
    frameworkErrors: (error, _req, reply) => {
      void (reply as unknown as FastifyReply).code(400).type('application/json').send(badRequest(error.code === 'FST_ERR_BAD_URL' ? 'the request URL is not valid percent-encoding' : 'the request could not be read'));
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(async (error: { statusCode?: number; code?: string; message?: string }, _req, reply) => {
    // Fastify's own refusals (body too large, unreadable body) in the spec's error model.
    const message = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `the request body exceeds ${options.bodyLimitBytes ?? 16 * 1024 * 1024} bytes` : 'the request could not be read';
    await reply.code(400).type('application/json').send(badRequest(message));
  });
  // Floe's own routes, outside the REST spec's document, before the catch-all.
  registerReadRoute(app, service);
  // Floe's own governance routes (`/floe/v1/…`), which the Iceberg document does not declare.
  registerManagementRoutes(app, service);
  app.all('/*', (req, reply) => dispatch(api, service, options, req, reply));
  // After the requests in flight have finished (and been recorded): write what is buffered.
  if (audit) app.addHook('onClose', () => audit.close());
  app.addHook('onClose', async () => signing?.destroy());
  return { app, service, ...(admin ? { admin } : {}) };
}

/**
 * Starts a REST catalog server over a warehouse.
 * @throws InvalidArgumentError for a bad prefix or planFilesPerTask; errors of `listen` (port in use)
 */
export async function startRestCatalogServer(options: RestCatalogServerOptions): Promise<RestCatalogServer> {
  const { app, service, admin } = await buildRestCatalogApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    prefix: service.prefix,
    ...(admin ? { admin } : {}),
    flushAudit: () => service.audit?.flush() ?? Promise.resolve(0),
    close: () => app.close(),
  };
}
