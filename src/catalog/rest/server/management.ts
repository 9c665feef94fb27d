/**
 * Floe's governance management API (spec/governance.md §G4): principals, grants, the change
 * history and anonymous access, under `/floe/v1/…`. These routes are a Floe extension, not in
 * the Iceberg REST OpenAPI document, so they are Fastify routes of their own with zod-checked
 * bodies (catalog/rest/wire/governance-json.ts); every failure is still an
 * `IcebergErrorResponse`. Each request is authenticated (401) and every change is authorized by
 * `Governance`, which refuses it (403) unless the caller holds `MANAGE_GRANTS` where it acts —
 * on the catalog for principals, on the grant's object for grants.
 *
 *     GET    /floe/v1/principals            list (never secrets or their hashes)
 *     POST   /floe/v1/principals            create → its credential, once
 *     POST   /floe/v1/principals/{name}     roles, disable/enable, revoke tokens, rotate secret (→ new credential, once)
 *     GET    /floe/v1/grants[?role&namespace&table]
 *     POST   /floe/v1/grants                grant a privilege (optional column mask / row filter on READ)
 *     DELETE /floe/v1/grants/{id}           revoke
 *     GET    /floe/v1/history               every change, oldest first
 *     GET    /floe/v1/anonymous, POST …     anonymous access off / on
 *
 * `Idempotency-Key` is honoured as on the catalog's mutations (idempotency.ts), except where the
 * answer holds a secret (creating a principal, rotating a secret): the replay record would store
 * the secret in the warehouse, which nothing may; a retried creation is refused (409) instead.
 *
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidArgumentError, NotAuthorizedError, UnsupportedError } from '../../../errors.js';
import { toExpression } from '../../../expr/index.js';
import {
  type ColumnMask,
  type Governance,
  type GovernanceState,
  type Grant,
  NameSchema,
  PRIVILEGES,
  type Principal,
  type Privilege,
  type Securable,
  type Subject,
  authorize,
  covers,
  principalInfo,
  rolesOf,
  securableToString,
} from '../../../governance/index.js';
import { type JsonValue, newUuid, parseJson, stringifyJson } from '../../../util/index.js';
import {
  AnonymousRequestSchema,
  CreatePrincipalRequestSchema,
  GrantRequestSchema,
  MANAGEMENT_PATH,
  PRIVILEGE_NAMES,
  type PrivilegeName,
  type SecurableJson,
  UpdatePrincipalRequestSchema,
  errorResponseBody,
  httpFailureOf,
  messageOf,
  zodIssuesText,
} from '../wire/index.js';
import { type AuditTrail, newAuditTrail, recordDecision, recordTrail } from './audit-trail.js';
import { type RestResponse, type RestService, namespaceFromParts, tableIdentifierOf } from './context.js';
import { requestFingerprint, runIdempotent } from './idempotency.js';

// The wire's privilege list and the model's are one list: this fails to compile if they part.
const SAME_PRIVILEGES: [readonly Privilege[], readonly PrivilegeName[]] = [PRIVILEGE_NAMES, PRIVILEGES];
void SAME_PRIVILEGES;

const CATALOG: Securable = { kind: 'catalog' };

/** What a management handler gets: the caller, authenticated, and the state it was read in. */
interface ManagementCall {
  readonly governance: Governance;
  readonly state: GovernanceState;
  readonly subject: Subject;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: JsonValue | undefined;
  /** The request's audit trail: every decision a handler makes goes in it. */
  readonly trail: AuditTrail;
}

/** One route. */
interface ManagementRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** After {@link MANAGEMENT_PATH}. */
  readonly path: string;
  /** Names the route in idempotency fingerprints. */
  readonly id: string;
  /** Whether an `Idempotency-Key` may replay its answer (never for answers holding a secret). */
  readonly replayable: (body: JsonValue | undefined) => boolean;
  readonly handle: (call: ManagementCall) => Promise<RestResponse>;
}

function answer(status: number, body: JsonValue, headers?: Readonly<Record<string, string>>): RestResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}

function refusal(status: number, type: string, message: string): RestResponse {
  return { status, body: errorResponseBody(status, type, message) };
}

/** A failure in the REST spec's error model; a 401 names the scheme (RFC 6750 §3). */
function failure(e: unknown): RestResponse {
  const f = httpFailureOf(e);
  return { status: f.status, body: errorResponseBody(f.status, f.type, messageOf(e)), ...(f.status === 401 ? { headers: { 'www-authenticate': 'Bearer' } } : {}) };
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new InvalidArgumentError(`invalid ${what}: ${zodIssuesText(r.error)}`);
  return r.data;
}

function checkedName(value: string, what: string): string {
  const r = NameSchema.safeParse(value);
  if (!r.success) throw new InvalidArgumentError(`${what} ${JSON.stringify(value.slice(0, 140))} is not a valid name: ${zodIssuesText(r.error)}`, { context: { argument: what } });
  return r.data;
}

function callerName(subject: Subject): string {
  return 'principal' in subject ? subject.principal.name : 'an anonymous request';
}

/** Refuses (403) a caller without `MANAGE_GRANTS` on `on`; the decision goes to the audit log either way. */
function requireManage(call: ManagementCall, on: Securable): void {
  const d = authorize(call.state, call.subject, 'MANAGE_GRANTS', on);
  const object = securableToString(on);
  recordDecision(call.trail, { privilege: 'MANAGE_GRANTS', object, decision: d });
  // A management route is refused, never hidden: the catalog and its principals are no secret.
  if (!d.allowed) throw new NotAuthorizedError(d.reason, { context: { privilege: 'MANAGE_GRANTS', object } });
}

/** The object of the decision "holds MANAGE_GRANTS somewhere", in the audit log. */
const ANY_OBJECT = 'any object';

/**
 * Refuses (403) a caller without `MANAGE_GRANTS` anywhere (who may then learn which grants
 * exist); the decision goes to the audit log either way.
 */
function requireManagesAnything(call: ManagementCall, what: string): void {
  const roles = new Set(rolesOf(call.state, call.subject));
  const allowed = call.state.grants.some((g) => g.privilege === 'MANAGE_GRANTS' && roles.has(g.role));
  const reason = allowed ? `${callerName(call.subject)} holds MANAGE_GRANTS on some object` : `${callerName(call.subject)} holds MANAGE_GRANTS nowhere, so it may not ${what}`;
  recordDecision(call.trail, { privilege: 'MANAGE_GRANTS', object: ANY_OBJECT, decision: allowed ? { allowed, status: 200, reason } : { allowed, status: 403, reason } });
  if (!allowed) throw new NotAuthorizedError(reason, { context: { privilege: 'MANAGE_GRANTS', object: ANY_OBJECT } });
}

function principalNamed(state: GovernanceState, name: string): Principal | undefined {
  return Object.values(state.principals).find((p) => p.name === name);
}

/** The object a request names, checked as the catalog checks names (spec/catalog.md §K1). */
function securableOf(on: SecurableJson): Securable {
  if (on.kind === 'catalog') return CATALOG;
  const namespace = namespaceFromParts(on.namespace);
  if (on.kind === 'namespace') return { kind: 'namespace', namespace };
  return { kind: 'table', namespace, table: tableIdentifierOf(namespace, on.table).name };
}

/** A grant's column mask, checked: only on READ, at least one column, none both dropped and nulled. */
function columnMaskOf(mask: { drop?: string[] | undefined; nullify?: string[] | undefined }): ColumnMask {
  const drop = [...new Set(mask.drop ?? [])];
  const nullify = [...new Set(mask.nullify ?? [])];
  if (drop.length + nullify.length === 0) throw new InvalidArgumentError('columnMask names no column: give drop or nullify columns, or leave the mask out');
  const both = drop.filter((c) => nullify.includes(c));
  if (both.length > 0) throw new InvalidArgumentError(`columnMask both drops and nulls ${both.join(', ')}`, { context: { column: both[0]! } });
  return { ...(drop.length > 0 ? { drop } : {}), ...(nullify.length > 0 ? { nullify } : {}) };
}

const GrantsQuerySchema = z.strictObject({ role: z.string().optional(), namespace: z.string().optional(), table: z.string().optional() });

const listPrincipals = async (call: ManagementCall): Promise<RestResponse> => {
  requireManage(call, CATALOG);
  const principals = Object.values(call.state.principals)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => principalInfo(p) as unknown as JsonValue);
  return answer(200, { principals });
};

const createPrincipal = async (call: ManagementCall): Promise<RestResponse> => {
  requireManage(call, CATALOG);
  const request = parsed(CreatePrincipalRequestSchema, call.body, 'CreatePrincipalRequest');
  const name = checkedName(request.name, 'principal name');
  const roles = (request.roles ?? []).map((r) => checkedName(r, 'role'));
  if (principalNamed(call.state, name)) return refusal(409, 'AlreadyExistsException', `a principal named ${name} exists already`);
  const made = await call.governance.createPrincipal(call.subject, { name, type: request.type ?? 'user', roles });
  // The secret is in this answer only: not cached anywhere on the way (RFC 6749 §5.1).
  return answer(201, { principal: made.principal as unknown as JsonValue, credential: { ...made.credential } }, { 'cache-control': 'no-store' });
};

const updatePrincipal = async (call: ManagementCall): Promise<RestResponse> => {
  requireManage(call, CATALOG);
  const name = checkedName(call.params['name'] ?? '', 'principal name');
  const request = parsed(UpdatePrincipalRequestSchema, call.body, 'UpdatePrincipalRequest');
  const addRoles = (request.addRoles ?? []).map((r) => checkedName(r, 'role'));
  const removeRoles = (request.removeRoles ?? []).map((r) => checkedName(r, 'role'));
  const both = addRoles.filter((r) => removeRoles.includes(r));
  if (both.length > 0) throw new InvalidArgumentError(`role ${both[0]} is both added and removed`, { context: { role: both[0]! } });
  if (addRoles.length + removeRoles.length === 0 && request.disabled === undefined && !request.revokeTokens && !request.rotateSecret) {
    throw new InvalidArgumentError(`the request changes nothing about principal ${name}`, { help: 'give addRoles, removeRoles, disabled, revokeTokens or rotateSecret' });
  }
  const old = principalNamed(call.state, name);
  if (!old) return refusal(404, 'NotFoundException', `no principal named ${name}`);
  // Governance refuses a change that would leave nobody able to manage the catalog, checked on
  // the state the change applies to (not this request's, which a concurrent change may outdate).
  const changed = await call.governance.updatePrincipal(call.subject, name, {
    addRoles,
    removeRoles,
    ...(request.disabled !== undefined ? { disabled: request.disabled } : {}),
    ...(request.revokeTokens ? { revokeTokens: true } : {}),
    ...(request.rotateSecret ? { rotateSecret: true } : {}),
  });
  const body = { principal: changed.principal as unknown as JsonValue, ...(changed.credential ? { credential: { ...changed.credential } } : {}) };
  return answer(200, body, changed.credential ? { 'cache-control': 'no-store' } : undefined);
};

const listGrants = async (call: ManagementCall): Promise<RestResponse> => {
  requireManagesAnything(call, 'list grants');
  const q = parsed(GrantsQuerySchema, call.query, 'grants query');
  const role = q.role === undefined ? undefined : checkedName(q.role, 'role');
  if (q.table !== undefined && q.namespace === undefined) throw new InvalidArgumentError('the table query parameter needs namespace too');
  const on = q.namespace === undefined ? undefined : securableOf(q.table === undefined ? { kind: 'namespace', namespace: q.namespace.split('.') } : { kind: 'table', namespace: q.namespace.split('.'), table: q.table });
  const grants = call.state.grants
    // Only grants the caller could itself revoke: where it holds MANAGE_GRANTS.
    .filter((g) => authorize(call.state, call.subject, 'MANAGE_GRANTS', g.on).allowed)
    .filter((g) => role === undefined || g.role === role)
    // On the object, above it (they apply to it) or below it (they are part of it).
    .filter((g) => on === undefined || covers(g.on, on) || covers(on, g.on))
    .sort((a, b) => a.grantedAtMs - b.grantedAtMs || a.id.localeCompare(b.id));
  return answer(200, { grants: grants as unknown as JsonValue });
};

const grant = async (call: ManagementCall): Promise<RestResponse> => {
  const request = parsed(GrantRequestSchema, call.body, 'GrantRequest');
  const role = checkedName(request.role, 'role');
  const on = securableOf(request.on);
  if ((request.columnMask || request.rowFilter !== undefined) && request.privilege !== 'READ') {
    throw new InvalidArgumentError(`a column mask or row filter limits what is read: it goes with READ, not ${request.privilege}`, { context: { privilege: request.privilege } });
  }
  // Decided here too (Governance decides again on the state it changes), for the audit log.
  requireManage(call, on);
  const columnMask = request.columnMask ? columnMaskOf(request.columnMask) : undefined;
  // The filter is checked now, in Floe's syntax, so that a grant never holds one no read can apply.
  if (request.rowFilter !== undefined) toExpression(request.rowFilter, { what: 'rowFilter of the grant' });
  const made: Grant = await call.governance.grant(call.subject, {
    role,
    privilege: request.privilege,
    on,
    ...(columnMask ? { columnMask } : {}),
    ...(request.rowFilter !== undefined ? { rowFilter: request.rowFilter } : {}),
  });
  return answer(201, { grant: made as unknown as JsonValue });
};

const revoke = async (call: ManagementCall): Promise<RestResponse> => {
  const id = call.params['id'] ?? '';
  const found = call.state.grants.find((g) => g.id === id);
  if (!found) {
    requireManagesAnything(call, 'revoke grants');
    return refusal(404, 'NotFoundException', `no grant with id ${JSON.stringify(id.slice(0, 64))}`);
  }
  requireManage(call, found.on);
  const revoked = await call.governance.revoke(call.subject, id);
  return answer(200, { grant: revoked as unknown as JsonValue });
};

const history = async (call: ManagementCall): Promise<RestResponse> => {
  requireManage(call, CATALOG);
  return answer(200, { changes: await call.governance.history() });
};

const anonymous = async (call: ManagementCall): Promise<RestResponse> => {
  requireManage(call, CATALOG);
  return answer(200, { allow: call.state.allowAnonymous });
};

const setAnonymous = async (call: ManagementCall): Promise<RestResponse> => {
  const request = parsed(AnonymousRequestSchema, call.body, 'AnonymousRequest');
  requireManage(call, CATALOG);
  await call.governance.setAnonymous(call.subject, request.allow);
  return answer(200, { allow: request.allow });
};

const always = (): boolean => true;
const never = (): boolean => false;

/** Every management route. */
const ROUTES: readonly ManagementRoute[] = [
  { method: 'GET', path: '/principals', id: 'listPrincipals', replayable: never, handle: listPrincipals },
  { method: 'POST', path: '/principals', id: 'createPrincipal', replayable: never, handle: createPrincipal },
  {
    method: 'POST',
    path: '/principals/:name',
    id: 'updatePrincipal',
    replayable: (body) => !(typeof body === 'object' && body !== null && !Array.isArray(body) && body['rotateSecret'] === true),
    handle: updatePrincipal,
  },
  { method: 'GET', path: '/grants', id: 'listGrants', replayable: never, handle: listGrants },
  { method: 'POST', path: '/grants', id: 'grant', replayable: always, handle: grant },
  { method: 'DELETE', path: '/grants/:id', id: 'revokeGrant', replayable: always, handle: revoke },
  { method: 'GET', path: '/history', id: 'governanceHistory', replayable: never, handle: history },
  { method: 'GET', path: '/anonymous', id: 'getAnonymous', replayable: never, handle: anonymous },
  { method: 'POST', path: '/anonymous', id: 'setAnonymous', replayable: always, handle: setAnonymous },
];

function stringsOf(record: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((record ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

// The REST spec's Idempotency-Key is a UUID; anything else is refused before it names a file.
const IdempotencyKeySchema = z.guid();

async function run(service: RestService, route: ManagementRoute, req: FastifyRequest, trail: AuditTrail): Promise<RestResponse> {
  const governance = service.governance;
  if (!governance) throw new UnsupportedError('this server runs without authentication (governance: none): it has no principals or grants to manage');
  const text = typeof req.body === 'string' && req.body.length > 0 ? req.body : undefined;
  let body: JsonValue | undefined;
  if (text !== undefined) {
    try {
      body = parseJson(text);
    } catch {
      throw new InvalidArgumentError('the request body is not valid JSON');
    }
  }
  const headers = stringsOf(req.headers);
  const state = await governance.state();
  const subject = await governance.authenticate(state, headers['authorization']);
  trail.subject = subject;
  const call: ManagementCall = { governance, state, subject, params: stringsOf(req.params), query: stringsOf(req.query), body, trail };
  const handle = async (): Promise<RestResponse> => {
    try {
      return await route.handle(call);
    } catch (e) {
      trail.failure = e;
      return failure(e);
    }
  };
  const key = headers['idempotency-key'];
  if (key === undefined || route.method === 'GET' || !route.replayable(body)) return handle();
  if (!IdempotencyKeySchema.safeParse(key).success) throw new InvalidArgumentError('the Idempotency-Key header must be a UUID');
  const caller = 'principal' in subject ? subject.principal.id : 'anonymous';
  const path = (req.raw.url ?? '').split('?')[0]!;
  return runIdempotent(service.catalog.root.store, `${service.systemPrefix}/idempotency/${key.toLowerCase()}.json`, requestFingerprint(`floe:${route.id}`, path, caller), handle);
}

async function reply(service: RestService, route: ManagementRoute, req: FastifyRequest, res: FastifyReply): Promise<void> {
  const trail = newAuditTrail(newUuid(), service.warehouse.clock.nowMs(), req.ip);
  trail.operation = route.id;
  let result: RestResponse;
  try {
    result = await run(service, route, req, trail);
  } catch (e) {
    trail.failure = e;
    result = failure(e);
  }
  // Recorded before the answer leaves, as the catalog's routes are (server.ts).
  if (service.audit) {
    recordTrail(service.audit, trail, result);
    res.header('x-request-id', trail.requestId);
  }
  res.code(result.status);
  for (const [k, v] of Object.entries(result.headers ?? {})) res.header(k, v);
  await res.type('application/json').send(stringifyJson(result.body ?? {}));
}

/**
 * Adds the management routes to a REST catalog server's Fastify app (before its catch-all
 * route, which serves the Iceberg REST document).
 * @param app the server's app
 * @param service the served warehouse and its governance
 */
export function registerManagementRoutes(app: FastifyInstance, service: RestService): void {
  for (const route of ROUTES) {
    app.route({ method: route.method, url: `${MANAGEMENT_PATH}${route.path}`, handler: (req, res) => reply(service, route, req, res) });
  }
}
